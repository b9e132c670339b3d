import type { UserView } from '@kite/contact/contract';
import type { ChatView, MessageView } from '@kite/im/contract';
import { setUpTenant, signedInPerson, startTestServer, type TestServer, testEngines, type WebClient } from '@kite/testing/test-server';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * A send answers the message presented from what it wrote (no read-back), and costs the outbox
 * consumers nothing they do not need: these check the answer is what a later read shows, and that
 * a message in a chat without bots is never fanned out to apps.
 */

const text = (value: string) => JSON.stringify({ text: value });

describe.each(testEngines())('sending a message (%s)', (engine) => {
  let server: TestServer;
  let alice: { client: WebClient; user: UserView };
  let bob: { client: WebClient; user: UserView };
  let carol: { client: WebClient; user: UserView };
  let chat: ChatView;

  async function send(client: WebClient, content: string, extra: Record<string, unknown> = {}) {
    const response = await client.post<MessageView>(`/api/im/chats/${chat.id}/messages`, { msgType: 'text', content, ...extra });
    expect(response.status).toBe(200);
    return response.body;
  }

  async function listed(client: WebClient, id: string, query = '') {
    const page = await client.get<{ items: MessageView[] }>(`/api/im/chats/${chat.id}/messages${query}`);
    return page.body.items.find((item) => item.id === id);
  }

  beforeAll(async () => {
    server = await startTestServer({ engine });
    const { admin } = await setUpTenant(server);
    alice = await signedInPerson<UserView>(admin, 'Alice', 'alice@acme.test');
    bob = await signedInPerson<UserView>(admin, 'Bob', 'bob@acme.test');
    carol = await signedInPerson<UserView>(admin, '王小明', 'carol@acme.test');
    chat = (await alice.client.post<ChatView>('/api/im/chats', { chatType: 'group', name: 'Team', userIds: [bob.user.id, carol.user.id] }))
      .body;
  });

  afterAll(async () => {
    await server?.close();
  });

  it('answers exactly what a later read shows: sender, mentions, unread count, thread', async () => {
    const first = await send(alice.client, text('first'));
    // Bob has read everything so far; the next message is unread for him and Carol alike.
    await bob.client.post(`/api/im/chats/${chat.id}/read`, { seq: first.seq });
    const sent = await send(alice.client, text(`hi <at user_id="${bob.user.openId}">Bob</at>, <at user_id="ou_nobody">Ghost</at>`));
    expect(sent).toMatchObject({ seq: first.seq + 1, unreadCount: 2, replyCount: 0, reactions: [], mentions: [{ id: bob.user.id }] });
    expect(sent).toEqual(await listed(alice.client, sent.id));

    const reply = await send(bob.client, text('a reply'), { parentId: sent.id, replyInThread: true });
    expect(reply).toMatchObject({ parentId: sent.id, rootId: sent.id, inThread: true, unreadCount: 2 });
    expect(reply).toEqual(await listed(bob.client, reply.id, `?threadRootId=${sent.id}`));
    expect(await listed(alice.client, sent.id)).toMatchObject({ replyCount: 1 });
  });

  it('answers a uuid repeat with the stored message as it is now', async () => {
    const sent = await send(carol.client, text('once'), { uuid: 'send-once-1' });
    await alice.client.post(`/api/im/messages/${sent.id}/reactions`, { emojiType: 'THUMBSUP' });
    const again = await send(carol.client, text('once (retried)'), { uuid: 'send-once-1' });
    expect(again.id).toBe(sent.id);
    expect(again).toEqual(await listed(carol.client, sent.id));
    expect(again.reactions).toEqual([{ emojiType: 'THUMBSUP', count: 1, reactedByMe: false }]);
  });

  it('does not fan a message out to apps when its chat has no bot', async () => {
    await send(alice.client, text('nobody but people here'));
    await server.kite.dispatcher.settle();
    const db = server.kite.database.db as unknown as Kysely<{
      event_fanout: { outbox_seq: number; domain_event: { type: string } };
      event_delivery: { id: string };
    }>;
    // Directory events of the set-up may still wait for the worker; no chat event is ever recorded.
    const fanout = await db.selectFrom('event_fanout').select('domain_event').execute();
    expect(fanout.filter((row) => row.domain_event.type.startsWith('im.'))).toEqual([]);
    expect(await db.selectFrom('event_delivery').select('id').execute()).toEqual([]);
  });
});
