import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table event_fanout (
      outbox_seq bigint primary key,
      tenant_id text not null,
      domain_event jsonb not null,
      created_at timestamptz not null default now()
    );
    create table event_delivery (
      id text primary key,
      event_id text not null unique,
      tenant_id text not null,
      app_id text not null,
      outbox_seq bigint not null,
      event_type text not null,
      envelope text not null,
      status text not null check (status in ('pending', 'delivered', 'failed')),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null,
      last_error text,
      transport text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      delivered_at timestamptz
    );
    create index event_delivery_due on event_delivery (next_attempt_at) where status = 'pending';
    create index event_delivery_app on event_delivery (app_id, created_at desc);
    create index event_delivery_finished on event_delivery (updated_at) where status <> 'pending';
    create table event_subscriber (
      app_id text primary key,
      tenant_id text not null,
      last_connected_at timestamptz not null
    );
  `.execute(db);
}
