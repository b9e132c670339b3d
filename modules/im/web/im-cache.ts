import type { ChatView, MessageView, ThreadReadEventPayload } from '@kite/im/contract';
import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import { type IncomingMessage, isChat, mergeMessage } from './chat-list-model.ts';
import { type ChatListAnswer, type HistoryCursor, imQueryKeys, type MessagePage } from './im-api.ts';

/**
 * Writes into the TanStack Query caches that realtime events and mutation answers share, so the
 * chat list, the open conversation and its thread never disagree. History pages are stored newest
 * first (page 0 is the latest), each page ascending.
 */

type ChatPages = InfiniteData<ChatListAnswer, string | null>;
type HistoryPages = InfiniteData<MessagePage, HistoryCursor>;

export function cachedChats(queryClient: QueryClient): ChatView[] {
  return queryClient.getQueryData<ChatPages>(imQueryKeys.chats)?.pages.flatMap((page) => page.items) ?? [];
}

/** A chat from the list or its own query, by internal id or `oc_…`. */
/** The loaded history pages of a chat: newest page first, each page's messages oldest first. */
export function cachedHistory(queryClient: QueryClient, chatKey: string): MessagePage[] {
  return queryClient.getQueryData<HistoryPages>(imQueryKeys.messages(chatKey))?.pages ?? [];
}

/** Whether the viewer has replied in a thread, as far as its loaded copy knows. */
export function repliedInThread(queryClient: QueryClient, chatKey: string, rootId: string, userId: string): boolean {
  const pages = queryClient.getQueryData<HistoryPages>(imQueryKeys.thread(chatKey, rootId))?.pages ?? [];
  return pages.some((page) =>
    page.items.some((message) => message.id !== rootId && message.sender?.type === 'user' && message.sender.id === userId),
  );
}

/** A cached copy of a message (history or its thread), if any. */
export function findCachedMessage(queryClient: QueryClient, chatKey: string, messageId: string): MessageView | undefined {
  const all = [
    queryClient.getQueryData<HistoryPages>(imQueryKeys.messages(chatKey)),
    ...queryClient.getQueriesData<HistoryPages>({ queryKey: ['im', 'thread', chatKey] }).map(([, data]) => data),
  ];
  for (const data of all) {
    for (const page of data?.pages ?? []) {
      const found = page.items.find((message) => message.id === messageId);
      if (found) return found;
    }
  }
  return undefined;
}

export function findCachedChat(queryClient: QueryClient, id: string): ChatView | undefined {
  return cachedChats(queryClient).find((chat) => isChat(chat, id)) ?? queryClient.getQueryData<ChatView>(imQueryKeys.chat(id));
}

/** Replaces a chat everywhere it is cached; `insert` adds it to the list when missing (a new chat). */
export function writeChat(queryClient: QueryClient, chat: ChatView, options: { insert?: boolean } = {}): void {
  queryClient.setQueryData<ChatView>(imQueryKeys.chat(chat.id), chat);
  queryClient.setQueryData<ChatPages>(imQueryKeys.chats, (data) => {
    if (!data) return data;
    let found = false;
    const pages = data.pages.map((page) => ({
      ...page,
      items: page.items.map((item) => {
        if (!isChat(item, chat.id)) return item;
        found = true;
        return chat;
      }),
    }));
    if (!found && options.insert && pages[0]) pages[0] = { ...pages[0], items: [chat, ...pages[0].items] };
    return { ...data, pages };
  });
}

/** Applies `change` to a cached chat (list and single) if it is cached. */
export function updateCachedChat(queryClient: QueryClient, id: string, change: (chat: ChatView) => ChatView): ChatView | undefined {
  const current = findCachedChat(queryClient, id);
  if (!current) return undefined;
  const next = change(current);
  if (next !== current) writeChat(queryClient, next);
  return next;
}

export function removeCachedChat(queryClient: QueryClient, id: string): void {
  queryClient.setQueryData<ChatPages>(imQueryKeys.chats, (data) =>
    data ? { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.filter((item) => !isChat(item, id)) })) } : data,
  );
}

function mapHistory(data: HistoryPages | undefined, change: (message: MessageView) => MessageView): HistoryPages | undefined {
  if (!data) return data;
  let changed = false;
  const pages = data.pages.map((page) => {
    let pageChanged = false;
    const items = page.items.map((message) => {
      const next = change(message);
      if (next !== message) pageChanged = true;
      return next;
    });
    if (!pageChanged) return page;
    changed = true;
    return { ...page, items };
  });
  return changed ? { ...data, pages } : data;
}

function historyHas(data: HistoryPages | undefined, message: IncomingMessage): boolean {
  // A card only the viewer sees shares its seq with the message before it.
  const samePlace = (item: MessageView) => !item.ephemeral && !message.ephemeral && item.seq === message.seq;
  return data?.pages.some((page) => page.items.some((item) => item.id === message.id || samePlace(item))) ?? false;
}

/** Every cached copy of a message (history and threads of its chat) replaced by `change`. */
export function updateCachedMessage(
  queryClient: QueryClient,
  chatKey: string,
  messageId: string,
  change: (message: MessageView) => MessageView,
): void {
  updateCachedMessages(queryClient, chatKey, (message) =>
    message.id === messageId || message.messageId === messageId ? change(message) : message,
  );
}

/** Every cached message of a chat (history and threads) through `apply`; return the same object to keep one. */
export function updateCachedMessages(queryClient: QueryClient, chatKey: string, apply: (message: MessageView) => MessageView): void {
  queryClient.setQueryData<HistoryPages>(imQueryKeys.messages(chatKey), (data) => mapHistory(data, apply));
  for (const [key, data] of queryClient.getQueriesData<HistoryPages>({ queryKey: ['im', 'thread', chatKey] })) {
    const next = mapHistory(data, apply);
    if (next !== data) queryClient.setQueryData<HistoryPages>(key, next);
  }
}

/** A message from an answer or event, merged into every cached copy (keeping per-viewer fields). */
export function writeMessage(queryClient: QueryClient, chatKey: string, message: IncomingMessage): void {
  updateCachedMessage(queryClient, chatKey, message.id, (cached) => mergeMessage(cached, message));
  updateCachedChat(queryClient, chatKey, (chat) =>
    chat.lastMessage?.id === message.id ? { ...chat, lastMessage: mergeMessage(chat.lastMessage, message) } : chat,
  );
}

/** Takes a message out of the loaded history (a card only the viewer saw, deleted by its app). */
export function removeCachedMessage(queryClient: QueryClient, chatKey: string, messageId: string): void {
  queryClient.setQueryData<HistoryPages>(imQueryKeys.messages(chatKey), (data) =>
    data?.pages.some((page) => page.items.some((item) => item.id === messageId))
      ? { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.filter((item) => item.id !== messageId) })) }
      : data,
  );
}

/**
 * Replaces the loaded history of a chat with the page around one message (a copied link, the first
 * unread far back); scrolling then loads older and newer pages from there.
 */
export function showHistoryAround(queryClient: QueryClient, chatKey: string, page: MessagePage, cursor: HistoryCursor): void {
  const queryKey = imQueryKeys.messages(chatKey);
  // A read of the newest page under way (the first load, a refetch on reconnect) would land after
  // this window and replace it: it is called off.
  void queryClient.cancelQueries({ queryKey, exact: true });
  queryClient.setQueryData<HistoryPages>(queryKey, { pages: [page], pageParams: [cursor] });
}

/** Replaces the loaded pages of a thread with the page around one of its replies (opened deep in a long thread). */
export function showThreadAround(
  queryClient: QueryClient,
  chatKey: string,
  rootId: string,
  page: MessagePage,
  cursor: HistoryCursor,
): void {
  const queryKey = imQueryKeys.thread(chatKey, rootId);
  void queryClient.cancelQueries({ queryKey, exact: true });
  queryClient.setQueryData<HistoryPages>(queryKey, { pages: [page], pageParams: [cursor] });
}

/** The root's "N new replies" for the viewer, wherever it is cached. */
export function setUnreadReplies(queryClient: QueryClient, chatKey: string, rootId: string, unreadReplyCount: number): void {
  updateCachedMessage(queryClient, chatKey, rootId, (root) =>
    root.unreadReplyCount === unreadReplyCount ? root : { ...root, unreadReplyCount },
  );
}

/** A thread read (an answer or `im.thread.read`) in the caches: the root's "N new replies" and the chat's counts. */
export function applyThreadRead(queryClient: QueryClient, read: Omit<ThreadReadEventPayload, 'userId'>): void {
  setUnreadReplies(queryClient, read.chatId, read.rootId, read.unreadReplyCount);
  updateCachedChat(queryClient, read.chatId, (chat) =>
    chat.unreadCount === read.chatUnreadCount && chat.unreadThreadReplyCount === read.chatUnreadThreadReplyCount
      ? chat
      : {
          ...chat,
          unreadCount: read.chatUnreadCount,
          unreadThreadReplyCount: read.chatUnreadThreadReplyCount,
          unreadMentionCount: read.chatUnreadMentionCount,
        },
  );
}

/** What a new thread reply does to its root's "N new replies" for the viewer: one more, read (their own reply), or nothing. */
export type RootUnreadChange = 'add' | 'clear' | null;

/**
 * Replies already counted on their root (an own reply arrives as an answer and as an event, seconds
 * apart): the newest COUNTED_REPLIES_KEPT, so a tab open for weeks does not keep every id it saw.
 */
const countedReplies = new Set<string>();
const COUNTED_REPLIES_KEPT = 1_000;

/**
 * Adds a new message at the end of the open history, or a thread reply at the end of its thread
 * (the timeline only counts it on the root); answers whether it was new to the history (false when
 * the sender's own answer or an earlier event already put it there, and for thread replies).
 */
export function appendMessage(
  queryClient: QueryClient,
  chatKey: string,
  message: IncomingMessage,
  rootUnread: RootUnreadChange = null,
): boolean {
  if (message.inThread && message.rootId) {
    rereadIfReading(queryClient, imQueryKeys.thread(chatKey, message.rootId));
    appendThreadReply(queryClient, chatKey, message.rootId, message, rootUnread);
    return false;
  }
  rereadIfReading(queryClient, imQueryKeys.messages(chatKey));
  let added = false;
  queryClient.setQueryData<HistoryPages>(imQueryKeys.messages(chatKey), (data) => {
    if (!data || historyHas(data, message)) return data;
    const [latest, ...older] = data.pages;
    // A window around an older message does not reach the end: the message loads with the rest.
    if (!latest || latest.hasNewer) return data;
    added = true;
    return { ...data, pages: [{ ...latest, items: [...latest.items, mergeMessage(undefined, message)] }, ...older] };
  });
  return added;
}

/**
 * A read of this history that is under way may have started before the message committed: its
 * answer would land without it (or, on a first load, there is nothing yet to add it to) and
 * nothing would bring it back. Such a read is replaced by a fresh one, which has it. Loading an
 * older page (`fetchMore`) leaves the newest messages alone and goes on.
 */
function rereadIfReading(queryClient: QueryClient, queryKey: readonly unknown[]): void {
  const query = queryClient.getQueryCache().find({ queryKey, exact: true });
  if (query?.state.fetchStatus !== 'fetching' || query.state.fetchMeta?.fetchMore) return;
  // Cancelled first: a first load in flight would otherwise be joined, not replaced.
  void queryClient.cancelQueries({ queryKey, exact: true }).then(() => queryClient.invalidateQueries({ queryKey, exact: true }));
}

function appendThreadReply(
  queryClient: QueryClient,
  chatKey: string,
  rootId: string,
  message: IncomingMessage,
  rootUnread: RootUnreadChange,
): void {
  queryClient.setQueryData<HistoryPages>(imQueryKeys.thread(chatKey, rootId), (data) => {
    if (!data || historyHas(data, message)) return data;
    const [latest, ...older] = data.pages;
    // A page around an older reply does not reach the end: the reply loads with the rest.
    if (!latest || latest.hasNewer) return data;
    return { ...data, pages: [{ ...latest, items: [...latest.items, mergeMessage(undefined, message)] }, ...older] };
  });
  // The root's reply count moves on once per reply, however many times the reply arrives; its
  // first reply also names the thread.
  if (countedReplies.has(message.id)) return;
  countedReplies.add(message.id);
  // A Set iterates in insertion order: the first is the oldest.
  if (countedReplies.size > COUNTED_REPLIES_KEPT) countedReplies.delete(countedReplies.values().next().value!);
  updateCachedMessage(queryClient, chatKey, rootId, (root) => ({
    ...root,
    replyCount: root.replyCount + 1,
    threadId: root.threadId ?? message.threadId,
    unreadReplyCount: rootUnread === 'clear' ? 0 : root.unreadReplyCount + (rootUnread === 'add' ? 1 : 0),
  }));
}
