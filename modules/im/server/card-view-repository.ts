import type { Queryable } from './im-repository.ts';

/** SQL of people's own views of non-shared cards (`im_card_view`). */
export const cardViewRepository = {
  /** Makes `content` the view of `messageId` for each of `userIds` (replacing what they saw before). */
  async save(db: Queryable, messageId: string, userIds: readonly string[], content: string, now: Date): Promise<void> {
    if (userIds.length === 0) return;
    await db
      .insertInto('im_card_view')
      .values(userIds.map((userId) => ({ message_id: messageId, user_id: userId, content, updated_at: now })))
      .onConflict((conflict) => conflict.columns(['message_id', 'user_id']).doUpdateSet({ content, updated_at: now }))
      .execute();
  },

  /** One person's views among these cards (message id → content); one primary-key lookup. */
  async contentsFor(db: Queryable, userId: string, messageIds: readonly string[]): Promise<Map<string, string>> {
    if (messageIds.length === 0) return new Map();
    const rows = await db
      .selectFrom('im_card_view')
      .select(['message_id', 'content'])
      .where('message_id', 'in', [...messageIds])
      .where('user_id', '=', userId)
      .execute();
    return new Map(rows.map((row) => [row.message_id, row.content]));
  },

  /** Drops every person's view of a card: it changed for everyone, or was recalled. */
  async clear(db: Queryable, messageId: string): Promise<void> {
    await db.deleteFrom('im_card_view').where('message_id', '=', messageId).execute();
  },
};
