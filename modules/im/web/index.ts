/**
 * Messenger's web part: the three-pane messenger at `/messenger/:chatId?`, its realtime handling
 * (new messages, edits, reactions and read positions written straight into the caches) and the
 * unread badge the shell shows on the Messenger item.
 */
import { IconHistogram } from '@douyinfe/semi-icons';
import type { AdminSection } from '@kite/ui/web-module';
import { createElement } from 'react';
import type { RouteObject } from 'react-router';

export { imRealtime } from './im-realtime.ts';
export { MessengerUnreadBadge } from './unread-badge.tsx';

/** Routes inside the app shell. */
export const imRoutes: RouteObject[] = [
  { path: 'messenger/:chatId?', lazy: async () => ({ Component: (await import('./messenger-page.tsx')).MessengerPage }) },
];

/** Admin console pages. */
export const imAdminSections: AdminSection[] = [
  {
    path: 'message-retention',
    group: 'security',
    label: { 'zh-CN': '消息保留', 'en-US': 'Message retention' },
    icon: createElement(IconHistogram),
    route: { lazy: async () => ({ Component: (await import('./retention-admin-page.tsx')).RetentionAdminPage }) },
  },
];
