import { type Kysely, sql } from 'kysely';

/**
 * Card templates (Feishu's card builder): an app's cards with `${name}` placeholders, sent by id.
 * `op_card_template` is the template (public `template_id`, name, owner app); each published version
 * is a row of `op_card_template_version` and never changes, so a sender pinned to `1.0.0` keeps
 * getting what `1.0.0` was.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table op_card_template (
      id text primary key,
      tenant_id text not null references tenant(id),
      app_id text not null,
      template_id text not null unique,
      name text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz
    );
    create index op_card_template_app on op_card_template (tenant_id, app_id, created_at) where deleted_at is null;
    create table op_card_template_version (
      template_id text not null references op_card_template(id),
      version_name text not null,
      card text not null,
      defaults text not null default '{}',
      created_by text,
      created_at timestamptz not null default now(),
      primary key (template_id, version_name)
    );
    create index op_card_template_version_latest on op_card_template_version (template_id, created_at);
  `.execute(db);
}
