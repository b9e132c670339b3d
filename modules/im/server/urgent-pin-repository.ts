import type { UrgentSummary } from '@kite/im/contract';
import { type Insertable, type Kysely, sql, type Transaction } from 'kysely';
import type { Party } from './im-repository.ts';
import type { PinRow, UrgentPinDb, UrgentPinTables, UrgentRow } from './urgent-pin-tables.ts';

type Queryable = Kysely<UrgentPinDb> | Transaction<UrgentPinDb>;

/** A pending buzz with what the recipient's alert shows of its chat. */
export type PendingBuzzRow = UrgentRow & { open_chat_id: string; chat_type: 'p2p' | 'group'; chat_name: string };

/** Keyset position in a chat's pins, newest first. */
export interface PinCursor {
  createdAt: Date;
  messageId: string;
}

/**
 * Buzzes of a message whose recipient is still a member of its chat: someone who left can neither
 * see the message nor acknowledge it, so they no longer count.
 */
function buzzesOfMembers(db: Queryable) {
  return db
    .selectFrom('im_urgent as u')
    .innerJoin('im_member as m', (join) =>
      join.onRef('m.chat_id', '=', 'u.chat_id').on('m.member_kind', '=', 'user').onRef('m.member_id', '=', 'u.recipient_id'),
    );
}

/** SQL of buzzes (`im_urgent`). */
export const urgentRepository = {
  /** Unacknowledged buzzes per person, not counting those about `messageId` (buzzing it again adds none). */
  async pendingCounts(db: Queryable, tenantId: string, recipientIds: readonly string[], messageId: string): Promise<Map<string, number>> {
    if (recipientIds.length === 0) return new Map();
    const rows = await db
      .selectFrom('im_urgent')
      .select(['recipient_id', (eb) => eb.fn.countAll<number>().as('count')])
      .where('tenant_id', '=', tenantId)
      .where('recipient_id', 'in', [...recipientIds])
      .where('acknowledged_at', 'is', null)
      .where('message_id', '!=', messageId)
      .groupBy('recipient_id')
      .execute();
    return new Map(rows.map((row) => [row.recipient_id, Number(row.count)]));
  },

  /**
   * Buzzes people about a message. Someone still pending is left as is (no duplicate); someone who
   * acknowledged is buzzed again. Returns who now has a new alert.
   */
  async buzz(trx: Transaction<UrgentPinDb>, rows: Array<Insertable<UrgentPinTables['im_urgent']>>): Promise<string[]> {
    if (rows.length === 0) return [];
    const buzzed = await trx
      .insertInto('im_urgent')
      .values(rows)
      .onConflict((oc) =>
        oc
          .columns(['message_id', 'recipient_id'])
          .doUpdateSet((eb) => ({
            buzzed_by_kind: eb.ref('excluded.buzzed_by_kind'),
            buzzed_by_id: eb.ref('excluded.buzzed_by_id'),
            buzzed_at: eb.ref('excluded.buzzed_at'),
            acknowledged_at: null,
          }))
          .where('im_urgent.acknowledged_at', 'is not', null),
      )
      .returning('recipient_id')
      .execute();
    return buzzed.map((row) => row.recipient_id);
  },

  async find(db: Queryable, messageId: string, recipientId: string): Promise<UrgentRow | undefined> {
    return db
      .selectFrom('im_urgent')
      .selectAll()
      .where('message_id', '=', messageId)
      .where('recipient_id', '=', recipientId)
      .executeTakeFirst();
  },

  /** Marks one pending buzz acknowledged; undefined when there was none pending. */
  async acknowledge(trx: Transaction<UrgentPinDb>, messageId: string, recipientId: string, at: Date): Promise<UrgentRow | undefined> {
    return trx
      .updateTable('im_urgent')
      .set({ acknowledged_at: at })
      .where('message_id', '=', messageId)
      .where('recipient_id', '=', recipientId)
      .where('acknowledged_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
  },

  /** Everyone buzzed about a message who is still in its chat, first buzzed first. */
  async recipients(db: Queryable, messageId: string): Promise<UrgentRow[]> {
    return buzzesOfMembers(db)
      .selectAll('u')
      .where('u.message_id', '=', messageId)
      .orderBy('u.buzzed_at')
      .orderBy('u.recipient_id')
      .execute();
  },

  async summary(db: Queryable, messageId: string): Promise<UrgentSummary> {
    const row = await buzzesOfMembers(db)
      .select([(eb) => eb.fn.countAll<number>().as('total'), (eb) => eb.fn.count<number>('u.acknowledged_at').as('acknowledged')])
      .where('u.message_id', '=', messageId)
      .executeTakeFirst();
    return { messageId, total: Number(row?.total ?? 0), acknowledged: Number(row?.acknowledged ?? 0) };
  },

  /** People who buzzed about a message (they watch who acknowledges, next to its sender). */
  async buzzerIds(db: Queryable, messageId: string): Promise<string[]> {
    const rows = await db
      .selectFrom('im_urgent')
      .select('buzzed_by_id')
      .distinct()
      .where('message_id', '=', messageId)
      .where('buzzed_by_kind', '=', 'user')
      .execute();
    return rows.map((row) => row.buzzed_by_id);
  },

  /**
   * Counts per buzzed message of a chat that `watcher` sent or buzzed about, latest buzz first: what
   * the sender's markers show.
   */
  async summariesInChat(db: Queryable, chatId: string, watcher: Party, limit: number): Promise<UrgentSummary[]> {
    const rows = await buzzesOfMembers(db)
      .innerJoin('im_message as msg', 'msg.id', 'u.message_id')
      .select([
        'u.message_id',
        (eb) => eb.fn.countAll<number>().as('total'),
        (eb) => eb.fn.count<number>('u.acknowledged_at').as('acknowledged'),
      ])
      .where('u.chat_id', '=', chatId)
      .where((eb) =>
        eb.or([
          eb.and([eb('msg.sender_kind', '=', watcher.kind), eb('msg.sender_id', '=', watcher.id)]),
          eb.exists(
            eb
              .selectFrom('im_urgent as mine')
              .select('mine.message_id')
              .whereRef('mine.message_id', '=', 'u.message_id')
              .where('mine.buzzed_by_kind', '=', watcher.kind)
              .where('mine.buzzed_by_id', '=', watcher.id),
          ),
        ]),
      )
      .groupBy('u.message_id')
      .orderBy(sql`max(u.buzzed_at)`, 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ messageId: row.message_id, total: Number(row.total), acknowledged: Number(row.acknowledged) }));
  },

  /** A person's pending buzzes in live chats they are still in, newest first. */
  async pendingOf(db: Queryable, tenantId: string, userId: string, limit: number): Promise<PendingBuzzRow[]> {
    return buzzesOfMembers(db)
      .innerJoin('im_chat as c', 'c.id', 'u.chat_id')
      .selectAll('u')
      .select(['c.chat_id as open_chat_id', 'c.chat_type', 'c.name as chat_name'])
      .where('u.tenant_id', '=', tenantId)
      .where('u.recipient_id', '=', userId)
      .where('u.acknowledged_at', 'is', null)
      .where('c.dissolved', '=', false)
      .orderBy('u.buzzed_at', 'desc')
      .orderBy('u.message_id', 'desc')
      .limit(limit)
      .execute();
  },
};

/** SQL of pinned messages (`im_pin`). */
export const pinRepository = {
  async find(db: Queryable, messageId: string): Promise<PinRow | undefined> {
    return db.selectFrom('im_pin').selectAll().where('message_id', '=', messageId).executeTakeFirst();
  },

  async count(db: Queryable, chatId: string): Promise<number> {
    const row = await db
      .selectFrom('im_pin')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('chat_id', '=', chatId)
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  },

  async insert(trx: Transaction<UrgentPinDb>, row: PinRow): Promise<void> {
    await trx.insertInto('im_pin').values(row).execute();
  },

  /** Removes a pin; the row that was there, if any. */
  async delete(trx: Transaction<UrgentPinDb>, messageId: string): Promise<PinRow | undefined> {
    return trx.deleteFrom('im_pin').where('message_id', '=', messageId).returningAll().executeTakeFirst();
  },

  /** A chat's pins, newest first, optionally within a time range, keyset-paged. */
  async list(db: Queryable, chatId: string, options: { start?: Date; end?: Date; after?: PinCursor; limit: number }): Promise<PinRow[]> {
    let query = db.selectFrom('im_pin').selectAll().where('chat_id', '=', chatId);
    if (options.start) query = query.where('created_at', '>=', options.start);
    if (options.end) query = query.where('created_at', '<=', options.end);
    if (options.after) {
      const { createdAt, messageId } = options.after;
      query = query.where(sql<boolean>`(created_at, message_id) < (${createdAt}::timestamptz, ${messageId})`);
    }
    return query.orderBy('created_at', 'desc').orderBy('message_id', 'desc').limit(options.limit).execute();
  },
};

/** A recall takes the message's pin and buzzes with it (in the recall's transaction). */
export async function clearPinAndBuzzes(trx: Transaction<never>, messageId: string): Promise<void> {
  const db = trx as unknown as Transaction<UrgentPinDb>;
  await db.deleteFrom('im_pin').where('message_id', '=', messageId).execute();
  await db.deleteFrom('im_urgent').where('message_id', '=', messageId).execute();
}
