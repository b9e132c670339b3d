import type { UseInfiniteQueryResult } from '@tanstack/react-query';
import { type RefObject, useEffect, useRef } from 'react';

/** The parts of a two-way infinite query (older pages "next", newer "previous") that paging uses. */
type TwoWayPages = Pick<
  UseInfiniteQueryResult<unknown>,
  'hasNextPage' | 'isFetchingNextPage' | 'fetchNextPage' | 'hasPreviousPage' | 'isFetchingPreviousPage' | 'fetchPreviousPage'
>;

/**
 * Keyset paging at both ends of a scrolled list of messages (the history, a thread): older pages
 * when its top comes within `edgePx`, newer ones when its bottom does, and — while a short list does
 * not fill its scroller, so nothing can scroll — older pages until it does. `loadingNewer` is set
 * while newer messages are asked for, so the caller keeps the reader's place when they land instead
 * of following them to the bottom. The scroll handler calls `onScrolled` with the distance from the
 * bottom.
 */
export function useEdgePaging(scroller: RefObject<HTMLElement | null>, pages: TwoWayPages, edgePx: number, itemCount: number) {
  const loadingNewer = useRef(false);
  // A new item count is what may leave the list short of filling its scroller.
  useEffect(() => {
    const element = scroller.current;
    if (!element || !pages.hasNextPage || pages.isFetchingNextPage) return;
    if (element.scrollHeight <= element.clientHeight + edgePx) void pages.fetchNextPage();
  }, [pages.hasNextPage, pages.isFetchingNextPage, itemCount]);
  const onScrolled = (bottomDistance: number) => {
    const element = scroller.current;
    if (!element) return;
    if (element.scrollTop < edgePx && pages.hasNextPage && !pages.isFetchingNextPage) void pages.fetchNextPage();
    if (bottomDistance < edgePx && pages.hasPreviousPage && !pages.isFetchingPreviousPage) {
      loadingNewer.current = true;
      void pages.fetchPreviousPage();
    }
  };
  return { loadingNewer, onScrolled };
}
