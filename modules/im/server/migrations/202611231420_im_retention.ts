import { type Kysely, sql } from 'kysely';

/** Per-tenant messenger settings; `retention_days` null keeps messages for good. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table im_tenant_settings (
      tenant_id text primary key references tenant(id),
      retention_days integer,
      updated_at timestamptz not null default now()
    );
    -- The retention sweep finds a tenant's oldest messages without scanning every chat.
    create index im_message_tenant_time on im_message (tenant_id, created_at);
  `.execute(db);
}
