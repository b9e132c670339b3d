import type { Insertable, Kysely, Transaction } from 'kysely';
import type { Party } from './im-repository.ts';
import type { ResourceDb, ResourceKind, ResourceRow, ResourceTables } from './resource-tables.ts';

type Queryable = Kysely<ResourceDb> | Transaction<ResourceDb>;

/** SQL of uploaded images and files (`im_resource`, `im_resource_ref`). */
export const resourceRepository = {
  async insert(db: Queryable, row: Insertable<ResourceTables['im_resource']>): Promise<void> {
    await db.insertInto('im_resource').values(row).execute();
  },

  async find(db: Queryable, tenantId: string, key: string): Promise<ResourceRow | undefined> {
    return db.selectFrom('im_resource').selectAll().where('tenant_id', '=', tenantId).where('key', '=', key).executeTakeFirst();
  },

  /** Which of `keys` are resources of this tenant and kind. */
  async existingKeys(db: Queryable, tenantId: string, kind: ResourceKind, keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await db
      .selectFrom('im_resource')
      .select('key')
      .where('tenant_id', '=', tenantId)
      .where('kind', '=', kind)
      .where('key', 'in', keys)
      .execute();
    return new Set(rows.map((row) => row.key));
  },

  /** Replaces the references of one message (none once it is recalled). */
  async relink(
    trx: Transaction<ResourceDb>,
    message: { tenantId: string; chatId: string; messageId: string },
    keys: readonly string[],
    replace: boolean,
  ): Promise<void> {
    if (replace) await trx.deleteFrom('im_resource_ref').where('message_id', '=', message.messageId).execute();
    if (keys.length === 0) return;
    await trx
      .insertInto('im_resource_ref')
      .columns(['tenant_id', 'resource_key', 'message_id', 'chat_id'])
      .expression((eb) =>
        eb
          .selectFrom('im_resource')
          .select([
            eb.val(message.tenantId).as('tenant_id'),
            'key',
            eb.val(message.messageId).as('message_id'),
            eb.val(message.chatId).as('chat_id'),
          ])
          .where('tenant_id', '=', message.tenantId)
          .where('key', 'in', keys),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
  },

  /** Whether `party` is a member of a live chat holding a message that refers to `key` (optionally: that message). */
  async visibleTo(db: Queryable, tenantId: string, key: string, party: Party, messageId?: string): Promise<boolean> {
    let query = db
      .selectFrom('im_resource_ref as r')
      .innerJoin('im_member as m', (join) =>
        join.onRef('m.chat_id', '=', 'r.chat_id').on('m.member_kind', '=', party.kind).on('m.member_id', '=', party.id),
      )
      .innerJoin('im_chat as c', 'c.id', 'r.chat_id')
      .select('r.message_id')
      .where('r.tenant_id', '=', tenantId)
      .where('r.resource_key', '=', key)
      .where('c.dissolved', '=', false);
    if (messageId) query = query.where('r.message_id', '=', messageId);
    return Boolean(await query.limit(1).executeTakeFirst());
  },
};
