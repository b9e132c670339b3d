import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table auth_credential (
      user_id text primary key references contact_user(id),
      tenant_id text not null,
      password_hash text not null,
      updated_at timestamptz not null default now()
    );
    create table auth_session (
      token_hash text primary key,
      user_id text not null references contact_user(id),
      tenant_id text not null,
      csrf_token text not null,
      ip text,
      user_agent text,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null,
      expires_at timestamptz not null
    );
    create index auth_session_user on auth_session (user_id);
    create table auth_login_attempt (
      key text primary key,
      failures integer not null,
      locked_until timestamptz,
      updated_at timestamptz not null
    );
    create table auth_invitation (
      id text primary key,
      tenant_id text not null references tenant(id),
      token text not null unique,
      department_id text,
      max_uses integer not null,
      uses integer not null default 0,
      created_by text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      revoked_at timestamptz
    );
    create index auth_invitation_tenant on auth_invitation (tenant_id, created_at desc);
  `.execute(db);
}
