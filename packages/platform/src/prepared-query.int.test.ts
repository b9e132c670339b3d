import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from './database.ts';
import { preparedQuery } from './prepared-query.ts';

/** A prepared query runs the SQL Kysely would build for the same values, once per shape. */

interface Tables {
  item: { id: string; kind: string; n: number; tags: string[]; at: Date; note: string | null };
}

describe('preparedQuery', () => {
  let database: Database;
  let db: Kysely<Tables>;

  beforeEach(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
    db = database.db as unknown as Kysely<Tables>;
    await sql`create table item (id text primary key, kind text not null, n int not null, tags text[] not null, at timestamptz not null, note text default 'none')`.execute(
      db,
    );
  });

  afterEach(async () => {
    await database.close();
  });

  const insert = preparedQuery((kysely: Kysely<Tables>, { row }: { row: Tables['item'] | Omit<Tables['item'], 'note'> }) =>
    kysely.insertInto('item').values(row).returningAll(),
  );
  const findOfKind = preparedQuery((kysely: Kysely<Tables>, values: { id: string; least: number }) =>
    // 'thing' is a constant of the query, not a value: it stays as written.
    kysely.selectFrom('item').selectAll().where('id', '=', values.id).where('kind', '=', 'thing').where('n', '>=', values.least),
  );

  it('binds each run’s values, keeps the query’s constants, and returns what Kysely returns', async () => {
    const at = new Date('2026-03-04T05:06:07Z');
    await insert(db, { row: { id: 'a', kind: 'thing', n: 1, tags: ['x', 'y'], at, note: 'first' } });
    await insert(db, { row: { id: 'b', kind: 'other', n: 2, tags: [], at, note: null } });
    expect((await findOfKind(db, { id: 'a', least: 1 })).rows).toEqual(
      await db.selectFrom('item').selectAll().where('id', '=', 'a').execute(),
    );
    expect((await findOfKind(db, { id: 'a', least: 2 })).rows).toEqual([]);
    expect((await findOfKind(db, { id: 'b', least: 0 })).rows).toEqual([]); // kind 'other'
    expect(await db.selectFrom('item').select(['note', 'tags']).where('id', '=', 'b').executeTakeFirst()).toEqual({ note: null, tags: [] });
  });

  it('leaves an undefined value out, as Kysely does, so the column takes its default', async () => {
    const row = { id: 'c', kind: 'thing', n: 3, tags: ['z'], at: new Date(), note: undefined } as unknown as Omit<Tables['item'], 'note'>;
    const { rows } = await insert(db, { row });
    expect(rows[0]).toMatchObject({ id: 'c', note: 'none' });
    // The same statement with the column set again is another shape, not the one above.
    expect((await insert(db, { row: { id: 'd', kind: 'thing', n: 4, tags: [], at: new Date(), note: 'set' } })).rows[0]).toMatchObject({
      note: 'set',
    });
  });

  it('runs inside a transaction on its connection', async () => {
    await db.transaction().execute(async (trx) => {
      await insert(trx, { row: { id: 'e', kind: 'thing', n: 5, tags: [], at: new Date(), note: null } });
      expect((await findOfKind(trx, { id: 'e', least: 0 })).rows).toHaveLength(1);
    });
  });
});
