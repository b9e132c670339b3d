/**
 * Auth's web part: the public pages (first-run setup, sign-in, joining by invitation), the session
 * gate the app shell sits behind, and the admin page for invitation links.
 */
import { IconLink } from '@douyinfe/semi-icons';
import type { AdminSection } from '@kite/ui/web-module';
import { createElement } from 'react';
import type { RouteObject } from 'react-router';

export { authQueryKeys } from './auth-api.ts';
export { SessionGate, useChangeLanguage, useLogout, useOptionalSession, useSession } from './session-gate.tsx';
export type { Session } from './session-types.ts';

/** Pages reachable without a session; mounted outside the app shell. */
export const authRoutes: RouteObject[] = [
  { path: 'setup', lazy: async () => ({ Component: (await import('./setup-page.tsx')).SetupPage }) },
  { path: 'login', lazy: async () => ({ Component: (await import('./login-page.tsx')).LoginPage }) },
  { path: 'invite/:token', lazy: async () => ({ Component: (await import('./invitation-accept-page.tsx')).InvitationAcceptPage }) },
];

export const authAdminSections: AdminSection[] = [
  {
    path: 'invitations',
    group: 'organization',
    label: { 'zh-CN': '邀请链接', 'en-US': 'Invitations' },
    icon: createElement(IconLink),
    route: { lazy: async () => ({ Component: (await import('./invitations-admin-page.tsx')).InvitationsAdminPage }) },
  },
];
