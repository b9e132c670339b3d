import type { MigrationSet } from '@kite/platform/migrations';
import * as init from './migrations/202611210920_auth_init.ts';

export const authMigrations: MigrationSet = {
  '202611210920_auth_init': init,
};
