import * as init from './migrations/202611210900_platform_init.ts';
import type { MigrationSet } from './migrations.ts';

export const platformMigrations: MigrationSet = {
  '202611210900_platform_init': init,
};
