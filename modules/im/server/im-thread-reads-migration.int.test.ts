import { openDatabase } from '@kite/platform/database';
import { migrateToLatest } from '@kite/platform/migrations';
import { platformMigrations } from '@kite/platform/platform-migrations';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { imMigrations } from './migrations.ts';

/**
 * Migration 202611261000 on a database with threads from before it: each person of a chat gets a
 * row per thread root at their chat read position, so replies they had read stay read; people who
 * never read the chat get none (everything stays unread for them), and so do timeline messages.
 */

const engines = process.env.KITE_TEST_PG_URL ? (['pglite', 'postgres'] as const) : (['pglite'] as const);
const NAME = '202611261000_im_thread_reads';

async function withDatabase(engine: (typeof engines)[number], body: (db: Kysely<unknown>) => Promise<void>) {
  if (engine === 'pglite') {
    const database = await openDatabase({ dataDir: 'memory://' });
    try {
      await body(database.db as never);
    } finally {
      await database.close();
    }
    return;
  }
  const admin = process.env.KITE_TEST_PG_URL!;
  const name = `kite_thread_reads_${process.pid}_${Date.now()}`;
  const run = async (query: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(query);
    await client.end();
  };
  await run(`create database ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString() });
  try {
    await body(database.db as never);
  } finally {
    await database.close();
    await run(`drop database if exists ${name} with (force)`);
  }
}

describe.each(engines)('im_thread_read migration (%s)', (engine) => {
  it('keeps what people had read of threads read, and adds nothing else', async () => {
    await withDatabase(engine, async (db) => {
      const before = Object.fromEntries(Object.entries(imMigrations).filter(([name]) => name !== NAME));
      await migrateToLatest(db, platformMigrations, before);
      await sql`insert into tenant (id, tenant_key, name) values ('t1', 'k1', 'Acme')`.execute(db);
      await sql`insert into im_chat (id, tenant_id, chat_id, chat_type, settings, last_seq) values ('c1', 't1', 'oc_1', 'group', '{}', 4)`.execute(
        db,
      );
      await sql`insert into im_member (tenant_id, chat_id, member_kind, member_id, last_read_seq) values
        ('t1', 'c1', 'user', 'alice', 3), ('t1', 'c1', 'user', 'bob', 0), ('t1', 'c1', 'app', 'cli_bot', 4)`.execute(db);
      const message = (id: string, seq: number, extra: string) =>
        sql`insert into im_message (id, tenant_id, chat_id, message_id, seq, sender_kind, sender_id, msg_type, content, root_id, parent_id, thread_id, in_thread)
          values ${sql.raw(`('${id}', 't1', 'c1', 'om_${id}', ${seq}, 'user', 'alice', 'text', '{}', ${extra})`)}`.execute(db);
      await message('root', 1, `null, null, 'omt_1', false`);
      await message('reply', 2, `'root', 'root', 'omt_1', true`);
      await message('plain', 3, `null, null, null, false`);
      await message('later', 4, `'root', 'root', 'omt_1', true`);

      await migrateToLatest(db, platformMigrations, imMigrations);
      const rows = await sql<{ root_id: string; user_id: string; last_read_seq: string; chat_id: string; tenant_id: string }>`
        select root_id, user_id, last_read_seq, chat_id, tenant_id from im_thread_read order by user_id`.execute(db);
      expect(rows.rows.map((row) => ({ ...row, last_read_seq: Number(row.last_read_seq) }))).toEqual([
        { root_id: 'root', user_id: 'alice', last_read_seq: 3, chat_id: 'c1', tenant_id: 't1' },
      ]);
      // The root's deletion (retention) takes its read rows along.
      await sql`update im_message set root_id = null, parent_id = null where root_id = 'root'`.execute(db);
      await sql`delete from im_message where id = 'root'`.execute(db);
      expect((await sql`select 1 from im_thread_read`.execute(db)).rows).toHaveLength(0);
    });
  });
});
