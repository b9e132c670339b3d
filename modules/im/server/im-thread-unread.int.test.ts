import type { UserView } from '@kite/contact/contract';
import type { ChatView, MessageView, ThreadReadEventPayload } from '@kite/im/contract';
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
 * a thread reply counts as unread only for those who take part in its thread, against that
 * thread's own read position; threads page by seq.
 */

type Person = { client: WebClient; user: UserView };
type Frame = {
  t?: string;
  type?: string;
  payload?: { message: { id: string }; threadRootUserId?: string; rootId?: string; userId?: string; unreadReplyCount?: number };
};
/** A thread read's answer: the event's payload without the reader. */
type ThreadRead = Omit<ThreadReadEventPayload, 'userId'>;
type MessagePage = { items: MessageView[]; hasMore: boolean; hasNewer?: boolean; threadRootId?: string };
const text = (value: string) => JSON.stringify({ text: value });

describe.each(testEngines())('messenger thread unread (%s)', (engine) => {
  let server: TestServer;
  let alice: Person;
  let bob: Person;
  let carol: Person;
  let dave: Person;
  let admin: WebClient;
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
    return (
      await person.client.post<{ lastReadSeq: number; unreadCount: number; unreadThreadReplyCount: number }>(
        `/api/im/chats/${chatId}/read`,
        {
          seq,
        },
      )
    ).body;
  }

  async function readThread(person: Person, chatId: string, rootId: string, seq: number) {
    const answer = await person.client.post<ThreadRead>(`/api/im/chats/${chatId}/threads/${rootId}/read`, { seq });
    expect(answer.status).toBe(200);
    return answer.body;
  }

  /** The root's "N new replies" for the person, as their timeline page shows it. */
  async function newReplies(person: Person, chatId: string, rootId: string) {
    const page = (await person.client.get<MessagePage>(`/api/im/chats/${chatId}/messages`)).body;
    return page.items.find((message) => message.id === rootId)!.unreadReplyCount;
  }

  function openSocket(person: Person, frames: Frame[]) {
    const opened = new WebSocket(`${server.url.replace('http', 'ws')}/ws/client`, { headers: { cookie: person.client.cookieHeader() } });
    opened.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
    return opened;
  }

  beforeAll(async () => {
    server = await startTestServer({ engine });
    ({ admin } = await setUpTenant(server));
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
    // Reading the chat reads its timeline only: thread replies wait for their thread to be read.
    expect(await readUpTo(dave, chat.id, second.seq)).toEqual({ lastReadSeq: second.seq, unreadCount: 2, unreadThreadReplyCount: 1 });
    // Replying in a thread reads what came before in it (nothing written on the send path).
    const third = await send(dave, chat.id, text('on it'), { parentId: root.id, replyInThread: true });
    expect(await unread(dave, chat.id)).toEqual({ count: 0, mentions: 0 });
    expect((await unread(carol, chat.id)).count).toBe(2);
    expect(await readUpTo(carol, chat.id, note.seq)).toEqual({ lastReadSeq: note.seq, unreadCount: 1, unreadThreadReplyCount: 1 });
    expect(await readUpTo(alice, chat.id, third.seq)).toEqual({ lastReadSeq: third.seq, unreadCount: 3, unreadThreadReplyCount: 3 });
    expect(await newReplies(alice, chat.id, root.id)).toBe(3);
    expect(await newReplies(carol, chat.id, root.id)).toBe(1);
    expect(await newReplies(bob, chat.id, root.id)).toBe(2);

    // Alice reads the thread part of the way, then to its end (a later seq is capped at its newest reply).
    expect(await readThread(alice, chat.id, root.id, first.seq)).toEqual({
      chatId: chat.id,
      rootId: root.id,
      lastReadSeq: first.seq,
      unreadReplyCount: 2,
      chatUnreadCount: 2,
      chatUnreadThreadReplyCount: 2,
      chatUnreadMentionCount: 0,
    });
    expect((await unread(alice, chat.id)).count).toBe(2);
    expect(await readThread(alice, chat.id, root.id, third.seq + 100)).toMatchObject({
      lastReadSeq: third.seq,
      unreadReplyCount: 0,
      chatUnreadCount: 0,
    });
    // Never back.
    expect(await readThread(alice, chat.id, root.id, 0)).toMatchObject({ lastReadSeq: third.seq, unreadReplyCount: 0 });
    expect(await unread(alice, chat.id)).toEqual({ count: 0, mentions: 0 });
    expect(await newReplies(alice, chat.id, root.id)).toBe(0);
    // Dave's mention goes with his thread read; Carol's and Bob's reads are their own.
    expect((await readThread(bob, chat.id, root.id, third.seq)).chatUnreadCount).toBe(0);
    expect(await newReplies(carol, chat.id, root.id)).toBe(1);
    // A timeline message is unread again for Alice; the thread stays read.
    await send(bob, chat.id, text('one more'));
    expect(await unread(alice, chat.id)).toEqual({ count: 1, mentions: 0 });
  });

  it('refuses thread reads of what is not a thread root of the chat, of strangers and bad input, with nothing stored', async () => {
    const chat = (await alice.client.post<ChatView>('/api/im/chats', { chatType: 'group', name: 'Refusals', userIds: [bob.user.id] })).body;
    const other = (await alice.client.post<ChatView>('/api/im/chats', { chatType: 'group', name: 'Other', userIds: [bob.user.id] })).body;
    const root = await send(alice, chat.id, text('root'));
    const reply = await send(bob, chat.id, text('reply'), { parentId: root.id, replyInThread: true });
    const elsewhere = await send(alice, other.id, text('elsewhere'));
    const post = (person: Person, chatId: string, rootId: string, body: unknown) =>
      person.client.post<{ error?: { code: string } }>(`/api/im/chats/${chatId}/threads/${rootId}/read`, body);
    expect((await post(alice, chat.id, reply.id, { seq: reply.seq })).status).toBe(404);
    expect((await post(alice, chat.id, elsewhere.id, { seq: 10 })).status).toBe(404);
    expect((await post(alice, chat.id, 'om_missing', { seq: 10 })).status).toBe(404);
    expect((await post(carol, chat.id, root.id, { seq: reply.seq })).status).toBe(403);
    for (const body of [{}, { seq: -1 }, { seq: 'x' }, { seq: 1.5 }]) {
      const answer = await post(alice, chat.id, root.id, body);
      expect(answer.status).toBe(400);
      expect(answer.body.error?.code).toBe('validation_failed');
    }
    expect(await newReplies(alice, chat.id, root.id)).toBe(1);
    // By the root's om_… id as well as its id.
    expect((await readThread(alice, chat.id, root.messageId, reply.seq)).unreadReplyCount).toBe(0);
  });

  it("tells the reader's other tabs of a thread read, and nobody else", async () => {
    const chat = (await alice.client.post<ChatView>('/api/im/chats', { chatType: 'group', name: 'Tabs', userIds: [bob.user.id] })).body;
    const root = await send(alice, chat.id, text('root'));
    const aliceFrames: Frame[] = [];
    const bobFrames: Frame[] = [];
    const aliceSocket = openSocket(alice, aliceFrames);
    const bobSocket = openSocket(bob, bobFrames);
    try {
      for (const frames of [aliceFrames, bobFrames]) {
        await waitFor(() => (frames.some((frame) => frame.t === 'hello') ? true : undefined), 'hello');
      }
      const reply = await send(bob, chat.id, text('in thread'), { parentId: root.id, replyInThread: true });
      await waitFor(() => aliceFrames.find((frame) => frame.payload?.message?.id === reply.id), 'the reply');
      await readThread(alice, chat.id, root.id, reply.seq);
      const read = await waitFor(() => aliceFrames.find((frame) => frame.type === 'im.thread.read'), 'the thread read');
      expect(read!.payload).toMatchObject({ rootId: root.id, userId: alice.user.id, unreadReplyCount: 0 });
      // A read that moves nothing tells nobody; Bob never hears of Alice's reads.
      await readThread(alice, chat.id, root.id, reply.seq);
      const marker = await send(alice, chat.id, text('marker'));
      await waitFor(() => bobFrames.find((frame) => frame.payload?.message?.id === marker.id), 'the marker');
      await waitFor(() => aliceFrames.find((frame) => frame.payload?.message?.id === marker.id), 'the marker');
      expect(aliceFrames.filter((frame) => frame.type === 'im.thread.read')).toHaveLength(1);
      expect(bobFrames.some((frame) => frame.type === 'im.thread.read')).toBe(false);
      // Reading is not administration: the audit log stays out of it.
      await server.kite.dispatcher.settle();
      const audit = await admin.get<{ items: Array<{ action: string }> }>('/api/admin/audit?limit=200');
      expect(audit.status).toBe(200);
      expect(audit.body.items.some((entry) => entry.action === 'im.thread.read')).toBe(false);
      expect(audit.body.items.some((entry) => entry.action === 'im.chat.created')).toBe(true);
    } finally {
      aliceSocket.close();
      bobSocket.close();
    }
  });

  it('pages a long thread by seq and answers the page around a reply deep in it', async () => {
    const chat = (await alice.client.post<ChatView>('/api/im/chats', { chatType: 'group', name: 'Long', userIds: [bob.user.id] })).body;
    const root = await send(alice, chat.id, text('root'));
    const replies: MessageView[] = [];
    for (let index = 0; index < 130; index++) {
      replies.push(await send(index % 2 ? alice : bob, chat.id, text(`r${index}`), { parentId: root.id, replyInThread: true }));
    }
    const base = `/api/im/chats/${chat.id}/messages?threadRootId=${root.id}`;
    const newest = (await alice.client.get<MessagePage>(`${base}&limit=100`)).body;
    expect(newest.items.map((message) => message.id)).toEqual(replies.slice(30).map((message) => message.id));
    expect(newest.hasMore).toBe(true);
    const older = (await alice.client.get<MessagePage>(`${base}&limit=100&before=${newest.items[0]!.seq}`)).body;
    expect(older.items.map((message) => message.id)).toEqual([root.id, ...replies.slice(0, 30).map((message) => message.id)]);
    expect(older.hasMore).toBe(false);

    const deep = replies[5]!;
    const around = (await alice.client.get<MessagePage>(`${base}&limit=100&aroundMessageId=${deep.messageId}`)).body;
    expect(around.items.map((message) => message.id)).toEqual([root.id, ...replies.slice(0, 55).map((message) => message.id)]);
    expect([around.hasMore, around.hasNewer, around.threadRootId]).toEqual([false, true, root.id]);
    const middle = (await alice.client.get<MessagePage>(`${base}&limit=20&aroundMessageId=${replies[60]!.id}`)).body;
    expect(middle.items.map((message) => message.id)).toEqual(replies.slice(50, 70).map((message) => message.id));
    expect([middle.hasMore, middle.hasNewer]).toEqual([true, true]);
    const newer = (await alice.client.get<MessagePage>(`${base}&limit=100&after=${middle.items.at(-1)!.seq}`)).body;
    expect(newer.items.map((message) => message.id)).toEqual(replies.slice(70).map((message) => message.id));

    // A message outside the thread is not around in it; around goes with no before/after.
    const outside = await send(alice, chat.id, text('timeline'));
    expect((await alice.client.get(`${base}&aroundMessageId=${outside.messageId}`)).status).toBe(404);
    expect((await alice.client.get(`${base}&aroundMessageId=${deep.id}&before=10`)).status).toBe(400);
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
    socket = openSocket(alice, frames);
    await waitFor(() => (frames.some((frame) => frame.t === 'hello') ? true : undefined), 'hello');

    const reply = await send(bob, chat.id, text('in thread'), { parentId: root.id, replyInThread: true });
    const plain = await send(bob, chat.id, text('in the timeline'));
    const created = (id: string) => () => frames.find((frame) => frame.type === 'im.message.created' && frame.payload?.message.id === id);
    expect((await waitFor(created(reply.id), 'the thread reply'))!.payload!.threadRootUserId).toBe(alice.user.id);
    expect((await waitFor(created(plain.id), 'the timeline message'))!.payload!.threadRootUserId).toBeUndefined();
  });
});
