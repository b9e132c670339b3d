import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table im_resource (
      key text primary key,
      tenant_id text not null references tenant(id),
      kind text not null,
      blob_key text not null,
      uploader_kind text not null,
      uploader_id text not null,
      name text not null default '',
      size bigint not null,
      content_type text not null,
      file_type text not null default '',
      width integer,
      height integer,
      created_at timestamptz not null default now()
    );
    create index im_resource_uploader on im_resource (tenant_id, uploader_kind, uploader_id, created_at);

    create table im_resource_ref (
      tenant_id text not null,
      resource_key text not null references im_resource(key),
      message_id text not null references im_message(id),
      chat_id text not null references im_chat(id),
      primary key (resource_key, message_id)
    );
    create index im_resource_ref_message on im_resource_ref (message_id);
  `.execute(db);
}
