import type { MigrationSet } from '@kite/platform/migrations';
import * as init from './migrations/202611210930_openplatform_init.ts';
import * as redirectUrls from './migrations/202611221100_openplatform_redirect_urls.ts';
import * as cardUrl from './migrations/202611231250_openplatform_card_url.ts';
import * as cardTemplates from './migrations/202611241310_openplatform_card_templates.ts';

export const openPlatformMigrations: MigrationSet = {
  '202611210930_openplatform_init': init,
  '202611221100_openplatform_redirect_urls': redirectUrls,
  '202611231250_openplatform_card_url': cardUrl,
  '202611241310_openplatform_card_templates': cardTemplates,
};
