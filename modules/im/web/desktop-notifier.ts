import {
  type ChatView,
  imEvents,
  type MessageEventPayload,
  type ReadEventPayload,
  type UrgentAlertView,
  type UrgentEventPayload,
} from '@kite/im/contract';
import { formatMessage } from '@kite/ui/format-message';
import type { RealtimeEvent } from '@kite/ui/realtime-connection';
import type { RealtimeApplyContext } from '@kite/ui/web-module';
import type { QueryClient } from '@tanstack/react-query';
import { playBuzzChime } from './buzz-sound.ts';
import { findCachedChat } from './im-cache.ts';
import { imMessages, previewLabels } from './im-messages.ts';
import { previewText } from './message-content.ts';
import { notificationMessages } from './notification-messages.ts';
import {
  buzzNotice,
  mentionsByName,
  messageNotice,
  messagePath,
  type NoticeText,
  type NoticeWords,
  shouldNotifyMessage,
} from './notification-rules.ts';
import { tabs } from './tab-coordination.ts';
import { urgentPinQueryKeys } from './urgent-pin-api.ts';
import { urgentPinMessages } from './urgent-pin-messages.ts';
import { cachedUserSettings } from './user-settings-api.ts';
import { myOpenIds } from './viewer-state.ts';

/**
 * Desktop notifications and the buzz chime. Only the notifying tab (tab-coordination.ts) raises
 * them, so each message notifies once however many tabs are open. Permission is asked only from a
 * button (a page may not prompt on its own, and browsers block prompts nobody asked for); whether
 * to notify at all and whether to make sound are the person's server-side settings. A click brings
 * the tab forward and opens the message.
 */

export type NotificationState = 'granted' | 'denied' | 'default' | 'unsupported';

export function notificationState(): NotificationState {
  if (typeof window === 'undefined' || !('Notification' in window)) return 'unsupported';
  return Notification.permission;
}

/** Asks the browser; call it from a click. */
export async function requestNotificationPermission(): Promise<NotificationState> {
  if (notificationState() === 'unsupported') return 'unsupported';
  try {
    return await Notification.requestPermission();
  } catch {
    return notificationState();
  }
}

/** How often a buzz chimes at most, and how far apart: enough to be noticed, not enough to annoy. */
export const BUZZ_CHIMES = 3;
export const BUZZ_CHIME_INTERVAL_MS = 10_000;

let navigateTo: (path: string) => void = (path) => {
  window.history.pushState({}, '', path);
  // React Router's browser history listens for popstate.
  window.dispatchEvent(new PopStateEvent('popstate'));
};

/** The router's navigate, so a click on a notification opens the message without a reload. */
export function setNotificationNavigator(navigate: (path: string) => void): void {
  navigateTo = navigate;
}

/** The words of a notification in the language the page shows. */
function noticeWords(): NoticeWords {
  const locale = document.documentElement.lang === 'zh-CN' ? 'zh-CN' : 'en-US';
  const im = (key: keyof (typeof imMessages)['en-US']) => imMessages[locale][key];
  const fill = (template: string, values: Record<string, string>) => formatMessage(template, values, locale);
  const labels = previewLabels(im);
  return {
    unknownSender: im('unknownSender'),
    mentioned: im('mentionedYou'),
    groupTitle: (sender, chat) => fill(notificationMessages[locale].groupTitle, { sender, chat }),
    buzzed: (name) => fill(urgentPinMessages[locale].buzzedYou, { name }),
    buzzedIn: (name, chat) => fill(urgentPinMessages[locale].buzzedYouIn, { name, chat }),
    preview: (message) => previewText(message, labels),
  };
}

/** Raises a notification that opens `path` when clicked; null where the browser refuses. */
function show(text: NoticeText, options: NotificationOptions & { renotify?: boolean }, path: string, onClick?: () => void) {
  try {
    const notification = new Notification(text.title, { body: text.body, icon: '/favicon.svg', ...options });
    notification.onclick = () => {
      window.focus();
      navigateTo(path);
      notification.close();
      onClick?.();
    };
    return notification;
  } catch {
    // Some browsers allow notifications only from a service worker; then there is none.
    return null;
  }
}

/** The open notification per chat (one at a time: a newer message replaces it), closed once the chat is read. */
const chatNotifications = new Map<string, Notification>();
/** Buzzes still sounding: their notification and the next chime. */
const buzzes = new Map<string, { notification: Notification | null; timer: ReturnType<typeof setTimeout> | undefined }>();

function canShow(queryClient: QueryClient): boolean {
  return cachedUserSettings(queryClient).desktopNotifications && notificationState() === 'granted';
}

/** A new message arrived: notify unless it is the viewer's, the chat is muted (and they are not @mentioned), or they are looking at it. */
function notifyNewMessage(
  queryClient: QueryClient,
  payload: MessageEventPayload,
  chat: ChatView | undefined,
  viewer: { userId: string; ids: ReadonlySet<string> },
): void {
  if (!tabs.isNotifyingTab() || !canShow(queryClient)) return;
  const { message } = payload;
  const mentionsMe = mentionsByName(message, viewer.ids);
  const notify = shouldNotifyMessage({
    own: message.sender?.type === 'user' && message.sender.id === viewer.userId,
    system: message.msgType === 'system',
    muted: chat?.muted ?? false,
    mentionsMe,
    inFocus: tabs.isChatInFocus(chat ? [chat.id, chat.chatId] : [payload.chatId]),
  });
  if (!notify) return;
  const notification = show(
    messageNotice(message, chat, mentionsMe, noticeWords()),
    // One per chat: a newer message replaces the older one, and still alerts.
    { tag: `kite-chat-${payload.chatId}`, renotify: true, silent: !cachedUserSettings(queryClient).sound },
    messagePath(payload.chatId, message.messageId),
  );
  if (notification) chatNotifications.set(payload.chatId, notification);
}

/** The viewer read the chat (here or elsewhere): its notification has done its job. */
function closeChatNotification(chatId: string): void {
  chatNotifications.get(chatId)?.close();
  chatNotifications.delete(chatId);
}

function stillPending(queryClient: QueryClient, messageId: string): boolean {
  const alerts = queryClient.getQueryData<{ items: UrgentAlertView[] }>(urgentPinQueryKeys.alerts);
  return alerts ? alerts.items.some((alert) => alert.message.id === messageId) : true;
}

/**
 * Someone buzzed the viewer: a notification that stays until dismissed (the in-app alert stays
 * too), and a chime repeated every {@link BUZZ_CHIME_INTERVAL_MS} until acknowledged, at most
 * {@link BUZZ_CHIMES} times. Buzzed again, it starts over.
 */
function notifyBuzz(queryClient: QueryClient, alert: UrgentAlertView): void {
  if (!tabs.isNotifyingTab()) return;
  const messageId = alert.message.id;
  endBuzz(messageId);
  const notification = canShow(queryClient)
    ? show(
        buzzNotice(alert, noticeWords()),
        { tag: `kite-buzz-${messageId}`, renotify: true, requireInteraction: true },
        messagePath(alert.chat.id, alert.message.messageId),
        () => stopChiming(messageId),
      )
    : null;
  const entry: { notification: Notification | null; timer: ReturnType<typeof setTimeout> | undefined } = { notification, timer: undefined };
  buzzes.set(messageId, entry);
  let chimes = 0;
  const chime = () => {
    entry.timer = undefined;
    if (buzzes.get(messageId) !== entry || !stillPending(queryClient, messageId) || !cachedUserSettings(queryClient).sound) return;
    playBuzzChime();
    chimes++;
    if (chimes < BUZZ_CHIMES) entry.timer = setTimeout(chime, BUZZ_CHIME_INTERVAL_MS);
  };
  chime();
}

function stopChiming(messageId: string): void {
  const entry = buzzes.get(messageId);
  if (entry?.timer) clearTimeout(entry.timer);
  if (entry) entry.timer = undefined;
}

/** The buzz was acknowledged (in any tab or device) or its message recalled: silence and close it. */
function endBuzz(messageId: string): void {
  const entry = buzzes.get(messageId);
  if (!entry) return;
  stopChiming(messageId);
  entry.notification?.close();
  buzzes.delete(messageId);
}

/**
 * What a realtime event means for notifications, once the caches have taken it in: a new message
 * or buzz may notify; reading a chat closes its notification; an acknowledged buzz or a recalled
 * message falls silent.
 */
export function notifyOfEvent(event: RealtimeEvent, { queryClient, viewerUserId }: RealtimeApplyContext): void {
  switch (event.type) {
    case imEvents.messageCreated: {
      const payload = event.payload as MessageEventPayload;
      const chat = findCachedChat(queryClient, payload.chatId);
      notifyNewMessage(queryClient, payload, chat, { userId: viewerUserId, ids: myOpenIds(viewerUserId) });
      return;
    }
    case imEvents.read: {
      const payload = event.payload as ReadEventPayload;
      if (payload.userId === viewerUserId) closeChatNotification(payload.chatId);
      return;
    }
    case imEvents.urgentCreated:
    case imEvents.urgentAcknowledged: {
      const payload = event.payload as UrgentEventPayload;
      if (!payload.recipientIds.includes(viewerUserId)) return;
      if (event.type === imEvents.urgentCreated && payload.alert) notifyBuzz(queryClient, payload.alert);
      else endBuzz(payload.messageId);
      return;
    }
    case imEvents.messageRecalled:
      endBuzz((event.payload as MessageEventPayload).message.id);
      return;
    default:
      return;
  }
}
