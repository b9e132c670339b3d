import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table im_chat (
      id text primary key,
      tenant_id text not null references tenant(id),
      chat_id text not null unique,
      chat_type text not null,
      name text not null default '',
      description text not null default '',
      announcement text not null default '',
      owner_kind text,
      owner_id text,
      settings jsonb not null,
      p2p_key text,
      last_seq bigint not null default 0,
      last_message_at timestamptz,
      dissolved boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index im_chat_p2p on im_chat (tenant_id, p2p_key) where p2p_key is not null;

    create table im_member (
      tenant_id text not null,
      chat_id text not null references im_chat(id),
      member_kind text not null,
      member_id text not null,
      role text not null default 'member',
      last_read_seq bigint not null default 0,
      last_read_at timestamptz,
      muted boolean not null default false,
      pinned boolean not null default false,
      draft text not null default '',
      joined_at timestamptz not null default now(),
      primary key (chat_id, member_kind, member_id)
    );
    -- A member's chat list and the gateway's topics at connect.
    create index im_member_by_member on im_member (tenant_id, member_kind, member_id, chat_id);

    create table im_message (
      id text primary key,
      tenant_id text not null,
      chat_id text not null references im_chat(id),
      message_id text not null unique,
      seq bigint not null,
      sender_kind text not null,
      sender_id text not null,
      msg_type text not null,
      content text not null,
      search_text text not null default '',
      parent_id text references im_message(id),
      root_id text references im_message(id),
      mentions jsonb not null default '[]',
      mention_user_ids text[] not null default '{}',
      mentions_all boolean not null default false,
      uuid text,
      edited boolean not null default false,
      recalled boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (chat_id, seq)
    );
    create index im_message_root on im_message (root_id, seq) where root_id is not null;
    create index im_message_time on im_message (chat_id, created_at, seq);
    create unique index im_message_uuid on im_message (chat_id, sender_kind, sender_id, uuid) where uuid is not null;

    create table im_reaction (
      id text primary key,
      tenant_id text not null,
      message_id text not null references im_message(id),
      reactor_kind text not null,
      reactor_id text not null,
      emoji_type text not null,
      created_at timestamptz not null default now(),
      unique (message_id, reactor_kind, reactor_id, emoji_type)
    );
  `.execute(db);
}
