import { readFileSync } from 'node:fs';
import type { UserView } from '@kite/contact/contract';
import type { ChatView, MessageEventPayload, MessageView } from '@kite/im/contract';
import { CLOSE_TOO_SLOW } from '@kite/realtime/contract';
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

async function waitFor(done: () => boolean, what: string, timeoutMs = 10_000) {
  for (let waited = 0; !done(); waited += 20) {
    if (waited > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One field of a /proc/sys/net/ipv4 buffer setting (min, default, max), or `fallback` off Linux. */
function kernelBytes(setting: string, field: number, fallback: number): number {
  try {
    return Number(readFileSync(`/proc/sys/net/ipv4/${setting}`, 'utf8').trim().split(/\s+/)[field]);
  } catch {
    return fallback;
  }
}

/**
 * Bytes a client that stops reading can leave unsent before the gateway cuts it: the gateway's 4 MiB,
 * plus what the kernel takes off the server's hands (the send buffer grows to `tcp_wmem`'s maximum;
 * a receive buffer that is never read stays near `tcp_rmem`'s default), with half again to spare.
 */
function bytesToOverflow(): number {
  const kernel = kernelBytes('tcp_wmem', 2, 16 * 1024 * 1024) + 2 * kernelBytes('tcp_rmem', 1, 1024 * 1024);
  return 1.5 * (4 * 1024 * 1024 + kernel);
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

  /**
   * A socket that, after `dropAfter(drops)` messages on a connection, drops it (no close handshake)
   * and reconnects at once with `?after=` the last sequence it applied, as the web client does. Frames
   * a dropped connection still hands over are ignored: they were not applied, so they must come again.
   */
  function droppingClient(client: WebClient, dropAfter: (drops: number) => number) {
    const events: Frame[] = [];
    let lastSeq: number | undefined;
    let drops = 0;
    const open = () => {
      const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws/client${lastSeq === undefined ? '' : `?after=${lastSeq}`}`, {
        headers: { cookie: client.cookieHeader() },
      });
      sockets.push(socket);
      let received = 0;
      let dropped = false;
      socket.on('message', (data) => {
        if (dropped) return;
        const frame = JSON.parse(String(data)) as Frame;
        if (frame.seq !== undefined) lastSeq = frame.seq;
        if (frame.t !== 'event') return;
        events.push(frame);
        if (frame.type === 'im.message.created' && ++received >= dropAfter(drops)) {
          dropped = true;
          drops++;
          socket.terminate();
          open();
        }
      });
    };
    open();
    return {
      events,
      drops: () => drops,
      messageIds: () => events.filter((f) => f.type === 'im.message.created').map((f) => f.payload!.message!.id),
      ready: () => waitFor(() => lastSeq !== undefined, 'hello'),
    };
  }

  it('under load, clients that keep dropping get every message once, in order', async () => {
    const { alice, bob, carol } = people;
    const dave = await addSignedInPerson(server, admin, 'dave');
    const readers = [];
    for (const name of ['erin', 'frank', 'grace', 'heidi', 'ivan']) readers.push(await addSignedInPerson(server, admin, name));
    const senders = [alice, bob, carol, dave];
    const chat = (
      await alice.client.post<ChatView>('/api/im/chats', {
        chatType: 'group',
        name: 'Busy',
        userIds: [...senders, ...readers].map((person) => person.user.id).filter((id) => id !== alice.user.id),
      })
    ).body;
    // Every reader drops after 40 to 120 messages on each connection, differently each time.
    const clients = readers.map((reader, index) => droppingClient(reader.client, (drops) => 40 + ((index * 31 + drops * 57) % 81)));
    await Promise.all(clients.map((c) => c.ready()));

    const sent: MessageView[] = [];
    await Promise.all(
      senders.map(async (sender, index) => {
        for (let k = 0; k < 125; k++) sent.push(await send(sender.client, chat.id, `from ${index}: ${k}`));
      }),
    );
    const expected = sent.sort((x, y) => x.seq - y.seq).map((message) => message.id);
    expect(expected).toHaveLength(500);
    for (const client of clients) {
      await waitFor(() => client.messageIds().length >= 500, 'every message on every reader', 60_000);
      expect(client.drops()).toBeGreaterThanOrEqual(4);
      expect(client.messageIds()).toEqual(expected);
      const seqs = client.events.map((f) => f.seq!);
      expect(seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!)).toBe(true);
    }
  }, 300_000);

  it('cuts a client that stops reading with 4008; it resumes and gets everything', async () => {
    const { alice, bob } = people;
    const chat = (await alice.client.post<ChatView>('/api/im/chats', { chatType: 'group', name: 'Firehose', userIds: [bob.user.id] })).body;
    const slow = connect(bob.client);
    await slow.ready();
    slow.socket.pause();
    const closed = new Promise<number>((resolve) => slow.socket.once('close', resolve));

    const filler = 'lorem ipsum dolor sit amet '.repeat(4500); // ~120 KB a message
    const sent: string[] = [];
    for (let k = 0; k * filler.length < bytesToOverflow(); k++) sent.push((await send(alice.client, chat.id, `${k} ${filler}`)).id);
    slow.socket.resume();
    expect(await closed).toBe(CLOSE_TOO_SLOW);
    // It was cut short: what it got before the close is a proper prefix of what was sent.
    const before = slow.messageIds();
    expect(before.length).toBeLessThan(sent.length);
    expect(before).toEqual(sent.slice(0, before.length));

    const lastSeq = slow.frames.filter((f) => f.seq !== undefined).at(-1)!.seq!;
    const resumed = connect(bob.client, lastSeq);
    await waitFor(() => before.length + resumed.messageIds().length >= sent.length, 'the rest after resuming', 60_000);
    expect([...before, ...resumed.messageIds()]).toEqual(sent);
    const seqs = [...slow.frames, ...resumed.frames].filter((f) => f.t === 'event').map((f) => f.seq!);
    expect(seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!)).toBe(true);
  }, 300_000);

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
