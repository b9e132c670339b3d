import {
  IconAppCenter,
  IconArticle,
  IconBookStroked,
  IconCalendar,
  IconCheckChoiceStroked,
  IconCommentStroked,
  IconGridView,
  IconSetting,
  IconTickCircle,
  IconUserListStroked,
} from '@douyinfe/semi-icons';
import { MessengerUnreadBadge } from '@kite/im/web';
import type { MessageKey } from '@kite/ui/i18n';
import type { ComponentType, ReactNode } from 'react';
import type { appMessages } from '../app-messages.ts';

export type NavKey = 'messenger' | 'docs' | 'wiki' | 'base' | 'calendar' | 'approval' | 'tasks' | 'contacts' | 'workplace' | 'admin';

export interface NavItem {
  key: NavKey;
  path: string;
  label: MessageKey<typeof appMessages>;
  icon: ReactNode;
  /** Shown only to tenant administrators. */
  adminOnly?: boolean;
  /** One of the four tabs of the phone tab bar; the rest sit behind "More". */
  phoneTab?: boolean;
  /** Built and usable today (the others show a coming-soon page). */
  ready: boolean;
  /** A count shown on the item, e.g. unread messages; renders nothing when there is none. */
  badge?: ComponentType;
}

/** The navigation rail, top to bottom. Admin is pinned to the bottom of the rail. */
export const navItems: readonly NavItem[] = [
  {
    key: 'messenger',
    path: '/messenger',
    label: 'navMessenger',
    icon: <IconCommentStroked />,
    phoneTab: true,
    ready: true,
    badge: MessengerUnreadBadge,
  },
  { key: 'docs', path: '/docs', label: 'navDocs', icon: <IconArticle />, phoneTab: true, ready: false },
  { key: 'wiki', path: '/wiki', label: 'navWiki', icon: <IconBookStroked />, ready: false },
  { key: 'base', path: '/base', label: 'navBase', icon: <IconGridView />, ready: false },
  { key: 'calendar', path: '/calendar', label: 'navCalendar', icon: <IconCalendar />, ready: false },
  { key: 'approval', path: '/approval', label: 'navApproval', icon: <IconTickCircle />, ready: false },
  { key: 'tasks', path: '/tasks', label: 'navTasks', icon: <IconCheckChoiceStroked />, ready: false },
  { key: 'contacts', path: '/contacts', label: 'navContacts', icon: <IconUserListStroked />, phoneTab: true, ready: true },
  { key: 'workplace', path: '/workplace', label: 'navWorkplace', icon: <IconAppCenter />, phoneTab: true, ready: false },
  { key: 'admin', path: '/admin', label: 'navAdmin', icon: <IconSetting />, adminOnly: true, ready: true },
];

export function visibleNavItems(isAdmin: boolean): NavItem[] {
  return navItems.filter((item) => !item.adminOnly || isAdmin);
}
