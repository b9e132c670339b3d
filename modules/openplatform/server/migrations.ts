import type { MigrationSet } from '@kite/platform/migrations';
import * as init from './migrations/202611210930_openplatform_init.ts';
import * as redirectUrls from './migrations/202611221100_openplatform_redirect_urls.ts';

export const openPlatformMigrations: MigrationSet = {
  '202611210930_openplatform_init': init,
  '202611221100_openplatform_redirect_urls': redirectUrls,
};
