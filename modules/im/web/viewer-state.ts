/**
 * Small bits of page state the realtime handler needs outside React: which conversation is on
 * screen (its new messages do not count as unread) and the viewer's open id, which mentions and
 * reaction events use instead of the internal id.
 */

import { tabs } from './tab-coordination.ts';

let chatOnScreen: string | null = null;
const openIds = new Map<string, string>();

/** The conversation shown and visible (tab in front), or null. */
export function setChatOnScreen(chatKey: string | null): void {
  chatOnScreen = chatKey;
  // The other tabs learn it too: a message here then notifies none of them.
  tabs.setChatOnScreen(chatKey);
}

export function isChatOnScreen(chatKey: string): boolean {
  return chatOnScreen === chatKey && typeof document !== 'undefined' && document.visibilityState === 'visible';
}

/** Remembers the viewer's open id once a member list or message shows it. */
export function rememberOpenId(userId: string, openId: string): void {
  openIds.set(userId, openId);
}

/** Every id that means the viewer: internal and, once known, open id. */
export function myOpenIds(userId: string): Set<string> {
  const openId = openIds.get(userId);
  return new Set(openId ? [userId, openId] : [userId]);
}
