import type { MigrationSet } from '@kite/platform/migrations';
import * as init from './migrations/202611210930_openplatform_init.ts';

export const openPlatformMigrations: MigrationSet = {
  '202611210930_openplatform_init': init,
};
