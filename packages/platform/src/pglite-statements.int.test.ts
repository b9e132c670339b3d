import { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PGliteStatements } from './pglite-statements.ts';

/** Prepared statements on PGlite answer exactly what PGlite.query does, and survive errors and schema changes. */
describe('PGliteStatements', () => {
  let pglite: PGlite;
  let statements: PGliteStatements;

  beforeEach(async () => {
    pglite = await PGlite.create('memory://', { parsers: { 20: (value: string) => Number(value) } });
    await pglite.exec(`
      create table thing (id text primary key, n int8 not null, at timestamptz, day date, data jsonb, tags text[], note text);
      insert into thing values ('a', 1, '2026-01-02T03:04:05Z', '2026-01-02', '{"k":[1,"two"]}', '{x,y}', null);`);
    statements = new PGliteStatements(pglite, 3);
  });

  afterEach(async () => {
    await pglite.close();
  });

  const select = 'select * from thing where id = $1';

  it('returns the rows PGlite.query returns, for every type, twice over the same statement', async () => {
    const expected = await pglite.query(select, ['a'], { rowMode: 'object' });
    expect((await statements.query(select, ['a'])).rows).toEqual(expected.rows);
    expect((await statements.query(select, ['a'])).rows).toEqual(expected.rows);
    expect((await statements.query(select, ['missing'])).rows).toEqual([]);
  });

  it('binds every kind of value as PGlite.query does', async () => {
    const values = ['b', 2, new Date('2026-05-06T07:08:09Z'), '2026-05-06', JSON.stringify({ nested: { ok: true } }), ['p', 'q'], null];
    const insert = 'insert into thing values ($1, $2, $3, $4, $5, $6, $7) returning *';
    const inserted = await statements.query(insert, values);
    expect(inserted.affectedRows).toBe(1);
    expect(inserted.rows).toEqual((await pglite.query(select, ['b'], { rowMode: 'object' })).rows);
  });

  it('reports an error with its code and goes on working, in a transaction and outside one', async () => {
    const insert = 'insert into thing (id, n) values ($1, $2)';
    await expect(statements.query(insert, ['a', 5])).rejects.toMatchObject({ code: '23505' });
    await statements.exec('begin');
    await expect(statements.query(insert, ['a', 5])).rejects.toMatchObject({ code: '23505' });
    await expect(statements.query(select, ['a'])).rejects.toMatchObject({ code: '25P02' }); // aborted transaction
    await statements.exec('rollback');
    await statements.exec('begin');
    await statements.query(insert, ['c', 3]);
    await statements.exec('commit');
    expect((await statements.query(select, ['c'])).rows).toHaveLength(1);
    await expect(statements.query('select * from nowhere where id = $1', ['x'])).rejects.toMatchObject({ code: '42P01' });
  });

  it('closes the least recently used statement beyond its capacity, and prepares it again when needed', async () => {
    const text = (k: number) => `select id, n + ${k} as n from thing where id = $1`;
    for (const k of [1, 2, 3, 4, 5]) expect((await statements.query(text(k), ['a'])).rows).toEqual([{ id: 'a', n: 1 + k }]);
    const { rows } = await pglite.query<{ count: number }>('select count(*)::int as count from pg_prepared_statements');
    expect(rows[0]!.count).toBeLessThanOrEqual(4); // three kept, the last evicted one closes with the next run
    expect((await statements.query(text(1), ['a'])).rows).toEqual([{ id: 'a', n: 2 }]);
  });

  it('keeps its statements across queries without parameters and transaction control', async () => {
    await statements.query(select, ['a']);
    const kept = async () =>
      (await pglite.query<{ count: number }>('select count(*)::int as count from pg_prepared_statements')).rows[0]!.count;
    const before = await kept();
    await statements.exec('begin');
    expect((await statements.exec('select max(n) as max from thing')).rows).toEqual([{ max: 1 }]);
    await statements.exec('commit');
    expect(await kept()).toBeGreaterThanOrEqual(before);
    expect((await statements.query(select, ['a'])).rows).toHaveLength(1);
  });

  it('forgets its statements when the schema changes, so a kept select * sees a new column', async () => {
    expect(Object.keys((await statements.query(select, ['a'])).rows[0] as object)).not.toContain('extra');
    await statements.exec('alter table thing add column extra text default $$e$$');
    expect((await statements.query(select, ['a'])).rows[0]).toMatchObject({ extra: 'e' });
  });
});
