import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table im_webhook_bot (
      id text primary key,
      tenant_id text not null references tenant(id),
      chat_id text not null references im_chat(id),
      name text not null,
      description text not null default '',
      token_hash text not null unique,
      token_hint text not null,
      secret text,
      keywords text[] not null default '{}',
      ip_allowlist text[] not null default '{}',
      created_by text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      removed_at timestamptz
    );
    create index im_webhook_bot_chat on im_webhook_bot (chat_id, created_at) where removed_at is null;
  `.execute(db);
}
