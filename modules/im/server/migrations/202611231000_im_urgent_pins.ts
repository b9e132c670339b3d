import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table im_urgent (
      tenant_id text not null,
      message_id text not null references im_message(id),
      chat_id text not null references im_chat(id),
      recipient_id text not null,
      buzzed_by_kind text not null,
      buzzed_by_id text not null,
      buzzed_at timestamptz not null,
      acknowledged_at timestamptz,
      primary key (message_id, recipient_id)
    );
    create index im_urgent_pending on im_urgent (tenant_id, recipient_id, buzzed_at) where acknowledged_at is null;
    create index im_urgent_chat on im_urgent (chat_id, message_id);

    create table im_pin (
      message_id text primary key references im_message(id),
      tenant_id text not null,
      chat_id text not null references im_chat(id),
      operator_kind text not null,
      operator_id text not null,
      created_at timestamptz not null
    );
    create index im_pin_chat on im_pin (chat_id, created_at, message_id);
  `.execute(db);
}
