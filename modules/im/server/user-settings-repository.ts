import type { Kysely, Selectable, Transaction } from 'kysely';
import type { ImDb } from './im-repository.ts';
import type { ImTables } from './tables.ts';

type Queryable = Kysely<ImDb> | Transaction<ImDb>;
export type UserSettingsRow = Selectable<ImTables['im_user_settings']>;

/** SQL of people's own messenger settings (`im_user_settings`). */
export const userSettingsRepository = {
  async find(db: Queryable, tenantId: string, userId: string): Promise<UserSettingsRow | undefined> {
    return db.selectFrom('im_user_settings').selectAll().where('tenant_id', '=', tenantId).where('user_id', '=', userId).executeTakeFirst();
  },

  /** Writes the whole row, creating it on a person's first change. */
  async save(db: Queryable, row: { tenant_id: string; user_id: string; desktop_notifications: boolean; sound: boolean }, at: Date) {
    const { desktop_notifications, sound } = row;
    await db
      .insertInto('im_user_settings')
      .values({ ...row, updated_at: at })
      .onConflict((conflict) => conflict.columns(['tenant_id', 'user_id']).doUpdateSet({ desktop_notifications, sound, updated_at: at }))
      .execute();
  },
};
