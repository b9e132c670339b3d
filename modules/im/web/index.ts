/**
 * Messenger's web part: the three-pane messenger at `/messenger/:chatId?`, its realtime handling
 * (new messages, edits, reactions, read positions, buzzes and pins written straight into the caches),
 * the unread badge the shell shows on the Messenger item, the buzz alerts it shows on every page and
 * the desktop notifications and buzz chime it keeps running on every page.
 */
import { IconHistogram } from '@douyinfe/semi-icons';
import type { AdminSection } from '@kite/ui/web-module';
import { createElement, lazy } from 'react';
import type { RouteObject } from 'react-router';

export { MessengerBuzzAlerts } from './buzz-alerts.tsx';
export { imRealtime } from './im-realtime.ts';
export { MessengerNotifications } from './messenger-notifications.tsx';
export { MessengerUnreadBadge } from './unread-badge.tsx';

/**
 * A card rendered as the messenger shows it (inert), for the shell to hand to other modules
 * (`@kite/ui/card-renderer`); loaded when first shown. Needs a `<Suspense>` above it.
 */
export const CardPreview = lazy(async () => ({ default: (await import('./card-preview.tsx')).CardPreview }));

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
