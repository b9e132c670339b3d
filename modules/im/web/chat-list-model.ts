import type { ChatView, MessageView } from '@kite/im/contract';
import { match } from 'pinyin-pro';

/** When a chat last saw activity: its last message, else its last change. */
export function chatActivityAt(chat: ChatView): string {
  return chat.lastMessage?.createdAt ?? chat.updatedAt;
}

/** Pinned chats first, then most recent activity first (the server's order, kept after live updates). */
export function sortChats(chats: readonly ChatView[]): ChatView[] {
  return [...chats].sort((a, b) => {
    if (a.pinned !== b.pinned) return a.pinned ? -1 : 1;
    return chatActivityAt(b).localeCompare(chatActivityAt(a));
  });
}

/** Whether a chat's name matches a search by characters, full pinyin or initials. */
export function chatNameMatches(name: string, query: string): boolean {
  const needle = query.trim().toLowerCase().replace(/\s+/g, '');
  if (!needle) return true;
  if (name.toLowerCase().replace(/\s+/g, '').includes(needle)) return true;
  return match(name, needle, { precision: 'start' }) !== null;
}

export function filterChats(chats: readonly ChatView[], filter: { query: string; unreadOnly: boolean }): ChatView[] {
  return chats.filter((chat) => (!filter.unreadOnly || chat.unreadCount > 0) && chatNameMatches(chat.name, filter.query));
}

/**
 * The chat `step` places below (1) or above (-1) the selected one in `chats`, stopping at the ends;
 * with `unread`, the nearest chat with unread messages that way, wrapping around (Alt+Shift+↑/↓).
 * With nothing selected, the first (or last) one.
 */
export function stepChat(
  chats: readonly ChatView[],
  selectedId: string | null,
  step: 1 | -1,
  options: { unread?: boolean } = {},
): ChatView | undefined {
  const index = selectedId ? chats.findIndex((chat) => isChat(chat, selectedId)) : -1;
  if (options.unread) {
    for (let offset = 1; offset <= chats.length; offset++) {
      const start = index === -1 && step === -1 ? 0 : index;
      const candidate = chats[(((start + step * offset) % chats.length) + chats.length) % chats.length];
      if (candidate && candidate.unreadCount > 0 && !(selectedId && isChat(candidate, selectedId))) return candidate;
    }
    return undefined;
  }
  if (index === -1) return step === 1 ? chats[0] : chats[chats.length - 1];
  return chats[Math.min(chats.length - 1, Math.max(0, index + step))];
}

/** The number on the Messenger item of the rail: unread messages in chats that are not muted. */
export function totalUnread(chats: readonly ChatView[]): number {
  return chats.reduce((sum, chat) => sum + (chat.muted ? 0 : chat.unreadCount), 0);
}

/** Whether a message mentions the viewer (by internal id or open id) or everyone. */
export function mentionsViewer(message: Pick<MessageView, 'mentions' | 'mentionsAll'>, viewerIds: ReadonlySet<string>): boolean {
  return message.mentionsAll || message.mentions.some((mention) => viewerIds.has(mention.id));
}

/** Whether a thread reply counts for the viewer: they wrote the root, replied in the thread (`inViewersThread`) or are named in it. */
export function countsInViewersThread(
  message: IncomingMessage,
  viewer: { userId: string; ids: ReadonlySet<string>; inViewersThread?: boolean },
): boolean {
  const own = message.sender?.type === 'user' && message.sender.id === viewer.userId;
  return message.inThread && !own && (viewer.inViewersThread === true || mentionsViewer(message, viewer.ids));
}

/**
 * The chat after a new message arrived: last message and sequence move on. The unread count is
 * the timeline's part (after `lastReadSeq`) plus unread replies in the viewer's threads
 * (`unreadThreadReplyCount`), as the server counts them. A timeline message from someone else adds
 * to the first (and to the mentions when it names the viewer); a thread reply adds to the second
 * when it counts for the viewer (`countsInViewersThread`); a system line counts for nothing. One of
 * the viewer's own marks the timeline read up to it, and an own thread reply also reads the
 * `readThreadReplies` replies of its thread that were unread.
 */
export function chatWithNewMessage(
  chat: ChatView,
  message: IncomingMessage,
  viewer: { userId: string; ids: ReadonlySet<string>; inViewersThread?: boolean; readThreadReplies?: number },
): ChatView {
  if (message.seq <= chat.lastSeq && chat.lastMessage && chat.lastMessage.seq >= message.seq) return chat;
  const own = message.sender?.type === 'user' && message.sender.id === viewer.userId;
  const threads = chat.unreadThreadReplyCount;
  const timeline = Math.max(chat.unreadCount - threads, 0);
  const named = mentionsViewer(message, viewer.ids);
  let nextTimeline = timeline;
  let nextThreads = threads;
  let mentions = chat.unreadMentionCount;
  if (own) {
    nextTimeline = 0;
    if (message.inThread) nextThreads = Math.max(threads - (viewer.readThreadReplies ?? 0), 0);
    mentions = nextThreads === 0 ? 0 : mentions;
  } else if (message.msgType !== 'system' && message.inThread) {
    if (countsInViewersThread(message, viewer)) {
      nextThreads += 1;
      if (named) mentions += 1;
    }
  } else if (message.msgType !== 'system' && message.seq > chat.lastReadSeq) {
    nextTimeline += 1;
    if (named) mentions += 1;
  }
  return {
    ...chat,
    lastMessage: mergeMessage(undefined, message),
    lastSeq: Math.max(chat.lastSeq, message.seq),
    lastReadSeq: own ? Math.max(chat.lastReadSeq, message.seq) : chat.lastReadSeq,
    unreadCount: nextTimeline + nextThreads,
    unreadThreadReplyCount: nextThreads,
    unreadMentionCount: mentions,
    updatedAt: message.createdAt > chat.updatedAt ? message.createdAt : chat.updatedAt,
  };
}

/** The chat's unread timeline messages (its unread count without the thread replies). */
export function timelineUnread(chat: Pick<ChatView, 'unreadCount' | 'unreadThreadReplyCount'>): number {
  return Math.max(chat.unreadCount - (chat.unreadThreadReplyCount ?? 0), 0);
}

/** Whether `chat` is the one an event or route names (internal id or `oc_…`). */
export function isChat(chat: Pick<ChatView, 'id' | 'chatId'>, id: string): boolean {
  return chat.id === id || chat.chatId === id;
}

/** A message as events carry it: no reactions or read count, which differ per reader. */
export type IncomingMessage = Omit<MessageView, 'reactions' | 'unreadCount' | 'unreadReplyCount'> &
  Partial<Pick<MessageView, 'reactions' | 'unreadCount' | 'unreadReplyCount'>>;

/**
 * A message from an answer or a realtime event merged over the cached copy. Events leave out what
 * differs per reader (reactions, read count): those stay as cached. An answer carries them whole.
 */
export function mergeMessage(cached: MessageView | undefined, incoming: IncomingMessage): MessageView {
  return {
    ...incoming,
    reactions: incoming.reactions ?? cached?.reactions ?? [],
    unreadCount: incoming.unreadCount !== undefined ? incoming.unreadCount : (cached?.unreadCount ?? null),
    unreadReplyCount: incoming.unreadReplyCount ?? cached?.unreadReplyCount ?? 0,
  };
}

/**
 * Reactions after a reaction event: the counts the event reports, the viewer's own flags kept, and
 * the flag of the event's emoji set when the viewer made the change.
 */
export function reactionsAfterEvent(
  cached: MessageView['reactions'],
  event: { emojiType: string; counts: ReadonlyArray<{ emojiType: string; count: number }>; byViewer: boolean; added: boolean },
): MessageView['reactions'] {
  const mine = new Set(cached.filter((reaction) => reaction.reactedByMe).map((reaction) => reaction.emojiType));
  if (event.byViewer) {
    if (event.added) mine.add(event.emojiType);
    else mine.delete(event.emojiType);
  }
  return event.counts
    .filter((reaction) => reaction.count > 0)
    .map((reaction) => ({ emojiType: reaction.emojiType, count: reaction.count, reactedByMe: mine.has(reaction.emojiType) }));
}
