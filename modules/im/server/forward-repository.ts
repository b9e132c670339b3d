import type { Insertable, Kysely, Transaction } from 'kysely';
import type { ForwardDb, ForwardTables, MergedRow } from './forward-tables.ts';
import type { MessageRow } from './im-repository.ts';

type Queryable = Kysely<ForwardDb> | Transaction<ForwardDb>;

/** SQL of forwarding: source messages by any id, and the snapshots of merge_forward messages. */
export const forwardRepository = {
  /** Messages of the tenant named by internal id or `om_…`, in chat order. */
  async messagesByRefs(db: Queryable, tenantId: string, refs: readonly string[]): Promise<MessageRow[]> {
    if (refs.length === 0) return [];
    const publicIds = refs.filter((ref) => ref.startsWith('om_'));
    const ids = refs.filter((ref) => !ref.startsWith('om_'));
    return db
      .selectFrom('im_message')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where((eb) =>
        eb.or([...(publicIds.length > 0 ? [eb('message_id', 'in', publicIds)] : []), ...(ids.length > 0 ? [eb('id', 'in', ids)] : [])]),
      )
      .orderBy('chat_id')
      .orderBy('seq')
      .execute();
  },

  /** The snapshots held by these merge_forward messages, in order. */
  async mergedOf(db: Queryable, mergeIds: readonly string[]): Promise<MergedRow[]> {
    if (mergeIds.length === 0) return [];
    return db
      .selectFrom('im_merged_message')
      .selectAll()
      .where('merge_id', 'in', [...mergeIds])
      .orderBy('merge_id')
      .orderBy('position')
      .execute();
  },

  async insertMerged(trx: Transaction<ForwardDb>, rows: Array<Insertable<ForwardTables['im_merged_message']>>): Promise<void> {
    if (rows.length === 0) return;
    await trx.insertInto('im_merged_message').values(rows).execute();
  },
};
