import type { UserView } from '@kite/contact/contract';
import type { ChatView, MessageEventPayload, MessageView } from '@kite/im/contract';
import { addSignedInPerson, setUpTenant, startTestServer, type TestServer, testEngines, type WebClient } from '@kite/testing/test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

/** Messenger events on `/ws/client`: only chat members get them, in order, resumable, following membership. */

interface Frame {
  t: string;
  seq?: number;
  type?: string;
  payload?: Partial<MessageEventPayload> & { chatId?: string; message?: { id: string } };
}

const text = (value: string) => JSON.stringify({ text: value });

async function waitFor(done: () => boolean, what: string) {
  for (let waited = 0; !done(); waited += 20) {
    if (waited > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(testEngines())('messenger realtime (%s)', (engine) => {
  let server: TestServer;
  let admin: WebClient;
  const people: Record<'alice' | 'bob' | 'carol', { client: WebClient; user: UserView }> = {} as never;
  const sockets: WebSocket[] = [];

  function connect(client: WebClient, after?: number) {
    const frames: Frame[] = [];
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws/client${after === undefined ? '' : `?after=${after}`}`, {
      headers: { cookie: client.cookieHeader() },
    });
    sockets.push(socket);
    socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
    const messageIds = () => frames.filter((f) => f.type === 'im.message.created').map((f) => f.payload!.message!.id);
    return { frames, socket, messageIds, ready: () => waitFor(() => frames.some((f) => f.t === 'hello'), 'hello') };
  }

  async function send(client: WebClient, chatId: string, body: string) {
    const response = await client.post<MessageView>(`/api/im/chats/${chatId}/messages`, { msgType: 'text', content: text(body) });
    expect(response.status).toBe(200);
    return response.body;
  }

  beforeAll(async () => {
    server = await startTestServer({ engine });
    ({ admin } = await setUpTenant(server));
    for (const name of ['alice', 'bob', 'carol'] as const) people[name] = await addSignedInPerson(server, admin, name);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server?.close();
  });

  it('delivers a chat’s messages to its members only', async () => {
    const { alice, bob, carol } = people;
    const chat = (await alice.client.post<ChatView>('/api/im/chats', { chatType: 'p2p', userId: bob.user.id })).body;
    const a = connect(alice.client);
    const b = connect(bob.client);
    const c = connect(carol.client);
    await Promise.all([a.ready(), b.ready(), c.ready()]);

    const message = await send(alice.client, chat.id, 'for bob only');
    // Carol's socket is a witness: an event she may see, sent after the message, must arrive first.
    const own = (await carol.client.post<ChatView>('/api/im/chats', { chatType: 'group', name: 'Carol alone' })).body;
    await waitFor(() => b.messageIds().includes(message.id) && a.messageIds().includes(message.id), 'members receive');
    await waitFor(() => c.frames.some((f) => f.type === 'im.chat.created' && f.payload?.chatId === own.id), 'carol’s own event');
    expect(c.messageIds()).not.toContain(message.id);
    expect(JSON.stringify(c.frames)).not.toContain(chat.id);
    // The payload is self-contained: the web applies it without a fetch.
    const frame = b.frames.find((f) => f.type === 'im.message.created')!;
    expect(frame.payload).toMatchObject({ chatId: chat.id, message: { id: message.id, seq: 1, content: text('for bob only') } });

    // A read goes to the reader's other tabs and to the people whose messages it covers (live receipts).
    const second = connect(bob.client);
    await second.ready();
    await bob.client.post(`/api/im/chats/${chat.id}/read`, { seq: 1 });
    await waitFor(() => second.frames.some((f) => f.type === 'im.read'), 'read on the other tab');
    await send(alice.client, chat.id, 'after the read');
    await waitFor(() => a.messageIds().length === 2, 'alice’s second message');
    const receipt = a.frames.find((f) => f.type === 'im.read');
    expect(receipt?.payload).toMatchObject({ userId: bob.user.id, previousReadSeq: 0, lastReadSeq: 1, senderUserIds: [alice.user.id] });
    expect(c.frames.some((f) => f.type === 'im.read')).toBe(false);
  });

  it('resumes with ?after= and gets every missed message exactly once, in order', async () => {
    const { alice, bob } = people;
    const chat = (await alice.client.post<ChatView>('/api/im/chats', { chatType: 'group', name: 'Resume', userIds: [bob.user.id] })).body;
    const live = connect(bob.client);
    await live.ready();
    const first = await send(alice.client, chat.id, 'one');
    await waitFor(() => live.messageIds().includes(first.id), 'first live');
    const lastSeq = live.frames.filter((f) => f.t === 'event').at(-1)!.seq!;
    live.socket.close();

    const missed = [];
    for (const body of ['two', 'three', 'four']) missed.push((await send(alice.client, chat.id, body)).id);
    await server.kite.dispatcher.settle();
    const resumed = connect(bob.client, lastSeq);
    await resumed.ready();
    const after = await send(alice.client, chat.id, 'five');
    await waitFor(() => resumed.messageIds().includes(after.id), 'live after resume');
    expect(resumed.messageIds()).toEqual([...missed, after.id]);
    const seqs = resumed.frames.filter((f) => f.t === 'event').map((f) => f.seq!);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('starts and stops delivery when membership changes', async () => {
    const { alice, bob, carol } = people;
    const chat = (await alice.client.post<ChatView>('/api/im/chats', { chatType: 'group', name: 'Moving', userIds: [bob.user.id] })).body;
    const c = connect(carol.client);
    await c.ready();
    const before = await send(alice.client, chat.id, 'before carol');

    await alice.client.post(`/api/im/chats/${chat.id}/members`, { userIds: [carol.user.id] });
    await waitFor(() => c.frames.some((f) => f.type === 'im.chat.members_added'), 'carol sees she was added');
    const during = await send(alice.client, chat.id, 'welcome carol');
    await waitFor(() => c.messageIds().includes(during.id), 'carol receives after joining');
    expect(c.messageIds()).not.toContain(before.id);

    await alice.client.delete(`/api/im/chats/${chat.id}/members`, { userIds: [carol.user.id] });
    await waitFor(() => c.frames.some((f) => f.type === 'im.chat.members_removed'), 'carol sees her removal');
    const afterRemoval = await send(alice.client, chat.id, 'carol is gone');
    // Witness: a later event carol may see proves the removed chat's message was not just slow.
    const witness = (await carol.client.post<ChatView>('/api/im/chats', { chatType: 'group', name: 'Witness' })).body;
    await waitFor(() => c.frames.some((f) => f.type === 'im.chat.created' && f.payload?.chatId === witness.id), 'witness');
    expect(c.messageIds()).not.toContain(afterRemoval.id);
  });
});
