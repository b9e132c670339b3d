import { type Kysely, sql } from 'kysely';

/**
 * A person's own messenger settings (desktop notifications, sounds). No row means the defaults,
 * so nobody needs one until they change something. The chats' new buzz and pin policies need no
 * column: they sit in `im_chat.settings` with the other policies, and a missing key reads as
 * today's behaviour (`DEFAULT_SETTINGS`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table im_user_settings (
      tenant_id text not null references tenant(id),
      user_id text not null,
      desktop_notifications boolean not null default true,
      sound boolean not null default true,
      updated_at timestamptz not null default now(),
      primary key (tenant_id, user_id)
    );
  `.execute(db);
}
