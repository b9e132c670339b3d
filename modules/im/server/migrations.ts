import type { MigrationSet } from '@kite/platform/migrations';
import * as init from './migrations/202611221000_im_init.ts';

export const imMigrations: MigrationSet = {
  '202611221000_im_init': init,
};
