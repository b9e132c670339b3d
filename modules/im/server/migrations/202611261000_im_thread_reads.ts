import { type Kysely, sql } from 'kysely';

/**
 * Per-thread read positions (Feishu keeps a read state per thread): a person's `last_read_seq` in
 * one thread, apart from the chat's own (`im_member.last_read_seq`, which now counts the timeline
 * only). No row means nothing of the thread read yet; rows are written when the person reads the
 * thread, never by a send. The root's deletion (retention) takes its rows with it.
 *
 * Unread thread replies are found from where the person is (`threadUnreadPerChat` in
 * `im-repository.ts`), not by reading every thread reply of their chats: their own thread messages
 * (roots with a thread and thread replies, `im_message_thread_sender`) and replies with mentions
 * (`im_message_thread_mention`). Both partial indexes hold only thread messages.
 *
 * Threads are a few days old: their participants had read their replies through the chat's
 * position, so each thread root gets a row per person in its chat at that position, and nothing
 * read before becomes unread.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table im_thread_read (
      tenant_id text not null,
      chat_id text not null references im_chat(id),
      root_id text not null references im_message(id) on delete cascade,
      user_id text not null,
      last_read_seq bigint not null default 0,
      read_at timestamptz not null default now(),
      primary key (root_id, user_id)
    );
  `.execute(db);
  await sql`create index im_message_thread_sender on im_message (sender_id, chat_id) where thread_id is not null`.execute(db);
  await sql`
    create index im_message_thread_mention on im_message (chat_id, seq)
    where in_thread and (mentions_all or mention_user_ids <> '{}')
  `.execute(db);
  await sql`
    insert into im_thread_read (tenant_id, chat_id, root_id, user_id, last_read_seq)
    select r.tenant_id, r.chat_id, r.id, m.member_id, m.last_read_seq
    from im_message r
    join im_member m on m.chat_id = r.chat_id and m.member_kind = 'user' and m.last_read_seq > 0
    where r.thread_id is not null and not r.in_thread
  `.execute(db);
}
