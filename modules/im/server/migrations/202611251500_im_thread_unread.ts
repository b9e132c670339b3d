import { type Kysely, sql } from 'kysely';

/**
 * Unread counts leave out thread replies of threads the reader takes no part in (`notCountedUnread`
 * in `im-repository.ts`). They are looked for after a read position, as system messages are through
 * `im_message_system`: this partial index finds a chat's thread replies after a seq without reading
 * its timeline messages.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index im_message_in_thread on im_message (chat_id, seq) where in_thread`.execute(db);
}
