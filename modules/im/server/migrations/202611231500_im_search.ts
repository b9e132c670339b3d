import { type Kysely, sql } from 'kysely';

/**
 * Message search (modules/im/README.md § Search). `search_terms` holds the terms of `search_text`,
 * space-separated, written on send, edit and recall; it is null for messages stored before this
 * migration until the backfill at start has indexed them. The GIN index keys each term by its chat
 * (the first 8 characters of the chat's random id), so a lookup across the chats a person is in reads
 * only their postings. `im_message_recent` walks a tenant's (or a chat's) newest messages first.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table im_message add column search_terms text;
    create function im_search_keys(chat_id text, terms text) returns text[]
      language sql immutable parallel safe
      return array(select left(chat_id, 8) || term from unnest(string_to_array(terms, ' ')) as term);
    -- Without the pending list: PGlite has no autovacuum, so one unlucky send would merge it.
    create index im_message_search on im_message using gin (im_search_keys(chat_id, search_terms)) with (fastupdate = off);
    create index im_message_recent on im_message (tenant_id, created_at, id);
    create index im_message_unindexed on im_message (id) where search_terms is null;
  `.execute(db);
}
