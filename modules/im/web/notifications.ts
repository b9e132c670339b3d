import type { ChatView, MessageEventView } from '@kite/im/contract';
import { formatMessage } from '@kite/ui/format-message';
import { isLocale } from '@kite/ui/i18n';
import { imMessages, previewLabels } from './im-messages.ts';
import { previewText } from './message-content.ts';

/**
 * Desktop notifications for new messages while the tab is in the background. Permission is asked
 * only from a button (browsers block prompts nobody asked for); a click brings the tab forward and
 * opens the chat through the router's history.
 */

export type NotificationState = 'granted' | 'denied' | 'default' | 'unsupported';

export function notificationState(): NotificationState {
  if (typeof window === 'undefined' || !('Notification' in window)) return 'unsupported';
  return Notification.permission;
}

export async function requestNotificationPermission(): Promise<NotificationState> {
  if (notificationState() === 'unsupported') return 'unsupported';
  try {
    return await Notification.requestPermission();
  } catch {
    return notificationState();
  }
}

function openChat(chatKey: string): void {
  window.focus();
  const path = `/messenger/${encodeURIComponent(chatKey)}`;
  if (window.location.pathname === path) return;
  window.history.pushState({}, '', path);
  // React Router's browser history listens for popstate.
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function notifyNewMessage(message: MessageEventView, chat: ChatView | undefined, mentioned: boolean): void {
  if (notificationState() !== 'granted' || document.visibilityState === 'visible') return;
  const lang = document.documentElement.lang;
  const locale = isLocale(lang) ? lang : 'en-US';
  const t = (key: keyof (typeof imMessages)['en-US'], values?: Record<string, string | number>) =>
    formatMessage(imMessages[locale][key], values, locale);
  const sender = message.sender?.name ?? t('unknownSender');
  const body = previewText(message, previewLabels(t));
  const title = chat && chat.chatType === 'group' ? t('notificationTitleGroup', { sender, chat: chat.name }) : sender;
  try {
    const notification = new Notification(title, {
      body: mentioned ? `${t('mentionedYou')} ${body}` : body,
      tag: `kite-chat-${message.chatId}`,
    });
    const chatKey = chat?.id ?? message.chatId;
    notification.onclick = () => {
      openChat(chatKey);
      notification.close();
    };
  } catch {
    // Some browsers allow notifications only from a service worker; then there is none.
  }
}
