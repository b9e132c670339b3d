import type { ChatView } from '@kite/im/contract';
import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { isChat, sortChats, totalUnread } from './chat-list-model.ts';
import {
  fetchChat,
  fetchChats,
  fetchMembers,
  fetchMessages,
  fetchReactors,
  fetchReadUsers,
  type HistoryCursor,
  imQueryKeys,
  type MessagePage,
  searchPeople,
  THREAD_PAGE_SIZE,
} from './im-api.ts';

/** The viewer's chats, pinned first then by activity, with the unread total for the rail. */
export function useChatList() {
  const query = useInfiniteQuery({
    queryKey: imQueryKeys.chats,
    queryFn: ({ pageParam }) => fetchChats(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
  const chats = useMemo(() => sortChats(query.data?.pages.flatMap((page) => page.items) ?? []), [query.data]);
  // With every page loaded the list is the truth (it moves with realtime events); otherwise chats
  // beyond the first pages count through the server's total.
  const unread = query.hasNextPage ? (query.data?.pages[0]?.totalUnread ?? 0) : totalUnread(chats);
  return { ...query, chats, totalUnread: unread };
}

/** One chat: from the list when it is there (kept live), else fetched on its own. */
export function useChat(id: string | null) {
  const queryClient = useQueryClient();
  const { chats } = useChatList();
  const fromList = id ? chats.find((chat) => isChat(chat, id)) : undefined;
  const single = useQuery({
    queryKey: imQueryKeys.chat(id ?? ''),
    queryFn: () => fetchChat(id ?? ''),
    enabled: Boolean(id) && !fromList,
    initialData: () => (id ? queryClient.getQueryData<ChatView>(imQueryKeys.chat(id)) : undefined),
  });
  return {
    chat: fromList ?? single.data,
    isPending: !fromList && single.isPending,
    error: fromList ? null : single.error,
    refetch: single.refetch,
  };
}

/**
 * History newest page first; `fetchNextPage` loads the page before the oldest one loaded. After a
 * jump to an older message (`jumpToMessage`) the pages are a window around it, and
 * `fetchPreviousPage` loads the newer messages after it until the window reaches the latest.
 */
export function useMessageHistory(chatId: string) {
  return useInfiniteQuery({
    queryKey: imQueryKeys.messages(chatId),
    queryFn: ({ pageParam }) => fetchHistoryPage(chatId, pageParam),
    initialPageParam: {} as HistoryCursor,
    getNextPageParam: (page): HistoryCursor | undefined => (page.hasMore && page.items[0] ? { before: page.items[0].seq } : undefined),
    getPreviousPageParam: (page): HistoryCursor | undefined => {
      const newest = page.items[page.items.length - 1];
      return page.hasNewer && newest ? { after: newest.seq } : undefined;
    },
    // Realtime events keep it current; a reset or reconnect gap invalidates it.
    staleTime: 5 * 60_000,
  });
}

/**
 * One page of history. A page read forwards (`after`) says in `hasMore` whether newer ones follow:
 * that is its `hasNewer`, and older ones are already loaded.
 */
async function fetchHistoryPage(chatId: string, cursor: HistoryCursor): Promise<MessagePage> {
  const page = await fetchMessages(chatId, cursor);
  return cursor.after !== undefined ? { items: page.items, hasMore: false, hasNewer: page.hasMore } : page;
}

/**
 * One thread, paged like the history (newest page first, each page oldest first; the root is in its
 * oldest page): its newest replies, or with `replyId` (`om_…`) the page around that reply.
 * `fetchNextPage` loads older replies, `fetchPreviousPage` newer ones after a page around a reply.
 */
export function useThread(chatId: string, rootId: string, replyId?: string) {
  return useInfiniteQuery({
    queryKey: imQueryKeys.thread(chatId, rootId),
    queryFn: ({ pageParam }) => fetchThreadPage(chatId, rootId, pageParam),
    initialPageParam: (replyId ? { aroundMessageId: replyId } : {}) as HistoryCursor,
    getNextPageParam: (page): HistoryCursor | undefined => (page.hasMore && page.items[0] ? { before: page.items[0].seq } : undefined),
    getPreviousPageParam: (page): HistoryCursor | undefined => {
      const newest = page.items[page.items.length - 1];
      return page.hasNewer && newest ? { after: newest.seq } : undefined;
    },
    staleTime: 5 * 60_000,
  });
}

/** One page of a thread (`fetchHistoryPage`'s rules). */
export async function fetchThreadPage(chatId: string, rootId: string, cursor: HistoryCursor): Promise<MessagePage> {
  const page = await fetchMessages(chatId, { ...cursor, threadRootId: rootId, limit: THREAD_PAGE_SIZE });
  return cursor.after !== undefined ? { items: page.items, hasMore: false, hasNewer: page.hasMore } : page;
}

export function useMembers(chatId: string, enabled = true) {
  return useInfiniteQuery({
    queryKey: imQueryKeys.members(chatId),
    queryFn: ({ pageParam }) => fetchMembers(chatId, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    enabled,
  });
}

export function useReadUsers(messageId: string, enabled: boolean) {
  return useQuery({ queryKey: imQueryKeys.readUsers(messageId), queryFn: () => fetchReadUsers(messageId), enabled, staleTime: 0 });
}

/**
 * Who reacted to a message with one emoji, page by page, while `enabled` (its popover is open).
 * Reaction events mark it stale (`imRealtime`), so an open list refetches when someone reacts.
 */
export function useReactors(messageId: string, emojiType: string, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: imQueryKeys.reactors(messageId, emojiType),
    queryFn: ({ pageParam }) => fetchReactors(messageId, emojiType, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    enabled,
  });
}

/** Directory search for the people pickers (pinyin and initials work server-side). */
export function usePeopleSearch(q: string) {
  return useQuery({
    queryKey: imQueryKeys.people(q),
    queryFn: () => searchPeople(q),
    placeholderData: keepPreviousData,
    select: (answer) => answer.items,
  });
}
