import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table op_app (
      id text primary key,
      tenant_id text not null references tenant(id),
      app_id text not null unique,
      name text not null,
      description text not null default '',
      secret_hash text not null,
      scopes text[] not null,
      event_url text,
      encrypt_key text,
      verification_token text,
      bot_open_id text not null unique,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz
    );
    create index op_app_tenant on op_app (tenant_id);
    create table op_token (
      id text primary key,
      token_hash text not null unique,
      kind text not null,
      tenant_id text not null,
      app_id text,
      user_id text,
      name text not null default '',
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      revoked_at timestamptz,
      last_used_at timestamptz
    );
    create index op_token_tenant_kind on op_token (tenant_id, kind);
    create index op_token_expiry on op_token (expires_at);
    create table op_auth_code (
      code_hash text primary key,
      tenant_id text not null,
      app_id text not null,
      user_id text not null,
      redirect_uri text not null,
      expires_at timestamptz not null,
      used_at timestamptz
    );
  `.execute(db);
}
