import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- The snapshot a merge_forward message holds: copies of the forwarded messages as they were, so a
    -- later edit or recall of an original changes nothing here.
    create table im_merged_message (
      tenant_id text not null,
      merge_id text not null references im_message(id),
      position integer not null,
      message_id text not null,
      upper_message_id text not null,
      sender_kind text not null,
      sender_id text not null,
      sender_name text not null default '',
      msg_type text not null,
      content text not null,
      created_at timestamptz not null,
      primary key (merge_id, position)
    );
  `.execute(db);
}
