/**
 * Contact's web part: the Contacts page everyone uses (org tree, people search, profile cards), the
 * profile card other modules show (`PersonCard`) and the admin pages for departments, people, user groups and CSV import.
 */
import { IconApartment, IconImport, IconUserGroup, IconUserListStroked } from '@douyinfe/semi-icons';
import type { AdminSection, RealtimeSubscription } from '@kite/ui/web-module';
import { createElement, lazy } from 'react';
import type { RouteObject } from 'react-router';
import { contactQueryKeys } from './contact-api.ts';

export { useDepartments, useGroups, useUserPages } from './contact-queries.ts';

/**
 * A person's profile card by id, for the shell to hand to other modules (`@kite/ui/person-card`);
 * loaded when first shown. Needs a `<Suspense>` above it.
 */
export const PersonCard = lazy(async () => ({ default: (await import('./person-card.tsx')).PersonCard }));

/** Routes inside the app shell. */
export const contactRoutes: RouteObject[] = [
  { path: 'contacts', lazy: async () => ({ Component: (await import('./contacts-page.tsx')).ContactsPage }) },
];

export const contactAdminSections: AdminSection[] = [
  {
    path: 'departments',
    group: 'organization',
    label: { 'zh-CN': '部门', 'en-US': 'Departments' },
    icon: createElement(IconApartment),
    route: { lazy: async () => ({ Component: (await import('./admin/departments-admin-page.tsx')).DepartmentsAdminPage }) },
  },
  {
    path: 'users',
    group: 'organization',
    label: { 'zh-CN': '成员', 'en-US': 'People' },
    icon: createElement(IconUserListStroked),
    route: { lazy: async () => ({ Component: (await import('./admin/users-admin-page.tsx')).UsersAdminPage }) },
  },
  {
    path: 'groups',
    group: 'organization',
    label: { 'zh-CN': '用户组', 'en-US': 'User groups' },
    icon: createElement(IconUserGroup),
    route: { lazy: async () => ({ Component: (await import('./admin/groups-admin-page.tsx')).GroupsAdminPage }) },
  },
  {
    path: 'import',
    group: 'organization',
    label: { 'zh-CN': '批量导入', 'en-US': 'CSV import' },
    icon: createElement(IconImport),
    route: { lazy: async () => ({ Component: (await import('./admin/csv-import-page.tsx')).CsvImportPage }) },
  },
];

/** Any `contact.*` event may change people, departments or groups: refetch what is on screen. */
export const contactRealtime: RealtimeSubscription = {
  prefix: 'contact.',
  staleQueries: () => [contactQueryKeys.all],
};
