import { describe, expect, it } from 'vitest';
import { snippetOf } from './search-snippet.ts';

const marked = ({ text, highlights }: ReturnType<typeof snippetOf>) =>
  highlights.reduceRight((out, { start, end }) => `${out.slice(0, start)}[${out.slice(start, end)}]${out.slice(end)}`, text);

describe('search snippet', () => {
  it('marks every occurrence, whatever its case', () => {
    expect(marked(snippetOf('Release notes: the release is Friday', 'RELEASE'))).toBe('[Release] notes: the [release] is Friday');
  });

  it('marks Chinese one- and two-character queries', () => {
    expect(marked(snippetOf('明天发布新版本，发布会在下午', '发布'))).toBe('明天[发布]新版本，[发布]会在下午');
    expect(marked(snippetOf('新版本', '新'))).toBe('[新]版本');
  });

  it('shows a window around the first match of a long text, with ellipses where it was cut', () => {
    const text = `${'前文'.repeat(100)}关键词${'后文'.repeat(100)}`;
    const snippet = snippetOf(text, '关键词');
    expect(snippet.text.startsWith('…')).toBe(true);
    expect(snippet.text.endsWith('…')).toBe(true);
    expect(snippet.text.length).toBeLessThanOrEqual(122);
    expect(marked(snippet)).toContain('前文[关键词]后文');
  });

  it('keeps a match at the end inside a full window', () => {
    const snippet = snippetOf(`${'x '.repeat(200)}needle`, 'needle');
    expect(snippet.text.endsWith('needle')).toBe(true);
    expect(snippet.text.length).toBe(121);
    expect(marked(snippet).endsWith('[needle]')).toBe(true);
  });

  it('collapses whitespace in the text and the query', () => {
    expect(marked(snippetOf('release\n\n  notes', 'release  notes'))).toBe('[release notes]');
  });

  it('never cuts a character made of two UTF-16 units', () => {
    const text = `${'😀'.repeat(80)}match${'😀'.repeat(80)}`;
    const snippet = snippetOf(text, 'match');
    expect(() => encodeURIComponent(snippet.text)).not.toThrow();
    expect(marked(snippet)).toContain('[match]');
  });

  it('treats the query as text, not a pattern, and shows the start when nothing matches', () => {
    expect(marked(snippetOf('50% off (today)', '% off ('))).toBe('50[% off (]today)');
    expect(snippetOf('plain words', 'absent')).toEqual({ text: 'plain words', highlights: [] });
  });
});
