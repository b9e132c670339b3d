import type { UserView } from '@kite/contact/contract';
import type { ChatView, MessageView } from '@kite/im/contract';
import { ManualClock } from '@kite/kernel/clock';
import { onEveryStatement } from '@kite/testing/sql-statements';
import { setUpTenant, signedInPerson, startTestServer, type TestServer, testEngines, type WebClient } from '@kite/testing/test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * What a history page costs in SQL: every statement the server sends is recorded
 * (`onEveryStatement`, as bench/servers/kite-seeded.ts counts them), and a page's are the ones sent while it was asked
 * for, less the outbox dispatcher's polls, which run on their own timer.
 */

const recorded: string[] = [];
let recording = false;

/** The statements `request` made the server send (the dispatcher's aside). */
async function statementsOf<T>(request: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  recorded.length = 0;
  recording = true;
  try {
    const result = await request();
    return { result, statements: recorded.filter((text) => !/\b(outbox|event_fanout|event_delivery)\b/.test(text)) };
  } finally {
    recording = false;
  }
}

const text = (value: string) => JSON.stringify({ text: value });

describe.each(testEngines())('history page statements (%s)', (engine) => {
  let server: TestServer;
  const clock = new ManualClock(Date.UTC(2026, 5, 1, 9));
  let alice: { client: WebClient; user: UserView };
  let bob: { client: WebClient; user: UserView };
  let carol: { client: WebClient; user: UserView };

  let stopRecording: () => void;

  beforeAll(async () => {
    stopRecording = onEveryStatement((text) => {
      if (recording) recorded.push(text);
    });
    server = await startTestServer({ engine, clock });
    const { admin } = await setUpTenant(server);
    alice = await signedInPerson<UserView>(admin, 'Alice', 'alice@acme.test');
    bob = await signedInPerson<UserView>(admin, 'Bob', 'bob@acme.test');
    carol = await signedInPerson<UserView>(admin, 'Carol', 'carol@acme.test');
  });

  afterAll(async () => {
    await server?.close();
    stopRecording?.();
  });

  async function send(client: WebClient, chatId: string, content: string, extra: Record<string, unknown> = {}) {
    const sent = await client.post<MessageView>(`/api/im/chats/${chatId}/messages`, { msgType: 'text', content, ...extra });
    expect(sent.status).toBe(200);
    return sent.body;
  }

  it('reads a group page with reply counts, reactions, receipts and new replies in four statements, a thread in four', async () => {
    const chat = (
      await alice.client.post<ChatView>('/api/im/chats', { chatType: 'group', name: 'Team', userIds: [bob.user.id, carol.user.id] })
    ).body;
    const root = await send(alice.client, chat.id, text('plan'));
    await send(bob.client, chat.id, text('one'), { parentId: root.id, replyInThread: true });
    await send(carol.client, chat.id, text('two'), { parentId: root.id, replyInThread: true });
    const last = await send(bob.client, chat.id, text('later'));
    expect((await bob.client.post(`/api/im/messages/${root.id}/reactions`, { emojiType: 'THUMBSUP' })).status).toBe(200);
    clock.advance(1000); // reactions show in the order they were made
    expect((await carol.client.post(`/api/im/messages/${root.id}/reactions`, { emojiType: 'OK' })).status).toBe(200);
    await alice.client.get(`/api/im/chats/${chat.id}/messages?limit=50`); // the session's first read

    const page = await statementsOf(() =>
      alice.client.get<{ items: MessageView[]; hasMore: boolean }>(`/api/im/chats/${chat.id}/messages?limit=50`),
    );
    const items = page.result.body.items;
    expect(items.find((item) => item.id === root.id)).toMatchObject({
      replyCount: 2,
      unreadReplyCount: 2,
      reactions: [
        { emojiType: 'THUMBSUP', count: 1, reactedByMe: false },
        { emojiType: 'OK', count: 1, reactedByMe: false },
      ],
      unreadCount: 0, // Bob and Carol read it by replying
    });
    // Alice (by the root) and Carol (by her reply) read up to before it.
    expect(items.find((item) => item.id === last.id)).toMatchObject({ replyCount: 0, unreadReplyCount: 0, reactions: [], unreadCount: 2 });
    // The chat and the membership, the page with everything the viewer sees of each message, the
    // directory, the viewer's cards only they see.
    expect(page.statements).toHaveLength(4);

    const thread = await statementsOf(() =>
      carol.client.get<{ items: MessageView[] }>(`/api/im/chats/${chat.id}/messages?limit=50&threadRootId=${root.id}`),
    );
    expect(thread.result.body.items.map((item) => item.content)).toEqual([text('plan'), text('one'), text('two')]);
    expect(thread.result.body.items[0]).toMatchObject({ replyCount: 2, unreadReplyCount: 0 });
    // The chat and the membership, the root, the page, the directory.
    expect(thread.statements).toHaveLength(4);
  });
});
