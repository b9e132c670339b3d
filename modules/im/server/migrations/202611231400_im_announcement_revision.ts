import { type Kysely, sql } from 'kysely';

/** Feishu's announcement API is optimistic: a patch names the revision it edits. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table im_chat add column announcement_revision bigint not null default 0;
    alter table im_chat add column announcement_updated_at timestamptz;
  `.execute(db);
}
