import type { UserView } from '@kite/contact/contract';
import type { ChatView, MergedHistoryView, MergeForwardContent, MessageView } from '@kite/im/contract';
import { createSecondTenant, setUpTenant, startTestServer, type TestServer, testEngines, WebClient } from '@kite/testing/test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PIXEL_PNG } from './im-test-kit.ts';

/**
 * Forward, merge-forward and links to a message through the internal API: who may forward what to
 * where, mentions that do not notify again, images that stay readable for the target chat's
 * members (and nobody else), snapshots that later edits and recalls do not touch, bad input that
 * stores nothing, and the history page around one message.
 */

type ErrorBody = { error: { code: string; details?: { messageIds?: string[] } } };
type Person = { client: WebClient; user: UserView };
const text = (value: string) => JSON.stringify({ text: value });

describe.each(testEngines())('forward and merge-forward (%s)', (engine) => {
  let server: TestServer;
  let admin: WebClient;
  let alice: Person;
  let bob: Person;
  let carol: Person;
  let dave: Person;
  let other: WebClient;
  /** Alice (owner) and Bob. */
  let design: ChatView;
  /** Alice owns it; only admins post: Bob cannot. */
  let announcements: ChatView;

  async function person(name: string, email: string): Promise<Person> {
    const created = await admin.post<{ user: UserView }>('/api/contact/users', { name, email, password: 'person-password-1' });
    expect(created.status).toBe(200);
    const client = new WebClient(server.url);
    await client.login(email, 'person-password-1');
    return { client, user: created.body.user };
  }

  async function group(owner: WebClient, name: string, userIds: string[]) {
    return (await owner.post<ChatView>('/api/im/chats', { chatType: 'group', name, userIds })).body;
  }

  async function send(client: WebClient, chatId: string, msgType: string, content: string) {
    const sent = await client.post<MessageView>(`/api/im/chats/${chatId}/messages`, { msgType, content });
    expect(sent.status).toBe(200);
    return sent.body;
  }

  async function history(client: WebClient, chatId: string, query = '') {
    return (await client.get<{ items: MessageView[]; hasMore: boolean; hasNewer?: boolean }>(`/api/im/chats/${chatId}/messages${query}`))
      .body;
  }

  async function forward(client: WebClient, messageId: string, targets: { chatIds?: string[]; userIds?: string[] }) {
    return client.post<{ items: MessageView[] } & ErrorBody>(`/api/im/messages/${messageId}/forward`, targets);
  }

  async function mergeForward(client: WebClient, messageIds: string[], targets: { chatIds?: string[]; userIds?: string[] }) {
    return client.post<{ items: MessageView[] } & ErrorBody>('/api/im/messages/merge-forward', { messageIds, ...targets });
  }

  async function uploadImage(client: WebClient) {
    const response = await fetch(`${client.baseUrl}/api/im/images?name=pixel.png`, {
      method: 'POST',
      headers: { cookie: client.cookieHeader(), 'x-csrf-token': client.csrfToken, 'content-type': 'image/png' },
      body: new Uint8Array(PIXEL_PNG),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { key: string }).key;
  }

  async function canRead(client: WebClient, key: string): Promise<boolean> {
    const response = await fetch(`${client.baseUrl}/api/im/resources/${key}`, { headers: { cookie: client.cookieHeader() } });
    await response.arrayBuffer();
    return response.status === 200;
  }

  async function p2p(client: WebClient, userId: string) {
    return (await client.post<ChatView>('/api/im/chats', { chatType: 'p2p', userId })).body;
  }

  /** Every message id a client can see in these chats, to show that a refused call stored nothing. */
  async function everything(client: WebClient, chatIds: string[]) {
    const pages = await Promise.all(chatIds.map((chatId) => history(client, chatId)));
    return pages.flatMap((page) => page.items.map((message) => message.id));
  }

  beforeAll(async () => {
    server = await startTestServer({ engine });
    ({ admin } = await setUpTenant(server));
    alice = await person('Alice', 'alice@acme.test');
    bob = await person('Bob', 'bob@acme.test');
    carol = await person('Carol', 'carol@acme.test');
    dave = await person('Dave', 'dave@acme.test');
    other = (await createSecondTenant(server, 'Other Corp')).admin;
    design = await group(alice.client, 'Design', [bob.user.id]);
    announcements = await group(alice.client, 'Announcements', [bob.user.id, carol.user.id]);
    await alice.client.patch(`/api/im/chats/${announcements.id}`, { settings: { postPolicy: 'admins' } });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('forwards a message to a group and a person as the forwarder’s own copy, mentions kept as text', async () => {
    const original = await send(
      bob.client,
      design.id,
      'text',
      text(`ping <at user_id="${alice.user.openId}">Alice</at> and <at user_id="all">all</at>`),
    );
    expect(original.mentions).toHaveLength(1);
    const forwarded = await forward(alice.client, original.messageId, { chatIds: [announcements.chatId], userIds: [carol.user.id] });
    expect(forwarded.status).toBe(200);
    const [inGroup, toCarol] = forwarded.body.items;
    expect(inGroup).toMatchObject({
      chatId: announcements.id,
      msgType: 'text',
      sender: { id: alice.user.id },
      mentions: [],
      mentionsAll: false,
    });
    expect(JSON.parse(inGroup!.content)).toEqual({ text: 'ping @Alice and @all' });
    expect(toCarol!.chatId).toBe((await p2p(alice.client, carol.user.id)).id);
    expect(toCarol!.messageId).not.toBe(original.messageId);
    // Nobody is mentioned again: the copies count as unread but not as mentions.
    const carolChats = (await carol.client.get<{ items: ChatView[] }>('/api/im/chats')).body.items;
    expect(carolChats.find((chat) => chat.id === announcements.id)).toMatchObject({ unreadCount: 1, unreadMentionCount: 0 });
    // Bob sees the copy in the group as Alice's message.
    const seen = await history(bob.client, announcements.id);
    expect(seen.items.at(-1)).toMatchObject({ id: inGroup!.id, sender: { id: alice.user.id } });
  });

  it('refuses what the forwarder may not read or post, recalled messages and bad input, storing nothing', async () => {
    const original = await send(alice.client, design.id, 'text', text('for the team'));
    const chats = [design.id, announcements.id];
    const before = await everything(alice.client, chats);
    const code = async (call: Promise<{ status: number; body: ErrorBody }>) => {
      const answer = await call;
      return [answer.status, answer.body.error?.code];
    };
    // Carol is not in Design: she cannot read the message, so she cannot forward it.
    expect(await code(forward(carol.client, original.id, { chatIds: [announcements.id] }))).toEqual([403, 'not_chat_member']);
    // Bob may read it, but only admins post in Announcements; the p2p target before it gets nothing either.
    expect(await code(forward(bob.client, original.id, { userIds: [dave.user.id], chatIds: [announcements.id] }))).toEqual([
      403,
      'post_not_allowed',
    ]);
    expect((await bob.client.get<{ items: ChatView[] }>('/api/im/chats')).body.items.some((chat) => chat.peer?.id === dave.user.id)).toBe(
      false,
    );
    // A chat the forwarder is not in, a chat or message of another tenant, unknown ids.
    const carolsGroup = await group(carol.client, 'Carol only', [dave.user.id]);
    expect(await code(forward(alice.client, original.id, { chatIds: [carolsGroup.id] }))).toEqual([403, 'not_chat_member']);
    const foreign = await group(other, 'Foreign', []);
    const foreignMessage = await send(other, foreign.id, 'text', text('elsewhere'));
    expect(await code(forward(alice.client, original.id, { chatIds: [foreign.chatId] }))).toEqual([404, 'not_found']);
    expect(await code(forward(alice.client, foreignMessage.messageId, { chatIds: [design.id] }))).toEqual([404, 'not_found']);
    expect(await code(forward(alice.client, 'om_nothing', { chatIds: [design.id] }))).toEqual([404, 'not_found']);
    expect(await code(forward(alice.client, original.id, { userIds: ['no-such-user'] }))).toEqual([404, 'not_found']);
    // Bad input.
    expect(await code(forward(alice.client, original.id, {}))).toEqual([400, 'validation_failed']);
    expect(await code(forward(alice.client, original.id, { userIds: [alice.user.id] }))).toEqual([400, 'validation_failed']);
    const many = Array.from({ length: 21 }, (_, index) => `chat-${index}`);
    expect(await code(forward(alice.client, original.id, { chatIds: many }))).toEqual([400, 'validation_failed']);
    expect(await code(mergeForward(alice.client, [], { chatIds: [design.id] }))).toEqual([400, 'validation_failed']);
    const tooMany = Array.from({ length: 101 }, (_, index) => `om_${index}`);
    const limit = await mergeForward(alice.client, tooMany, { chatIds: [design.id] });
    expect(limit.status).toBe(400);
    expect(JSON.stringify(limit.body)).toContain('at most 100 messages');
    // Recalled messages cannot be forwarded, alone or in a merged history.
    const recalled = await send(alice.client, design.id, 'text', text('oops'));
    await alice.client.post(`/api/im/messages/${recalled.id}/recall`);
    expect(await code(forward(alice.client, recalled.id, { chatIds: [announcements.id] }))).toEqual([409, 'message_recalled']);
    const mixed = await mergeForward(alice.client, [original.id, recalled.id], { chatIds: [announcements.id] });
    expect(mixed.status).toBe(409);
    expect(mixed.body.error).toMatchObject({ code: 'messages_unavailable', details: { messageIds: [recalled.id] } });
    // Messages of two chats do not merge.
    const elsewhere = await send(alice.client, announcements.id, 'text', text('other chat'));
    expect(await code(mergeForward(alice.client, [original.id, elsewhere.id], { chatIds: [design.id] }))).toEqual([
      400,
      'messages_from_several_chats',
    ]);
    const after = await everything(alice.client, chats);
    expect(after.sort()).toEqual([...before, recalled.id, elsewhere.id].sort());
  });

  it('keeps forwarded images readable for the target chat’s members and nobody else, after the original goes', async () => {
    const imageKey = await uploadImage(bob.client);
    const image = await send(bob.client, design.id, 'image', JSON.stringify({ image_key: imageKey }));
    expect(await canRead(carol.client, imageKey)).toBe(false);
    const forwarded = await forward(bob.client, image.id, { userIds: [carol.user.id] });
    expect(forwarded.status).toBe(200);
    expect(forwarded.body.items[0]).toMatchObject({ msgType: 'image', content: JSON.stringify({ image_key: imageKey }) });
    expect(await canRead(carol.client, imageKey)).toBe(true);
    expect(await canRead(dave.client, imageKey)).toBe(false);
    expect(await canRead(other, imageKey)).toBe(false);
    // The original recalled: the copy still refers to the image.
    await bob.client.post(`/api/im/messages/${image.id}/recall`);
    expect(await canRead(carol.client, imageKey)).toBe(true);
    // The copy recalled too: nothing left that Carol is in refers to it.
    await bob.client.post(`/api/im/messages/${forwarded.body.items[0]!.id}/recall`);
    expect(await canRead(carol.client, imageKey)).toBe(false);
  });

  it('merge-forwards a snapshot that later edits and recalls of the originals do not touch', async () => {
    const imageKey = await uploadImage(alice.client);
    const first = await send(alice.client, design.id, 'text', text(`plan for <at user_id="${bob.user.openId}">Bob</at>`));
    const picture = await send(
      bob.client,
      design.id,
      'post',
      JSON.stringify({ zh_cn: { title: 'Mock', content: [[{ tag: 'img', image_key: imageKey }]] } }),
    );
    const last = await send(bob.client, design.id, 'text', text('ship it'));
    // Asked out of order: the history keeps the chat's order.
    const merged = await mergeForward(alice.client, [last.messageId, first.id, picture.id], { userIds: [carol.user.id] });
    expect(merged.status).toBe(200);
    const [message] = merged.body.items;
    expect(message).toMatchObject({ msgType: 'merge_forward', sender: { id: alice.user.id }, mentions: [] });
    const header = JSON.parse(message!.content) as MergeForwardContent;
    expect(header).toEqual({
      source: { chat_type: 'group', name: 'Design' },
      count: 3,
      preview: [
        { sender: 'Alice', msg_type: 'text', text: 'plan for @Bob' },
        { sender: 'Bob', msg_type: 'post', text: 'Mock' },
        { sender: 'Bob', msg_type: 'text', text: 'ship it' },
      ],
    });
    // Carol reads the history and its image; Dave, who is in neither chat, reads neither.
    const read = async (client: WebClient) => client.get<MergedHistoryView & ErrorBody>(`/api/im/messages/${message!.messageId}/merged`);
    const snapshot = (await read(carol.client)).body;
    expect(snapshot.items.map((item) => [item.messageId, item.upperMessageId, item.sender?.name])).toEqual([
      [first.messageId, message!.messageId, 'Alice'],
      [picture.messageId, message!.messageId, 'Bob'],
      [last.messageId, message!.messageId, 'Bob'],
    ]);
    expect(JSON.parse(snapshot.items[0]!.content)).toEqual({ text: 'plan for @Bob' });
    expect(await canRead(carol.client, imageKey)).toBe(true);
    expect((await read(dave.client)).body.error.code).toBe('not_chat_member');
    expect(await canRead(dave.client, imageKey)).toBe(false);
    // Edits and recalls of the originals stay out of the snapshot.
    await bob.client.patch(`/api/im/messages/${last.id}`, { content: text('do not ship') });
    await bob.client.post(`/api/im/messages/${picture.id}/recall`);
    const later = (await read(carol.client)).body;
    expect(later.items.map((item) => item.content)).toEqual(snapshot.items.map((item) => item.content));
    expect(await canRead(carol.client, imageKey)).toBe(true);
    // Not a merged history; recalled merged history.
    expect((await carol.client.get<ErrorBody>(`/api/im/messages/${last.id}/merged`)).body.error.code).toBe('not_chat_member');
    expect((await bob.client.get<ErrorBody>(`/api/im/messages/${last.id}/merged`)).body.error.code).toBe('not_merge_forward');
    await alice.client.post(`/api/im/messages/${message!.id}/recall`);
    expect((await read(carol.client)).body.error.code).toBe('message_recalled');
    expect(await canRead(carol.client, imageKey)).toBe(false);
  });

  it('nests a merged history in another and forwards one whole', async () => {
    const chat = await p2p(alice.client, bob.user.id);
    const hello = await send(alice.client, chat.id, 'text', text('hello Bob'));
    const reply = await send(bob.client, chat.id, 'text', text('hi Alice'));
    const inner = (await mergeForward(alice.client, [hello.id, reply.id], { chatIds: [design.id] })).body.items[0]!;
    expect(JSON.parse(inner.content).source).toEqual({ chat_type: 'p2p', names: expect.arrayContaining(['Alice', 'Bob']) });
    const note = await send(bob.client, design.id, 'text', text('see above'));
    const outer = (await mergeForward(bob.client, [inner.id, note.id], { userIds: [carol.user.id] })).body.items[0]!;
    const snapshot = (await carol.client.get<MergedHistoryView>(`/api/im/messages/${outer.id}/merged`)).body;
    expect(snapshot.items.map((item) => [item.messageId, item.upperMessageId, item.msgType])).toEqual([
      [inner.messageId, outer.messageId, 'merge_forward'],
      [hello.messageId, inner.messageId, 'text'],
      [reply.messageId, inner.messageId, 'text'],
      [note.messageId, outer.messageId, 'text'],
    ]);
    // A single forward of a merged history carries its whole snapshot.
    const again = (await forward(carol.client, outer.id, { userIds: [dave.user.id] })).body.items[0]!;
    expect(again.msgType).toBe('merge_forward');
    const copy = (await dave.client.get<MergedHistoryView>(`/api/im/messages/${again.id}/merged`)).body;
    expect(copy.items.map((item) => [item.messageId, item.upperMessageId])).toEqual(
      snapshot.items.map((item) => [item.messageId, item.upperMessageId === outer.messageId ? again.messageId : item.upperMessageId]),
    );
  });

  it('loads the page around a message for a link, and refuses links into other chats', async () => {
    const chat = await group(alice.client, 'Long history', [bob.user.id]);
    const sent: MessageView[] = [];
    for (let index = 1; index <= 30; index++) sent.push(await send(alice.client, chat.id, 'text', text(`message ${index}`)));
    // Seq 1 is the "created the group" line: message N has seq N + 1.
    const target = sent[9]!;
    const page = await history(bob.client, chat.id, `?aroundMessageId=${target.messageId}&limit=10`);
    expect(page.items.map((message) => message.seq)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(page).toMatchObject({ hasMore: true, hasNewer: true });
    const bySeq = await history(bob.client, chat.id, '?around=29&limit=10');
    expect(bySeq.items.map((message) => message.seq)).toEqual([24, 25, 26, 27, 28, 29, 30, 31]);
    expect(bySeq).toMatchObject({ hasMore: true, hasNewer: false });
    const start = await history(bob.client, chat.id, '?around=1&limit=4');
    expect(start.items.map((message) => message.seq)).toEqual([1, 2]);
    expect(start).toMatchObject({ hasMore: false, hasNewer: true });
    // A message of another chat, an unknown one, a chat the reader is not in, mixed paging.
    const elsewhere = await send(alice.client, design.id, 'text', text('not here'));
    expect((await bob.client.get(`/api/im/chats/${chat.id}/messages?aroundMessageId=${elsewhere.messageId}`)).status).toBe(404);
    expect((await bob.client.get(`/api/im/chats/${chat.id}/messages?aroundMessageId=om_unknown`)).status).toBe(404);
    expect((await carol.client.get(`/api/im/chats/${chat.id}/messages?aroundMessageId=${target.messageId}`)).status).toBe(403);
    expect((await bob.client.get(`/api/im/chats/${chat.id}/messages?around=5&before=9`)).status).toBe(400);
    expect((await bob.client.get(`/api/im/chats/${chat.id}/messages?around=0`)).status).toBe(400);
  });
});
