import type { MigrationSet } from '@kite/platform/migrations';
import * as init from './migrations/202611210910_contact_init.ts';

export const contactMigrations: MigrationSet = {
  '202611210910_contact_init': init,
};
