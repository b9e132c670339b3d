import { IconHistory } from '@douyinfe/semi-icons';
import { authAdminSections } from '@kite/auth/web';
import { contactAdminSections } from '@kite/contact/web';
import { imAdminSections } from '@kite/im/web';
import { openPlatformAdminSections } from '@kite/openplatform/web';
import type { AdminSection } from '@kite/ui/web-module';
import { createElement } from 'react';

const auditSection: AdminSection = {
  path: 'audit',
  group: 'security',
  label: { 'zh-CN': '审计日志', 'en-US': 'Audit log' },
  icon: createElement(IconHistory),
  route: { lazy: async () => ({ Component: (await import('./audit-log-page.tsx')).AuditLogPage }) },
};

/** Every page of the admin console, in the order the side navigation shows them. */
export const adminSections: readonly AdminSection[] = [
  ...contactAdminSections,
  ...authAdminSections,
  ...openPlatformAdminSections,
  ...imAdminSections,
  auditSection,
];
