import { type Kysely, type Migration, Migrator } from 'kysely';

/**
 * Every module contributes migrations named `YYYYMMDDHHmm_module_what`; the runner applies them in
 * name order across modules. Forward-only: there are no `down` steps, and a migration imports nothing
 * from application code, so it means the same thing forever.
 */
export type MigrationSet = Record<string, Migration>;

export async function migrateToLatest(db: Kysely<unknown>, ...sets: MigrationSet[]): Promise<string[]> {
  const all: MigrationSet = {};
  for (const set of sets) {
    for (const [name, migration] of Object.entries(set)) {
      if (all[name]) throw new Error(`Duplicate migration name ${name}`);
      all[name] = migration;
    }
  }
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => all },
    migrationTableName: 'kite_migration',
    migrationLockTableName: 'kite_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
