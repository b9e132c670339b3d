/**
 * Messenger's web part: the three-pane messenger at `/messenger/:chatId?`, its realtime handling
 * (new messages, edits, reactions and read positions written straight into the caches) and the
 * unread badge the shell shows on the Messenger item.
 */
import type { RouteObject } from 'react-router';

export { imRealtime } from './im-realtime.ts';
export { MessengerUnreadBadge } from './unread-badge.tsx';

/** Routes inside the app shell. */
export const imRoutes: RouteObject[] = [
  { path: 'messenger/:chatId?', lazy: async () => ({ Component: (await import('./messenger-page.tsx')).MessengerPage }) },
];
