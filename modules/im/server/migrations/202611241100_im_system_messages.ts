import { type Kysely, sql } from 'kysely';

/**
 * System messages (`msg_type = 'system'`) take a `seq` like any message but never count as unread:
 * unread is `last_seq - last_read_seq` less the system messages after the read position, which
 * this index counts without reading the chat's other messages.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index im_message_system on im_message (chat_id, seq) where msg_type = 'system';
  `.execute(db);
}
