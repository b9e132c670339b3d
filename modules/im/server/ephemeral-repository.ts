import type { MessageView } from '@kite/im/contract';
import type { Selectable } from 'kysely';
import type { MessageRow, Queryable } from './im-repository.ts';
import { STANDALONE_MESSAGE } from './system-messages.ts';
import type { ImTables } from './tables.ts';

export type EphemeralRow = Selectable<ImTables['im_ephemeral_message']>;

/** Where a history page reaches: `after_seq` from `from` (inclusive) up to `to` (exclusive); null is open. */
export interface SeqRange {
  from: number | null;
  to: number | null;
}

/** SQL of cards only one person sees (`im_ephemeral_message`). */
export const ephemeralRepository = {
  async insert(db: Queryable, row: EphemeralRow): Promise<void> {
    await db.insertInto('im_ephemeral_message').values(row).execute();
  },

  /** One card of the tenant by its `om_…` or internal id. */
  async find(db: Queryable, tenantId: string, ref: string): Promise<EphemeralRow | undefined> {
    return db
      .selectFrom('im_ephemeral_message')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where(ref.startsWith('om_') ? 'message_id' : 'id', '=', ref)
      .executeTakeFirst();
  },

  /** The cards one person sees in a chat whose position falls in `range`, oldest first. */
  async forViewer(db: Queryable, chatId: string, userId: string, range: SeqRange): Promise<EphemeralRow[]> {
    let query = db.selectFrom('im_ephemeral_message').selectAll().where('chat_id', '=', chatId).where('user_id', '=', userId);
    if (range.from !== null) query = query.where('after_seq', '>=', range.from);
    if (range.to !== null) query = query.where('after_seq', '<', range.to);
    return query.orderBy('after_seq').orderBy('created_at').execute();
  },

  /** Whether the card was still there to update. */
  async updateContent(db: Queryable, id: string, content: string, now: Date): Promise<boolean> {
    const result = await db.updateTable('im_ephemeral_message').set({ content, updated_at: now }).where('id', '=', id).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  },

  async delete(db: Queryable, id: string): Promise<void> {
    await db.deleteFrom('im_ephemeral_message').where('id', '=', id).execute();
  },

  /** The cards of people who left a chat (or were removed from it): gone with their membership. */
  async deleteForPeople(db: Queryable, chatId: string, userIds: readonly string[]): Promise<EphemeralRow[]> {
    if (userIds.length === 0) return [];
    return db
      .deleteFrom('im_ephemeral_message')
      .where('chat_id', '=', chatId)
      .where('user_id', 'in', [...userIds])
      .returningAll()
      .execute();
  },

  /** Retention: a tenant's cards sent before `cutoff`. */
  async deleteOlderThan(db: Queryable, tenantId: string, cutoff: Date): Promise<void> {
    await db.deleteFrom('im_ephemeral_message').where('tenant_id', '=', tenantId).where('created_at', '<', cutoff).execute();
  },
};

/** A card for one person in the shape of a chat message: what presenters and card checks read. */
export function asMessageRow(row: EphemeralRow): MessageRow {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    chat_id: row.chat_id,
    message_id: row.message_id,
    seq: Number(row.after_seq),
    sender_kind: 'app',
    sender_id: row.app_id,
    msg_type: 'interactive',
    content: row.content,
    search_text: '',
    search_terms: null,
    ...STANDALONE_MESSAGE,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** A card for one person as that person's history shows it: marked, and never unread. */
export function ephemeralView(view: MessageView): MessageView {
  return { ...view, unreadCount: null, ephemeral: true };
}
