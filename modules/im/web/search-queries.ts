import type { MessageSearchAnswer } from '@kite/im/contract';
import { api } from '@kite/ui/api-client';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';

/** What `GET /api/im/search` filters by; `q` empty means no search. */
export interface MessageSearchParams {
  q: string;
  chatId?: string;
  senderId?: string;
  /** ISO 8601 bounds: sent at or after `from`, before `to`. */
  from?: string;
  to?: string;
}

export const SEARCH_PAGE_SIZE = 20;

export function searchMessages(params: MessageSearchParams, cursor: string | null): Promise<MessageSearchAnswer> {
  return api.get('/api/im/search', { query: { ...params, cursor, limit: SEARCH_PAGE_SIZE } });
}

/** Whether the server can search for this text: it needs a letter, a digit or a CJK character. */
export function isSearchable(query: string): boolean {
  return /[\p{L}\p{N}]/u.test(query);
}

/**
 * Messages matching, newest first, a page at a time. Idle for an empty or unsearchable query; while
 * a changed query loads, the previous answer stays on screen.
 */
export function useMessageSearch(params: MessageSearchParams) {
  const query = useInfiniteQuery({
    // Under `im`, so a realtime reset refetches it with every other messenger query.
    queryKey: ['im', 'search', params],
    queryFn: ({ pageParam }) => searchMessages(params, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    enabled: isSearchable(params.q),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
  return { ...query, hits: query.data?.pages.flatMap((page) => page.items) ?? [] };
}
