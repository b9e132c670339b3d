import {
  type EphemeralEventPayload,
  imEvents,
  type MessageEventPayload,
  type ReactionEventPayload,
  type ReadEventPayload,
  type ThreadReadEventPayload,
  type UserSettingsEventPayload,
} from '@kite/im/contract';
import type { RealtimeEvent } from '@kite/ui/realtime-connection';
import type { RealtimeApplyContext, RealtimeSubscription } from '@kite/ui/web-module';
import { chatWithNewMessage, countsInViewersThread, reactionsAfterEvent } from './chat-list-model.ts';
import { notifyOfEvent } from './desktop-notifier.ts';
import { imQueryKeys } from './im-api.ts';
import {
  appendMessage,
  applyThreadRead,
  findCachedMessage,
  removeCachedChat,
  removeCachedMessage,
  repliedInThread,
  updateCachedChat,
  updateCachedMessage,
  updateCachedMessages,
  writeMessage,
} from './im-cache.ts';
import { applyUrgentPinEvent, urgentPinStaleQueries } from './urgent-pin-realtime.ts';
import { writeUserSettings } from './user-settings-api.ts';
import { isChatOnScreen, myOpenIds } from './viewer-state.ts';
import { webhookQueryKey } from './webhook-api.ts';

/** Every im payload names its chat by internal id (`ChatView.id`), the key the caches use. */
function chatIdOf(event: RealtimeEvent): string | null {
  const payload = event.payload as { chatId?: unknown } | null;
  return typeof payload?.chatId === 'string' ? payload.chatId : null;
}

function applyNewMessage({ queryClient, viewerUserId }: RealtimeApplyContext, payload: MessageEventPayload): void {
  const { message, chatId } = payload;
  const viewerIds = myOpenIds(viewerUserId);
  const onScreen = isChatOnScreen(chatId);
  const own = message.sender?.type === 'user' && message.sender.id === viewerUserId;
  const root = message.inThread && message.rootId ? findCachedMessage(queryClient, chatId, message.rootId) : undefined;
  // Whether the viewer takes part in the thread, as far as this tab knows: the event names the
  // root's author; the loaded thread shows their replies; the root already counts unread for them.
  const inViewersThread =
    message.inThread &&
    (payload.threadRootUserId === viewerUserId ||
      (root?.unreadReplyCount ?? 0) > 0 ||
      (message.rootId !== null && repliedInThread(queryClient, chatId, message.rootId, viewerUserId)));
  const viewer = { userId: viewerUserId, ids: viewerIds, inViewersThread, readThreadReplies: root?.unreadReplyCount ?? 0 };
  appendMessage(queryClient, chatId, message, own ? 'clear' : countsInViewersThread(message, viewer) ? 'add' : null);
  const chat = updateCachedChat(queryClient, chatId, (current) => {
    const next = chatWithNewMessage(current, message, viewer);
    // The open conversation marks its timeline read; do not flash a badge on it meanwhile (a reply
    // in the viewer's thread still counts until the thread is read).
    return onScreen && next !== current && !message.inThread
      ? {
          ...next,
          unreadCount: current.unreadCount - current.unreadThreadReplyCount + next.unreadThreadReplyCount,
          unreadMentionCount: current.unreadMentionCount,
        }
      : next;
  });
  // A chat this list has not seen yet (someone just started it): fetch the list again.
  if (!chat) void queryClient.invalidateQueries({ queryKey: imQueryKeys.chats });
}

function applyEvent(event: RealtimeEvent, context: RealtimeApplyContext): void {
  const { queryClient, viewerUserId } = context;
  if (event.type === imEvents.userSettingsUpdated) {
    writeUserSettings(queryClient, (event.payload as UserSettingsEventPayload).settings);
    return;
  }
  const chatId = chatIdOf(event);
  if (!chatId) return;
  switch (event.type) {
    case 'im.message.created':
      applyNewMessage(context, event.payload as MessageEventPayload);
      return;
    case 'im.message.updated':
    case 'im.message.recalled':
    // A non-shared card the viewer's click changed for them: their own view replaces the card.
    case 'im.card_view.updated':
      writeMessage(queryClient, chatId, (event.payload as MessageEventPayload).message);
      return;
    // An app's card for the viewer alone: it joins, changes and leaves their history only.
    case imEvents.ephemeralCreated:
      appendMessage(queryClient, chatId, (event.payload as EphemeralEventPayload).message!);
      return;
    case imEvents.ephemeralUpdated:
      writeMessage(queryClient, chatId, (event.payload as EphemeralEventPayload).message!);
      return;
    case imEvents.ephemeralDeleted:
      removeCachedMessage(queryClient, chatId, (event.payload as EphemeralEventPayload).messageId);
      return;
    case 'im.reaction.added':
    case 'im.reaction.removed': {
      const payload = event.payload as ReactionEventPayload;
      const byViewer = payload.reactor.type === 'user' && payload.reactor.id === viewerUserId;
      updateCachedMessage(queryClient, chatId, payload.messageId, (message) => ({
        ...message,
        reactions: reactionsAfterEvent(message.reactions, {
          emojiType: payload.emojiType,
          counts: payload.reactions,
          byViewer,
          added: event.type === 'im.reaction.added',
        }),
      }));
      return;
    }
    case 'im.read': {
      const payload = event.payload as ReadEventPayload;
      if (payload.userId !== viewerUserId) {
        // Someone read the viewer's messages: one fewer unread on each of them, live.
        updateCachedMessages(queryClient, chatId, (message) =>
          message.sender?.type === 'user' &&
          message.sender.id === viewerUserId &&
          message.seq > payload.previousReadSeq &&
          message.seq <= payload.lastReadSeq &&
          message.unreadCount
            ? { ...message, unreadCount: message.unreadCount - 1 }
            : message,
        );
        return;
      }
      updateCachedChat(queryClient, chatId, (chat) => ({
        ...chat,
        lastReadSeq: Math.max(chat.lastReadSeq, payload.lastReadSeq),
        unreadCount: payload.unreadCount,
        unreadThreadReplyCount: payload.unreadThreadReplyCount ?? chat.unreadThreadReplyCount,
        unreadMentionCount: payload.unreadCount === 0 ? 0 : chat.unreadMentionCount,
      }));
      return;
    }
    // The viewer read a thread on some tab or device (this one too): its mark and its part of the chat's count go.
    case imEvents.threadRead: {
      const payload = event.payload as ThreadReadEventPayload;
      if (payload.userId !== viewerUserId) return;
      applyThreadRead(queryClient, payload);
      return;
    }
    case 'im.chat.disbanded':
      removeCachedChat(queryClient, chatId);
      return;
    default:
      return;
  }
}

/**
 * What an event makes stale. Messages, reactions and read positions are applied directly above;
 * chat changes touch per-viewer fields (rights, names, membership), so those refetch.
 */
function staleQueries(event: RealtimeEvent): ReadonlyArray<readonly unknown[]> {
  const chatId = chatIdOf(event);
  switch (event.type) {
    case 'im.chat.created':
      return [imQueryKeys.chats];
    case 'im.chat.updated':
    case 'im.chat.members_added':
    case 'im.chat.members_removed':
    case 'im.chat.disbanded':
      return chatId ? [imQueryKeys.chats, imQueryKeys.chat(chatId), imQueryKeys.members(chatId)] : [imQueryKeys.chats];
    case 'im.webhook.created':
    case 'im.webhook.updated':
    case 'im.webhook.removed':
      return chatId ? [webhookQueryKey(chatId)] : [];
    // Counts arrive in the event; the lists of who reacted refetch where they are open.
    case 'im.reaction.added':
    case 'im.reaction.removed':
      return [imQueryKeys.reactorsOf((event.payload as ReactionEventPayload).messageId)];
    default:
      return [];
  }
}

/**
 * Messenger's realtime: new messages, edits, reactions, read positions, buzzes and pins land in the
 * caches directly; new messages and buzzes also raise desktop notifications.
 */
export const imRealtime: RealtimeSubscription = {
  prefix: 'im.',
  apply: (event, context) => {
    applyEvent(event, context);
    applyUrgentPinEvent(event, context);
    // After the caches: the notifier reads the chat (muted?) and the pending alerts from them.
    notifyOfEvent(event, context);
  },
  staleQueries: (event) => [...staleQueries(event), ...urgentPinStaleQueries(event)],
};
