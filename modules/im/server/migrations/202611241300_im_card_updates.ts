import { type Kysely, sql } from 'kysely';

/**
 * Delayed card updates and template cards.
 * - `im_card_token`: one row per card click — the `c-…` token the app got in the callback, as
 *   sha256, bound to that app and message, with its expiry (30 minutes) and how often it was used
 *   (Feishu allows 2 updates per token). No foreign key to `im_message`: retention may delete a
 *   message a token still names, and the update then finds no message.
 * - `im_message.card_template`: for a card sent from a template, `{"template_id","template_version_name"}`
 *   of what was rendered (the content holds the rendered card); null otherwise.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table im_message add column card_template text;
    create table im_card_token (
      token_hash text primary key,
      tenant_id text not null,
      app_id text not null,
      message_id text not null,
      user_id text not null,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      uses integer not null default 0
    );
    create index im_card_token_expiry on im_card_token (expires_at);
  `.execute(db);
}
