/**
 * Open platform's web part: the admin pages for apps (credentials, scopes, event subscription, card
 * templates) and personal access tokens.
 */
import { IconAppCenter, IconArticle, IconKey } from '@douyinfe/semi-icons';
import type { AdminSection, RealtimeSubscription } from '@kite/ui/web-module';
import { createElement } from 'react';
import { openPlatformQueryKeys } from './openplatform-api.ts';

export { useApps } from './openplatform-queries.ts';

export const openPlatformAdminSections: AdminSection[] = [
  {
    path: 'apps',
    group: 'integrations',
    label: { 'zh-CN': '应用', 'en-US': 'Apps' },
    icon: createElement(IconAppCenter),
    route: { lazy: async () => ({ Component: (await import('./apps-page.tsx')).AppsPage }) },
  },
  {
    // Reached from an app's card under Apps, not from the navigation.
    path: 'apps/:appId/card-templates',
    hidden: true,
    group: 'integrations',
    label: { 'zh-CN': '卡片模板', 'en-US': 'Card templates' },
    icon: createElement(IconArticle),
    route: { lazy: async () => ({ Component: (await import('./card-templates-page.tsx')).CardTemplatesPage }) },
  },
  {
    path: 'tokens',
    group: 'integrations',
    label: { 'zh-CN': '访问令牌', 'en-US': 'Access tokens' },
    icon: createElement(IconKey),
    route: { lazy: async () => ({ Component: (await import('./tokens-page.tsx')).TokensPage }) },
  },
];

export const openPlatformRealtime: RealtimeSubscription = {
  prefix: 'openplatform.',
  staleQueries: () => [openPlatformQueryKeys.all],
};
