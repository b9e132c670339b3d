import { describe, expect, it } from 'vitest';
import { importTemplate, parseCsvRows } from './csv-rows.ts';

describe('parseCsvRows', () => {
  it('splits rows and cells, dropping a BOM and blank lines', () => {
    expect(parseCsvRows('\uFEFFname,email\r\n张三,zs@example.com\n\n')).toEqual([
      ['name', 'email'],
      ['张三', 'zs@example.com'],
    ]);
  });

  it('keeps commas, quotes and line breaks inside quoted cells', () => {
    expect(parseCsvRows('name,title\n"Wang, Alice","Says ""hi""\nthere"')).toEqual([
      ['name', 'title'],
      ['Wang, Alice', 'Says "hi"\nthere'],
    ]);
  });

  it('keeps empty cells in place', () => {
    expect(parseCsvRows('a,b,c\n1,,3')).toEqual([
      ['a', 'b', 'c'],
      ['1', '', '3'],
    ]);
  });

  it('produces a template whose rows all have every column', () => {
    const rows = parseCsvRows(importTemplate());
    expect(rows.length).toBe(4);
    for (const row of rows) expect(row.length).toBe(8);
  });
});
