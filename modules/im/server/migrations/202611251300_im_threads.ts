import { type Kysely, sql } from 'kysely';

/**
 * Feishu's threads (话题): a reply made "in thread" (`in_thread`) is seen in its thread only, not in
 * the chat's timeline, which keeps quote replies. `thread_id` is the public `omt_…` id: set on the
 * root when its first thread reply is made, and copied onto each thread reply so presenting one
 * needs no lookup. Unique per tenant among roots, which is also the index `thread_id` lookups use.
 * Replies stored before keep `in_thread = false`: they stay in the timeline as quote replies.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table im_message add column thread_id text, add column in_thread boolean not null default false`.execute(db);
  await sql`
    create unique index im_message_thread on im_message (tenant_id, thread_id)
    where thread_id is not null and not in_thread
  `.execute(db);
}
