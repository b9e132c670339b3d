import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table tenant (
      id text primary key,
      tenant_key text not null unique,
      name text not null,
      created_at timestamptz not null default now()
    );
    create table outbox (
      seq bigserial primary key,
      id text not null unique,
      tenant_id text not null,
      type text not null,
      subject_type text not null,
      subject_id text not null,
      payload jsonb not null,
      actor jsonb,
      context jsonb,
      created_at timestamptz not null default now()
    );
    create index outbox_tenant_seq on outbox (tenant_id, seq);
    create table outbox_consumer (
      name text primary key,
      last_seq bigint not null,
      updated_at timestamptz not null default now()
    );
    create table audit_log (
      seq bigint primary key,
      tenant_id text not null,
      action text not null,
      subject_type text not null,
      subject_id text not null,
      actor_type text,
      actor_id text,
      actor_name text,
      ip text,
      user_agent text,
      detail jsonb not null,
      created_at timestamptz not null
    );
    create index audit_log_tenant_time on audit_log (tenant_id, seq desc);
  `.execute(db);
}
