import type { Insertable, Selectable } from 'kysely';
import type { Queryable } from './im-repository.ts';
import type { ImTables } from './tables.ts';

export type CardTokenRow = Selectable<ImTables['im_card_token']>;

/** Expired tokens one click clears away, so the table stays the size of the last 30 minutes' clicks. */
const SWEEP_BATCH = 100;

/** SQL of card-click tokens (`im_card_token`). */
export const cardTokenRepository = {
  /** Records a click's token, and clears a batch of expired ones. */
  async insert(db: Queryable, row: Insertable<ImTables['im_card_token']>): Promise<void> {
    await db.insertInto('im_card_token').values(row).execute();
    await db
      .deleteFrom('im_card_token')
      .where('token_hash', 'in', (eb) =>
        eb.selectFrom('im_card_token').select('token_hash').where('expires_at', '<', row.created_at).limit(SWEEP_BATCH),
      )
      .execute();
  },

  find(db: Queryable, tokenHash: string): Promise<CardTokenRow | undefined> {
    return db.selectFrom('im_card_token').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  },

  /**
   * Takes one use of a token, atomically: false when it has expired or has no use left by now (two
   * updates racing for the last use: one gets it).
   */
  async takeUse(db: Queryable, tokenHash: string, maxUses: number, now: Date): Promise<boolean> {
    const result = await db
      .updateTable('im_card_token')
      .set((eb) => ({ uses: eb('uses', '+', 1) }))
      .where('token_hash', '=', tokenHash)
      .where('uses', '<', maxUses)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  },

  /** Gives a use back: the update it was taken for was refused, so it changed nothing. */
  async returnUse(db: Queryable, tokenHash: string): Promise<void> {
    await db
      .updateTable('im_card_token')
      .set((eb) => ({ uses: eb('uses', '-', 1) }))
      .where('token_hash', '=', tokenHash)
      .where('uses', '>', 0)
      .execute();
  },
};
