import type { UserView } from '@kite/contact/contract';
import type { ChatView, MessageView } from '@kite/im/contract';
import {
  setUpTenant,
  signedInPerson,
  startTestServer,
  type TestServer,
  testEngines,
  type WebClient,
  waitFor,
} from '@kite/testing/test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

/**
 * Threads and unread counts, and opening a thread reply by id (docs/internal-api.md § Messenger):
 * a thread reply counts as unread only for those who take part in its thread.
 */

type Person = { client: WebClient; user: UserView };
type Frame = { t?: string; type?: string; payload?: { message: { id: string }; threadRootUserId?: string } };
type MessagePage = { items: MessageView[]; hasMore: boolean; hasNewer?: boolean; threadRootId?: string };
const text = (value: string) => JSON.stringify({ text: value });

describe.each(testEngines())('messenger thread unread (%s)', (engine) => {
  let server: TestServer;
  let alice: Person;
  let bob: Person;
  let carol: Person;
  let dave: Person;
  let socket: WebSocket | undefined;

  async function send(person: Person, chatId: string, content: string, extra: Record<string, unknown> = {}) {
    const answer = await person.client.post<MessageView>(`/api/im/chats/${chatId}/messages`, { msgType: 'text', content, ...extra });
    expect(answer.status).toBe(200);
    return answer.body;
  }

  async function unread(person: Person, chatId: string) {
    const chat = (await person.client.get<ChatView>(`/api/im/chats/${chatId}`)).body;
    const list = (await person.client.get<{ items: ChatView[]; totalUnread: number }>('/api/im/chats')).body;
    const listed = list.items.find((item) => item.id === chatId)!;
    // The chat, its row in the list and the total agree (the person has no other unread chat).
    expect(listed.unreadCount).toBe(chat.unreadCount);
    expect(list.totalUnread).toBe(chat.unreadCount);
    return { count: chat.unreadCount, mentions: chat.unreadMentionCount };
  }

  async function readUpTo(person: Person, chatId: string, seq: number) {
    return (await person.client.post<{ lastReadSeq: number; unreadCount: number }>(`/api/im/chats/${chatId}/read`, { seq })).body;
  }

  beforeAll(async () => {
    server = await startTestServer({ engine });
    const { admin } = await setUpTenant(server);
    alice = await signedInPerson<UserView>(admin, 'Alice', 'alice@acme.test');
    bob = await signedInPerson<UserView>(admin, 'Bob', 'bob@acme.test');
    carol = await signedInPerson<UserView>(admin, 'Carol', 'carol@acme.test');
    dave = await signedInPerson<UserView>(admin, 'Dave', 'dave@acme.test');
  });

  afterAll(async () => {
    socket?.close();
    await server?.close();
  });

  it('counts thread replies for the root author, those who replied and those mentioned, not for the others', async () => {
    const created = await alice.client.post<ChatView>('/api/im/chats', {
      chatType: 'group',
      name: 'Launch',
      userIds: [bob.user.id, carol.user.id, dave.user.id],
    });
    const chat = created.body;
    const root = await send(alice, chat.id, text('launch plan'));
    for (const person of [bob, carol, dave]) await readUpTo(person, chat.id, root.seq);
    expect((await unread(carol, chat.id)).count).toBe(0);

    // Bob answers in the thread: Alice wrote the root; Carol and Dave take no part.
    const first = await send(bob, chat.id, text('looks good'), { parentId: root.id, replyInThread: true });
    expect(await unread(alice, chat.id)).toEqual({ count: 1, mentions: 0 });
    expect((await unread(carol, chat.id)).count).toBe(0);
    expect((await unread(dave, chat.id)).count).toBe(0);

    // Carol answers Bob's reply (it stays in the thread) and mentions Dave: Bob replied in the thread.
    const second = await send(carol, chat.id, text(`ask <at user_id="${dave.user.openId}">Dave</at>`), { parentId: first.id });
    expect(second.inThread).toBe(true);
    expect(await unread(alice, chat.id)).toEqual({ count: 2, mentions: 0 });
    expect((await unread(bob, chat.id)).count).toBe(1);
    expect(await unread(dave, chat.id)).toEqual({ count: 1, mentions: 1 });
    expect((await unread(carol, chat.id)).count).toBe(0);

    // A timeline message counts for everyone but its sender; Carol now takes part in the thread.
    const note = await send(bob, chat.id, text('standup moved'));
    expect((await unread(alice, chat.id)).count).toBe(3);
    expect((await unread(carol, chat.id)).count).toBe(1);
    expect((await unread(dave, chat.id)).count).toBe(2);
    // Reading answers the same count from any position; a read up to the end clears it.
    expect(await readUpTo(dave, chat.id, second.seq)).toEqual({ lastReadSeq: second.seq, unreadCount: 1 });
    const third = await send(dave, chat.id, text('on it'), { parentId: root.id, replyInThread: true });
    expect((await unread(carol, chat.id)).count).toBe(2);
    expect(await readUpTo(carol, chat.id, note.seq)).toEqual({ lastReadSeq: note.seq, unreadCount: 1 });
    expect(await readUpTo(alice, chat.id, third.seq)).toEqual({ lastReadSeq: third.seq, unreadCount: 0 });
    expect(await unread(alice, chat.id)).toEqual({ count: 0, mentions: 0 });
  });

  it('answers the page around a thread reply with its root, and names the thread', async () => {
    const chat = (await alice.client.post<ChatView>('/api/im/chats', { chatType: 'group', name: 'Links', userIds: [bob.user.id] })).body;
    const before = await send(alice, chat.id, text('before'));
    const root = await send(alice, chat.id, text('root'));
    const reply = await send(bob, chat.id, text('in thread'), { parentId: root.id, replyInThread: true });
    const after = await send(bob, chat.id, text('after'));

    for (const ref of [reply.messageId, reply.id]) {
      const page = (await bob.client.get<MessagePage>(`/api/im/chats/${chat.id}/messages?aroundMessageId=${ref}&limit=10`)).body;
      expect(page.threadRootId).toBe(root.id);
      const ids = page.items.map((message) => message.id);
      expect(ids).toEqual(expect.arrayContaining([before.id, root.id, after.id]));
      expect(ids).not.toContain(reply.id);
    }
    const timeline = (await bob.client.get<MessagePage>(`/api/im/chats/${chat.id}/messages?aroundMessageId=${after.messageId}`)).body;
    expect(timeline.threadRootId).toBeUndefined();
    expect(timeline.items.map((message) => message.id)).toContain(after.id);
    // The root itself is in the timeline: no thread to open.
    const atRoot = (await bob.client.get<MessagePage>(`/api/im/chats/${chat.id}/messages?aroundMessageId=${root.messageId}`)).body;
    expect(atRoot.threadRootId).toBeUndefined();
  });

  it('tells the web whose root a new thread reply answers, so it counts the reply live for them', async () => {
    const chat = (await alice.client.post<ChatView>('/api/im/chats', { chatType: 'group', name: 'Live', userIds: [bob.user.id] })).body;
    const root = await send(alice, chat.id, text('root'));
    const frames: Frame[] = [];
    socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws/client`, { headers: { cookie: alice.client.cookieHeader() } });
    socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
    await waitFor(() => (frames.some((frame) => frame.t === 'hello') ? true : undefined), 'hello');

    const reply = await send(bob, chat.id, text('in thread'), { parentId: root.id, replyInThread: true });
    const plain = await send(bob, chat.id, text('in the timeline'));
    const created = (id: string) => () => frames.find((frame) => frame.type === 'im.message.created' && frame.payload?.message.id === id);
    expect((await waitFor(created(reply.id), 'the thread reply'))!.payload!.threadRootUserId).toBe(alice.user.id);
    expect((await waitFor(created(plain.id), 'the timeline message'))!.payload!.threadRootUserId).toBeUndefined();
  });
});
