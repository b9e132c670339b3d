import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table contact_user (
      id text primary key,
      tenant_id text not null references tenant(id),
      open_id text not null unique,
      union_id text not null unique,
      user_id text not null,
      name text not null,
      en_name text not null default '',
      email text,
      mobile text,
      title text not null default '',
      employee_no text not null default '',
      manager_id text references contact_user(id),
      status text not null default 'active',
      is_admin boolean not null default false,
      locale text not null default 'zh-CN',
      avatar_color text not null,
      search_pinyin text not null default '',
      search_initials text not null default '',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, user_id)
    );
    create unique index contact_user_email on contact_user (tenant_id, email);
    create unique index contact_user_mobile on contact_user (tenant_id, mobile);
    create index contact_user_email_global on contact_user (email);
    create index contact_user_name on contact_user (tenant_id, name, id);
    create index contact_user_pinyin on contact_user (tenant_id, search_pinyin text_pattern_ops);
    create index contact_user_initials on contact_user (tenant_id, search_initials text_pattern_ops);

    create table contact_department (
      id text primary key,
      tenant_id text not null references tenant(id),
      department_id text not null,
      open_department_id text not null unique,
      name text not null,
      parent_id text references contact_department(id),
      leader_user_ids text[] not null default '{}',
      sort_order integer not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, department_id)
    );
    create index contact_department_parent on contact_department (tenant_id, parent_id);

    create table contact_user_department (
      tenant_id text not null,
      user_id text not null references contact_user(id),
      department_id text not null references contact_department(id),
      primary key (user_id, department_id)
    );
    create index contact_user_department_dept on contact_user_department (department_id, user_id);

    create table contact_group (
      id text primary key,
      tenant_id text not null references tenant(id),
      group_id text not null,
      name text not null,
      description text not null default '',
      created_at timestamptz not null default now(),
      unique (tenant_id, group_id)
    );
    create table contact_group_member (
      tenant_id text not null,
      group_id text not null references contact_group(id) on delete cascade,
      user_id text not null references contact_user(id),
      primary key (group_id, user_id)
    );
  `.execute(db);
}
