import type { Insertable, Kysely, Transaction, Updateable } from 'kysely';
import type { WebhookBotRow, WebhookDb, WebhookTables } from './webhook-tables.ts';

type Queryable = Kysely<WebhookDb> | Transaction<WebhookDb>;

/** SQL of custom bots (`im_webhook_bot`); their membership rows are im_member's (`imRepository`). */
export const webhookRepository = {
  async insert(db: Queryable, row: Insertable<WebhookTables['im_webhook_bot']>): Promise<void> {
    await db.insertInto('im_webhook_bot').values(row).execute();
  },

  /** A bot that has not been removed, in this tenant. */
  async findLive(db: Queryable, tenantId: string, id: string): Promise<WebhookBotRow | undefined> {
    return db
      .selectFrom('im_webhook_bot')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('removed_at', 'is', null)
      .executeTakeFirst();
  },

  /** Bots by id, removed ones included (their messages still name them). */
  async findByIds(db: Queryable, tenantId: string, ids: readonly string[]): Promise<WebhookBotRow[]> {
    if (ids.length === 0) return [];
    return db
      .selectFrom('im_webhook_bot')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', [...ids])
      .execute();
  },

  /** A chat's bots, oldest first. */
  async listOfChat(db: Queryable, chatId: string): Promise<WebhookBotRow[]> {
    return db
      .selectFrom('im_webhook_bot')
      .selectAll()
      .where('chat_id', '=', chatId)
      .where('removed_at', 'is', null)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  },

  async countOfChat(db: Queryable, chatId: string): Promise<number> {
    const row = await db
      .selectFrom('im_webhook_bot')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('chat_id', '=', chatId)
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  },

  /**
   * The live bot a hook token belongs to, in any tenant (the URL names none): none when the token is
   * unknown, the bot removed or its chat dissolved.
   */
  async findByTokenHash(db: Queryable, tokenHash: string): Promise<WebhookBotRow | undefined> {
    return db
      .selectFrom('im_webhook_bot as b')
      .innerJoin('im_chat as c', 'c.id', 'b.chat_id')
      .selectAll('b')
      .where('b.token_hash', '=', tokenHash)
      .where('b.removed_at', 'is', null)
      .where('c.dissolved', '=', false)
      .executeTakeFirst();
  },

  /** Changes a live bot; undefined when it was removed meanwhile. */
  async update(db: Queryable, id: string, patch: Updateable<WebhookTables['im_webhook_bot']>): Promise<WebhookBotRow | undefined> {
    return db
      .updateTable('im_webhook_bot')
      .set(patch)
      .where('id', '=', id)
      .where('removed_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
  },
};
