import { type Kysely, sql } from 'kysely';

/**
 * Cards only one person sees (Feishu's 仅特定人可见的消息卡片): `im_ephemeral_message`, apart from
 * `im_message` so that they take no seq, count as unread for nobody and are never searched. The
 * viewer index serves that person's history pages (a chat, a seq range); deleting the chat's
 * messages by age (retention) uses `created_at`, and a chat gone takes its cards along.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table im_ephemeral_message (
      id text primary key,
      tenant_id text not null,
      chat_id text not null references im_chat(id) on delete cascade,
      message_id text not null unique,
      app_id text not null,
      user_id text not null,
      after_seq bigint not null,
      content text not null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    );
    create index im_ephemeral_viewer on im_ephemeral_message (chat_id, user_id, after_seq);
    create index im_ephemeral_age on im_ephemeral_message (tenant_id, created_at);
  `.execute(db);
}
