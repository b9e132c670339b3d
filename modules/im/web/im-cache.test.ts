import type { MessageView } from '@kite/im/contract';
import { InfiniteQueryObserver, QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { imQueryKeys, type MessagePage } from './im-api.ts';
import { appendMessage, showHistoryAround } from './im-cache.ts';
import { fakeMessage } from './view-fixtures.ts';

/**
 * A message that arrives (realtime event or the send's answer) while the history is being read:
 * the read may have started before the message committed, and must not leave it out for good.
 */
describe('appendMessage during a history read', () => {
  const page = (items: MessageView[]): MessagePage => ({ items, hasMore: false });

  /** A history whose first read is held until `answerFirstRead`, later reads answering `stored`. */
  function history() {
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const stored = [fakeMessage(1, 'alice', '2026-11-21T09:00:00Z')];
    let answerFirstRead: (page: MessagePage) => void = () => undefined;
    let reads = 0;
    const observer = new InfiniteQueryObserver(queryClient, {
      queryKey: imQueryKeys.messages('c'),
      queryFn: () => {
        reads++;
        if (reads === 1) return new Promise<MessagePage>((resolve) => (answerFirstRead = resolve));
        return Promise.resolve(page([...stored]));
      },
      initialPageParam: {},
      getNextPageParam: () => undefined,
    });
    const unsubscribe = observer.subscribe(() => undefined);
    const seqs = () => observer.getCurrentResult().data?.pages.flatMap((p) => p.items.map((item) => item.seq)) ?? [];
    return { queryClient, stored, answerFirstRead: (p: MessagePage) => answerFirstRead(p), seqs, reads: () => reads, unsubscribe };
  }

  const settled = async (check: () => boolean) => {
    for (let i = 0; i < 100 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  };

  it('reads again when the message came before the first page did', async () => {
    const h = history();
    const late = fakeMessage(2, 'bob', '2026-11-21T09:01:00Z');
    h.stored.push(late); // committed after the first read took its snapshot
    appendMessage(h.queryClient, 'c', late);
    h.answerFirstRead(page([h.stored[0]!])); // the first read's answer, without it
    await settled(() => h.seqs().length === 2);
    expect(h.seqs()).toEqual([1, 2]);
    expect(h.reads()).toBe(2);
    h.unsubscribe();
  });

  it('adds the message at once when no read is under way, reading nothing more', async () => {
    const h = history();
    h.answerFirstRead(page([h.stored[0]!]));
    await settled(() => h.seqs().length === 1);
    const next = fakeMessage(2, 'bob', '2026-11-21T09:01:00Z');
    expect(appendMessage(h.queryClient, 'c', next)).toBe(true);
    expect(h.seqs()).toEqual([1, 2]);
    expect(h.reads()).toBe(1);
    h.unsubscribe();
  });

  it('keeps a window around an older message when the read of the newest page answers after it', async () => {
    const h = history();
    const older = fakeMessage(7, 'alice', '2026-11-20T09:00:00Z');
    showHistoryAround(h.queryClient, 'c', { items: [older], hasMore: true, hasNewer: true }, { aroundMessageId: older.messageId });
    h.answerFirstRead(page([h.stored[0]!])); // the first load's answer, the newest page
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(h.seqs()).toEqual([7]);
    h.unsubscribe();
  });
});
