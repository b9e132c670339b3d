import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { OpenPlatformTables } from './tables.ts';

type Db = OpenPlatformTables;
type Queryable = Kysely<Db> | Transaction<Db>;
export type CardTemplateRow = Selectable<Db['op_card_template']>;
export type CardTemplateVersionRow = Selectable<Db['op_card_template_version']>;

/** The live (not deleted) templates of this tenant's app. */
function liveOfApp(db: Queryable, tenantId: string, appId: string) {
  return db.selectFrom('op_card_template').where('tenant_id', '=', tenantId).where('app_id', '=', appId).where('deleted_at', 'is', null);
}

/** SQL of card templates (`op_card_template`, `op_card_template_version`). */
export const cardTemplateRepository = {
  /** An app's live templates, oldest first. */
  listOfApp(db: Queryable, tenantId: string, appId: string): Promise<CardTemplateRow[]> {
    return liveOfApp(db, tenantId, appId).selectAll().orderBy('created_at').orderBy('id').execute();
  },

  /** A live template of this tenant's app, by its public id. */
  find(db: Queryable, tenantId: string, appId: string, templateId: string): Promise<CardTemplateRow | undefined> {
    return liveOfApp(db, tenantId, appId).selectAll().where('template_id', '=', templateId).executeTakeFirst();
  },

  /** Locks a template row, so versions are published one at a time (the version count holds). */
  async lock(trx: Transaction<Db>, id: string): Promise<void> {
    await trx.selectFrom('op_card_template').select('id').where('id', '=', id).forUpdate().execute();
  },

  /** The versions of some templates, each template's newest first. */
  versionsOf(db: Queryable, templateIds: readonly string[]): Promise<CardTemplateVersionRow[]> {
    if (templateIds.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('op_card_template_version')
      .selectAll()
      .where('template_id', 'in', [...templateIds])
      .orderBy('template_id')
      .orderBy('created_at', 'desc')
      .orderBy('version_name', 'desc')
      .execute();
  },

  /** One version by name, or the one published last. */
  version(db: Queryable, templateId: string, versionName?: string): Promise<CardTemplateVersionRow | undefined> {
    let query = db.selectFrom('op_card_template_version').selectAll().where('template_id', '=', templateId);
    if (versionName !== undefined) query = query.where('version_name', '=', versionName);
    return query.orderBy('created_at', 'desc').orderBy('version_name', 'desc').limit(1).executeTakeFirst();
  },

  async countOfApp(db: Queryable, tenantId: string, appId: string): Promise<number> {
    const row = await liveOfApp(db, tenantId, appId)
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    return Number(row.count);
  },

  async insertTemplate(trx: Transaction<Db>, row: Insertable<Db['op_card_template']>): Promise<void> {
    await trx.insertInto('op_card_template').values(row).execute();
  },

  async insertVersion(trx: Transaction<Db>, row: Insertable<Db['op_card_template_version']>): Promise<void> {
    await trx.insertInto('op_card_template_version').values(row).execute();
    await trx.updateTable('op_card_template').set({ updated_at: row.created_at }).where('id', '=', row.template_id).execute();
  },

  async rename(trx: Transaction<Db>, id: string, name: string, at: Date): Promise<void> {
    await trx.updateTable('op_card_template').set({ name, updated_at: at }).where('id', '=', id).execute();
  },

  async markDeleted(trx: Transaction<Db>, id: string, at: Date): Promise<void> {
    await trx.updateTable('op_card_template').set({ deleted_at: at, updated_at: at }).where('id', '=', id).execute();
  },
};
