import type { ChatView, MessageView } from '@kite/im/contract';
import { InfiniteQueryObserver, QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { imQueryKeys, type MessagePage } from './im-api.ts';
import { appendMessage, applyThreadRead, findCachedMessage, showHistoryAround } from './im-cache.ts';
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

/** A thread's pages and its root's "N new replies" as replies and reads arrive. */
describe('thread replies and thread reads in the caches', () => {
  const root = fakeMessage(1, 'alice', '2026-11-21T09:00:00Z', { threadId: 'omt_1', replyCount: 1, unreadReplyCount: 1 });
  const reply = (seq: number, sender: string) =>
    fakeMessage(seq, sender, '2026-11-21T09:01:00Z', { inThread: true, rootId: root.id, parentId: root.id, threadId: 'omt_1' });

  function caches(threadPages: MessagePage[]) {
    const queryClient = new QueryClient();
    queryClient.setQueryData(imQueryKeys.messages('c'), { pages: [{ items: [root], hasMore: false }], pageParams: [{}] });
    queryClient.setQueryData(imQueryKeys.thread('c', root.id), { pages: threadPages, pageParams: threadPages.map(() => ({})) });
    const historyRoot = () =>
      queryClient.getQueryData<{ pages: MessagePage[] }>(imQueryKeys.messages('c'))!.pages[0]!.items.find((m) => m.id === root.id)!;
    const threadSeqs = () =>
      queryClient.getQueryData<{ pages: MessagePage[] }>(imQueryKeys.thread('c', root.id))!.pages.flatMap((p) => p.items.map((m) => m.seq));
    return { queryClient, historyRoot, threadSeqs };
  }

  it('counts a reply on its root once, adds to the new replies, and clears them on an own reply', () => {
    const { queryClient, historyRoot, threadSeqs } = caches([{ items: [reply(2, 'bob')], hasMore: true }]);
    const third = reply(3, 'bob');
    appendMessage(queryClient, 'c', third, 'add');
    appendMessage(queryClient, 'c', third, 'add');
    expect([historyRoot().replyCount, historyRoot().unreadReplyCount, threadSeqs()]).toEqual([2, 2, [2, 3]]);
    appendMessage(queryClient, 'c', reply(4, 'alice'), 'clear');
    expect([historyRoot().replyCount, historyRoot().unreadReplyCount]).toEqual([3, 0]);
  });

  it('leaves a page around an older reply alone (the reply loads with the newer pages)', () => {
    const { queryClient, threadSeqs } = caches([{ items: [reply(2, 'bob')], hasMore: true, hasNewer: true }]);
    appendMessage(queryClient, 'c', reply(9, 'bob'), 'add');
    expect(threadSeqs()).toEqual([2]);
  });

  it('applies a thread read to the root wherever it is cached and to the chat', () => {
    const { queryClient, historyRoot } = caches([{ items: [root, reply(2, 'bob')], hasMore: false }]);
    const chat = { id: 'c', chatId: 'oc_c', unreadCount: 3, unreadThreadReplyCount: 1, unreadMentionCount: 1 } as ChatView;
    queryClient.setQueryData(imQueryKeys.chat('c'), chat);
    applyThreadRead(queryClient, {
      chatId: 'c',
      rootId: root.id,
      lastReadSeq: 2,
      unreadReplyCount: 0,
      chatUnreadCount: 2,
      chatUnreadThreadReplyCount: 0,
      chatUnreadMentionCount: 0,
    });
    expect(historyRoot().unreadReplyCount).toBe(0);
    expect(findCachedMessage(queryClient, 'c', root.id)?.unreadReplyCount).toBe(0);
    const after = queryClient.getQueryData<ChatView>(imQueryKeys.chat('c'))!;
    expect([after.unreadCount, after.unreadThreadReplyCount, after.unreadMentionCount]).toEqual([2, 0, 0]);
  });
});
