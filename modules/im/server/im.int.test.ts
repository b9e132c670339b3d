import type { UserView } from '@kite/contact/contract';
import type { ChatView, MessageView } from '@kite/im/contract';
import { ManualClock } from '@kite/kernel/clock';
import { setUpTenant, signedInPerson, startTestServer, type TestServer, testEngines, type WebClient } from '@kite/testing/test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The messenger's internal API through HTTP, as the web app uses it (docs/internal-api.md § Messenger). */

type ErrorBody = { error: { code: string } };
const text = (value: string) => JSON.stringify({ text: value });

describe.each(testEngines())('messenger internal API (%s)', (engine) => {
  let server: TestServer;
  const clock = new ManualClock(Date.UTC(2026, 5, 1, 9));
  let admin: WebClient;
  let alice: { client: WebClient; user: UserView };
  let bob: { client: WebClient; user: UserView };
  let carol: { client: WebClient; user: UserView };

  async function group(owner: WebClient, userIds: string[], name = 'Team') {
    const created = await owner.post<ChatView>('/api/im/chats', { chatType: 'group', name, userIds });
    expect(created.status).toBe(200);
    return created.body;
  }

  async function send(client: WebClient, chatId: string, content: string, extra: Record<string, unknown> = {}) {
    return client.post<MessageView & ErrorBody>(`/api/im/chats/${chatId}/messages`, { msgType: 'text', content, ...extra });
  }

  async function messages(client: WebClient, chatId: string, query = '') {
    return (await client.get<{ items: MessageView[]; hasMore: boolean }>(`/api/im/chats/${chatId}/messages${query}`)).body;
  }

  beforeAll(async () => {
    server = await startTestServer({ engine, clock });
    ({ admin } = await setUpTenant(server));
    const department = await admin.post<{ id: string }>('/api/contact/departments', { name: '研发部' });
    alice = await signedInPerson<UserView>(admin, 'Alice', 'alice@acme.test');
    bob = await signedInPerson<UserView>(admin, 'Bob', 'bob@acme.test', { departmentIds: [department.body.id] });
    carol = await signedInPerson<UserView>(admin, '王小明', 'carol@acme.test', { departmentIds: [department.body.id] });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('opens one p2p chat per pair, idempotently, named after the other person', async () => {
    const first = await alice.client.post<ChatView>('/api/im/chats', { chatType: 'p2p', userId: bob.user.id });
    const again = await alice.client.post<ChatView>('/api/im/chats', { chatType: 'p2p', userId: bob.user.id });
    const fromBob = await bob.client.post<ChatView>('/api/im/chats', { chatType: 'p2p', userId: alice.user.id });
    expect(first.status).toBe(200);
    expect(first.body.chatId).toMatch(/^oc_[0-9a-f]{32}$/);
    expect(again.body.id).toBe(first.body.id);
    expect(fromBob.body.id).toBe(first.body.id);
    expect(first.body).toMatchObject({ chatType: 'p2p', name: 'Bob', peer: { id: bob.user.id }, memberCount: 2 });
    expect(fromBob.body.peer?.id).toBe(alice.user.id);
    expect(first.body.permissions).toMatchObject({ post: true, manage: false, leave: false, dissolve: false });

    const unknown = await alice.client.post<ErrorBody>('/api/im/chats', { chatType: 'p2p', userId: 'no-such-user' });
    expect(unknown.status).toBe(404);
    const self = await alice.client.post<ErrorBody>('/api/im/chats', { chatType: 'p2p', userId: alice.user.id });
    expect(self.status).toBe(400);
  });

  it('sends in order with gap-free sequences, dedups by uuid, counts unread and reads', async () => {
    const chat = (await alice.client.post<ChatView>('/api/im/chats', { chatType: 'p2p', userId: carol.user.id })).body;
    const one = await send(alice.client, chat.id, text('第一条'));
    const two = await send(alice.client, chat.chatId, text('second'), { uuid: 'retry-1' });
    const retried = await send(alice.client, chat.id, text('second (retry)'), { uuid: 'retry-1' });
    expect(one.status).toBe(200);
    expect(one.body.messageId).toMatch(/^om_/);
    expect([one.body.seq, two.body.seq]).toEqual([1, 2]);
    expect(retried.body.id).toBe(two.body.id);
    expect(two.body.unreadCount).toBe(1);

    const carolList = (await carol.client.get<{ items: ChatView[]; totalUnread: number }>('/api/im/chats')).body;
    const seen = carolList.items.find((item) => item.id === chat.id)!;
    expect(seen).toMatchObject({ lastSeq: 2, lastReadSeq: 0, unreadCount: 2, lastMessage: { id: two.body.id } });
    expect(carolList.totalUnread).toBeGreaterThanOrEqual(2);
    // The sender's own messages are read for them.
    const aliceView = (await alice.client.get<ChatView>(`/api/im/chats/${chat.id}`)).body;
    expect(aliceView.unreadCount).toBe(0);

    const read = await carol.client.post<{ lastReadSeq: number; unreadCount: number }>(`/api/im/chats/${chat.id}/read`, { seq: 99 });
    expect(read.body).toEqual({ lastReadSeq: 2, unreadCount: 0, unreadThreadReplyCount: 0 });
    // Never backwards.
    const back = await carol.client.post<{ lastReadSeq: number }>(`/api/im/chats/${chat.id}/read`, { seq: 1 });
    expect(back.body.lastReadSeq).toBe(2);
    const receipts = await alice.client.get<{ read: Array<{ id: string }>; unread: unknown[] }>(
      `/api/im/messages/${one.body.id}/read-users`,
    );
    expect(receipts.body.read.map((user) => user.id)).toEqual([carol.user.id]);
    expect(receipts.body.unread).toEqual([]);
    // Only the sender sees receipts.
    expect((await carol.client.get(`/api/im/messages/${one.body.id}/read-users`)).status).toBe(403);

    const page = await messages(carol.client, chat.id);
    expect(page.items.map((message) => message.seq)).toEqual([1, 2]);
    expect(page.items[0]!.unreadCount).toBe(0);
    const older = await messages(carol.client, chat.id, '?before=2&limit=1');
    expect(older.items.map((message) => message.seq)).toEqual([1]);
    const newer = await messages(carol.client, chat.id, '?after=1');
    expect(newer.items.map((message) => message.seq)).toEqual([2]);
  });

  it('manages a group: settings, roles, post policy, transfer, leave, dissolve', async () => {
    const chat = await group(alice.client, [bob.user.id]);
    expect(chat).toMatchObject({ chatType: 'group', ownerId: alice.user.id, role: 'owner', memberCount: 2 });
    expect(chat.permissions).toEqual({
      post: true,
      manage: true,
      addMembers: true,
      atAll: true,
      buzz: true,
      pin: true,
      leave: false,
      dissolve: true,
    });

    // Members may not change the chat; the owner may.
    expect((await bob.client.patch<ErrorBody>(`/api/im/chats/${chat.id}`, { name: 'Mine' })).status).toBe(403);
    const renamed = await alice.client.patch<ChatView>(`/api/im/chats/${chat.id}`, {
      name: 'Launch',
      announcement: '周五发布',
      settings: { postPolicy: 'admins', addMemberPolicy: 'admins' },
    });
    expect(renamed.body).toMatchObject({ name: 'Launch', announcement: '周五发布', settings: { postPolicy: 'admins' } });

    // Post policy: only owner and admins may post; nothing is stored for the refused message.
    const refused = await send(bob.client, chat.id, text('may I?'));
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('post_not_allowed');
    // Only the timeline's own lines: created, renamed, announcement, each setting (one system message per change).
    expect((await messages(alice.client, chat.id)).items.map((message) => message.system?.template)).toEqual([
      'chat_created',
      'chat_renamed',
      'announcement_changed',
      'settings_changed',
      'settings_changed',
    ]);
    expect((await bob.client.get<ChatView>(`/api/im/chats/${chat.id}`)).body.permissions.post).toBe(false);
    const promoted = await alice.client.post<ChatView>(`/api/im/chats/${chat.id}/admins`, { userIds: [bob.user.id] });
    expect(promoted.status).toBe(200);
    expect((await send(bob.client, chat.id, text('now I can'))).status).toBe(200);
    // Admins cannot appoint admins.
    expect((await bob.client.post(`/api/im/chats/${chat.id}/admins`, { userIds: [alice.user.id] })).status).toBe(403);

    // Members: add by department, remove; a plain member may not add when policy says admins.
    const added = await bob.client.post<ChatView>(`/api/im/chats/${chat.id}/members`, { userIds: [carol.user.id] });
    expect(added.body.memberCount).toBe(3);
    expect((await carol.client.post(`/api/im/chats/${chat.id}/members`, { userIds: [alice.user.id] })).status).toBe(403);
    const members = await alice.client.get<{ items: Array<{ user: { id: string }; role: string }>; total: number }>(
      `/api/im/chats/${chat.id}/members`,
    );
    expect(members.body.total).toBe(3);
    expect(new Map(members.body.items.map((item) => [item.user.id, item.role]))).toEqual(
      new Map([
        [alice.user.id, 'owner'],
        [bob.user.id, 'admin'],
        [carol.user.id, 'member'],
      ]),
    );

    // The owner must transfer before leaving.
    const stuck = await alice.client.post<ErrorBody>(`/api/im/chats/${chat.id}/leave`);
    expect(stuck.status).toBe(409);
    expect(stuck.body.error.code).toBe('owner_must_transfer');
    const transferred = await alice.client.post<ChatView>(`/api/im/chats/${chat.id}/transfer`, { userId: carol.user.id });
    expect(transferred.body).toMatchObject({ ownerId: carol.user.id, role: 'member' });
    expect((await alice.client.post(`/api/im/chats/${chat.id}/leave`)).status).toBe(200);
    expect((await alice.client.get<ErrorBody>(`/api/im/chats/${chat.id}`)).status).toBe(403);
    expect((await send(alice.client, chat.id, text('still here?'))).status).toBe(403);

    // Only the owner dissolves; afterwards the chat is gone from lists.
    expect((await bob.client.delete(`/api/im/chats/${chat.id}`)).status).toBe(403);
    expect((await carol.client.delete(`/api/im/chats/${chat.id}`)).status).toBe(200);
    const list = (await bob.client.get<{ items: ChatView[] }>('/api/im/chats')).body.items;
    expect(list.map((item) => item.id)).not.toContain(chat.id);
    const afterwards = await send(bob.client, chat.id, text('hello?'));
    expect(afterwards.body.error.code).toBe('chat_dissolved');
  });

  it('adds whole departments and keeps members in department groups', async () => {
    const departments = (await admin.get<{ items: Array<{ id: string; name: string }> }>('/api/contact/departments')).body.items;
    const research = departments.find((department) => department.name === '研发部')!;
    const created = await alice.client.post<ChatView>('/api/im/chats', { chatType: 'group', name: 'R&D', departmentIds: [research.id] });
    expect(created.body.memberCount).toBe(3);
    const missing = await alice.client.post<ErrorBody>('/api/im/chats', { chatType: 'group', name: 'X', departmentIds: ['nope'] });
    expect(missing.status).toBe(404);
  });

  it('threads replies, edits own text, recalls within the window, admins any time', async () => {
    const chat = await group(alice.client, [bob.user.id, carol.user.id], 'Threads');
    const root = await send(alice.client, chat.id, text('root'));
    const reply = await send(bob.client, chat.id, text('reply'), { parentId: root.body.messageId, replyInThread: true });
    // Answering a thread reply stays in the thread, even as a plain reply.
    const nested = await send(carol.client, chat.id, text('nested'), { parentId: reply.body.id });
    const quote = await send(carol.client, chat.id, text('quote'), { parentId: root.body.id });
    expect(reply.body).toMatchObject({ parentId: root.body.id, rootId: root.body.id, inThread: true });
    expect(reply.body.threadId).toMatch(/^omt_/);
    expect(nested.body).toMatchObject({ parentId: reply.body.id, rootId: root.body.id, inThread: true, threadId: reply.body.threadId });
    expect(quote.body).toMatchObject({ parentId: root.body.id, rootId: root.body.id, inThread: false, threadId: null });
    const thread = await messages(alice.client, chat.id, `?threadRootId=${root.body.id}`);
    expect(thread.items.map((message) => message.id)).toEqual([root.body.id, reply.body.id, nested.body.id]);
    expect(thread.items[0]).toMatchObject({ replyCount: 2, threadId: reply.body.threadId });
    const timeline = await messages(alice.client, chat.id, '');
    expect(timeline.items.filter((message) => message.msgType !== 'system').map((message) => message.id)).toEqual([
      root.body.id,
      quote.body.id,
    ]);
    const elsewhere = await group(alice.client, [], 'Other');
    expect((await send(alice.client, elsewhere.id, text('x'), { parentId: root.body.id })).status).toBe(404);

    // Edit: own text only.
    const edited = await bob.client.patch<MessageView>(`/api/im/messages/${reply.body.id}`, { content: text('reply, edited') });
    expect(edited.body).toMatchObject({ edited: true, content: text('reply, edited') });
    expect((await alice.client.patch(`/api/im/messages/${reply.body.id}`, { content: text('hijack') })).status).toBe(403);
    const card = await alice.client.post<MessageView>(`/api/im/chats/${chat.id}/messages`, {
      msgType: 'interactive',
      content: JSON.stringify({ elements: [] }),
    });
    expect((await alice.client.patch<ErrorBody>(`/api/im/messages/${card.body.id}`, { content: text('x') })).body.error.code).toBe(
      'not_editable',
    );

    // Recall: not someone else's (as a member), own within the window, never after it; owner any time.
    expect((await carol.client.post(`/api/im/messages/${reply.body.id}/recall`)).status).toBe(403);
    clock.advance(25 * 60 * 60 * 1000);
    const late = await bob.client.post<ErrorBody>(`/api/im/messages/${reply.body.id}/recall`);
    expect(late.status).toBe(403);
    expect(late.body.error.code).toBe('recall_window_passed');
    const byOwner = await alice.client.post<MessageView>(`/api/im/messages/${reply.body.id}/recall`);
    expect(byOwner.body).toMatchObject({ recalled: true, content: '', unreadCount: null });
    const fresh = await send(carol.client, chat.id, text('oops'));
    const own = await carol.client.post<MessageView>(`/api/im/messages/${fresh.body.id}/recall`);
    expect(own.body.recalled).toBe(true);
    expect((await carol.client.post<ErrorBody>(`/api/im/messages/${fresh.body.id}/recall`)).body.error.code).toBe('message_recalled');
  });

  it('reacts once per person and emoji, and shows who reacted', async () => {
    const chat = await group(alice.client, [bob.user.id], 'Reactions');
    const message = await send(alice.client, chat.id, text('ship it'));
    await bob.client.post(`/api/im/messages/${message.body.id}/reactions`, { emojiType: 'THUMBSUP' });
    await bob.client.post(`/api/im/messages/${message.body.id}/reactions`, { emojiType: 'THUMBSUP' });
    const both = await alice.client.post<MessageView>(`/api/im/messages/${message.body.id}/reactions`, { emojiType: 'THUMBSUP' });
    expect(both.body.reactions).toEqual([{ emojiType: 'THUMBSUP', count: 2, reactedByMe: true }]);
    const removed = await bob.client.delete<MessageView>(`/api/im/messages/${message.body.id}/reactions`, { emojiType: 'THUMBSUP' });
    expect(removed.body.reactions).toEqual([{ emojiType: 'THUMBSUP', count: 1, reactedByMe: false }]);
    expect((await carol.client.post(`/api/im/messages/${message.body.id}/reactions`, { emojiType: 'OK' })).status).toBe(403);
  });

  it('lists who reacted with an emoji, in order, paged, to members only', async () => {
    type Reactors = {
      emojiType: string;
      count: number;
      items: Array<{ reactor: { type: string; id: string; name: string; avatarColor: string }; reactedAt: string }>;
      nextCursor: string | null;
    };
    const chat = await group(alice.client, [bob.user.id, carol.user.id], 'Who reacted');
    const message = await send(alice.client, chat.id, text('lunch?'));
    const path = `/api/im/messages/${message.body.id}/reactors`;
    for (const person of [carol, alice, bob]) {
      clock.advance(1000);
      await person.client.post(`/api/im/messages/${message.body.id}/reactions`, { emojiType: 'THUMBSUP' });
    }
    await bob.client.post(`/api/im/messages/${message.body.id}/reactions`, { emojiType: 'OK' });

    // Everyone in the chat may ask, by id or by om_…; first reactors first, names from the directory.
    const all = await bob.client.get<Reactors>(`${path}?emojiType=THUMBSUP`);
    expect(all.status).toBe(200);
    expect(all.body.count).toBe(3);
    expect(all.body.nextCursor).toBeNull();
    expect(all.body.items.map((item) => [item.reactor.type, item.reactor.id, item.reactor.name])).toEqual([
      ['user', carol.user.id, '王小明'],
      ['user', alice.user.id, 'Alice'],
      ['user', bob.user.id, 'Bob'],
    ]);
    expect(all.body.items[0]!.reactedAt < all.body.items[1]!.reactedAt).toBe(true);
    const byOpenId = await carol.client.get<Reactors>(`/api/im/messages/${message.body.messageId}/reactors?emojiType=OK`);
    expect(byOpenId.body).toMatchObject({ emojiType: 'OK', count: 1, items: [{ reactor: { id: bob.user.id } }] });

    // Pages of one: the cursor walks the same order, each page knowing the total.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page: Reactors = (await alice.client.get<Reactors>(`${path}?emojiType=THUMBSUP&limit=1${query}`)).body;
      expect(page.count).toBe(3);
      expect(page.items).toHaveLength(1);
      seen.push(page.items[0]!.reactor.id);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([carol.user.id, alice.user.id, bob.user.id]);

    // A reaction taken back leaves the list; an emoji nobody used is an empty list.
    await alice.client.delete(`/api/im/messages/${message.body.id}/reactions`, { emojiType: 'THUMBSUP' });
    const after = (await bob.client.get<Reactors>(`${path}?emojiType=THUMBSUP`)).body;
    expect(after.items.map((item) => item.reactor.id)).toEqual([carol.user.id, bob.user.id]);
    expect(after.count).toBe(2);
    expect((await bob.client.get<Reactors>(`${path}?emojiType=HEART`)).body).toEqual({
      emojiType: 'HEART',
      count: 0,
      items: [],
      nextCursor: null,
    });

    // Bad input: clear codes.
    for (const query of [
      '',
      '?emojiType=',
      `?emojiType=${'x'.repeat(51)}`,
      '?emojiType=OK&limit=0',
      '?emojiType=OK&limit=101',
      '?emojiType=OK&cursor=nope',
    ]) {
      const refused = await bob.client.get<ErrorBody>(`${path}${query}`);
      expect(refused.status, query).toBe(400);
      expect(refused.body.error.code, query).toBe('validation_failed');
    }
    expect((await bob.client.get<ErrorBody>('/api/im/messages/om_nope/reactors?emojiType=OK')).status).toBe(404);

    // Someone who cannot read the chat cannot see who reacted: never in it, or no longer.
    const outsider = await group(bob.client, [alice.user.id], 'Elsewhere');
    const elsewhere = await send(bob.client, outsider.id, text('private'));
    await bob.client.post(`/api/im/messages/${elsewhere.body.id}/reactions`, { emojiType: 'OK' });
    expect((await carol.client.get<ErrorBody>(`/api/im/messages/${elsewhere.body.id}/reactors?emojiType=OK`)).status).toBe(403);
    expect((await alice.client.delete(`/api/im/chats/${chat.id}/members`, { userIds: [carol.user.id] })).status).toBe(200);
    expect((await carol.client.get<ErrorBody>(`${path}?emojiType=THUMBSUP`)).status).toBe(403);
  });

  it('parses mentions, counts unread mentions, and enforces the @all policy', async () => {
    const chat = await group(alice.client, [bob.user.id, carol.user.id], 'Mentions');
    const mention = await send(
      alice.client,
      chat.id,
      text(`hi <at user_id="${bob.user.openId}">Bob</at> and <at user_id="ou_nobody">Ghost</at>`),
    );
    expect(mention.status).toBe(200);
    expect(JSON.parse(mention.body.content)).toEqual({ text: 'hi @_user_1 and @Ghost' });
    expect(mention.body.mentions).toEqual([{ key: '@_user_1', id: bob.user.id, name: 'Bob' }]);
    const bobView = (await bob.client.get<ChatView>(`/api/im/chats/${chat.id}`)).body;
    expect(bobView.unreadMentionCount).toBe(1);
    expect((await carol.client.get<ChatView>(`/api/im/chats/${chat.id}`)).body.unreadMentionCount).toBe(0);
    // An edit keeps the mention.
    const edited = await alice.client.patch<MessageView>(`/api/im/messages/${mention.body.id}`, {
      content: text('hi @_user_1, edited'),
    });
    expect(edited.body.mentions).toEqual([{ key: '@_user_1', id: bob.user.id, name: 'Bob' }]);

    await alice.client.patch(`/api/im/chats/${chat.id}`, { settings: { atAllPolicy: 'admins' } });
    const refused = await send(bob.client, chat.id, text('<at user_id="all">所有人</at> lunch?'));
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('at_all_not_allowed');
    const allowed = await send(alice.client, chat.id, text('<at user_id="all">所有人</at> lunch!'));
    expect(allowed.body).toMatchObject({ mentionsAll: true, content: text('@_all lunch!') });
    expect((await carol.client.get<ChatView>(`/api/im/chats/${chat.id}`)).body.unreadMentionCount).toBe(1);

    // Rich text: links sanitised to http/https/mailto, mentions resolved.
    const post = await alice.client.post<MessageView>(`/api/im/chats/${chat.id}/messages`, {
      msgType: 'post',
      content: JSON.stringify({
        zh_cn: {
          title: '周报',
          content: [
            [
              { tag: 'text', text: '见 ', onclick: 'evil()' },
              { tag: 'a', href: 'https://kite.test/doc', text: '文档' },
              { tag: 'at', user_id: carol.user.openId },
            ],
          ],
        },
      }),
    });
    expect(post.status).toBe(200);
    expect(JSON.parse(post.body.content)).toEqual({
      zh_cn: {
        title: '周报',
        content: [
          [
            { tag: 'text', text: '见 ' },
            { tag: 'a', href: 'https://kite.test/doc', text: '文档' },
            { tag: 'at', user_id: '@_user_1', user_name: '王小明' },
          ],
        ],
      },
    });
  });

  it('refuses bad input with clear codes and stores nothing', async () => {
    const chat = await group(alice.client, [bob.user.id], 'Bad input');
    const cases: Array<[unknown, number, string]> = [
      [{ msgType: 'text', content: '{not json' }, 400, 'content_invalid'],
      [{ msgType: 'text', content: JSON.stringify({ txt: 'x' }) }, 400, 'content_invalid'],
      [{ msgType: 'text', content: JSON.stringify({ text: '   ' }) }, 400, 'content_invalid'],
      [{ msgType: 'text', content: JSON.stringify({ text: '中'.repeat(60_000) }) }, 413, 'content_invalid'],
      [
        {
          msgType: 'post',
          content: JSON.stringify({ zh_cn: { content: [[{ tag: 'a', href: 'javascript:alert(1)', text: 'x' }]] } }),
        },
        400,
        'content_invalid',
      ],
      [{ msgType: 'post', content: JSON.stringify({ zh_cn: { content: [[{ tag: 'script', text: 'x' }]] } }) }, 400, 'content_invalid'],
      [{ msgType: 'image', content: JSON.stringify({}) }, 400, 'content_invalid'],
      [{ msgType: 'system', content: text('x') }, 400, 'validation_failed'],
      [{ msgType: 'text' }, 400, 'validation_failed'],
    ];
    for (const [body, status, code] of cases) {
      const response = await alice.client.post<ErrorBody>(`/api/im/chats/${chat.id}/messages`, body);
      expect([response.status, response.body.error?.code], JSON.stringify(body).slice(0, 120)).toEqual([status, code]);
    }
    // Nothing but the "created the group" line.
    expect((await messages(alice.client, chat.id)).items.map((message) => message.msgType)).toEqual(['system']);
    expect((await alice.client.get<ChatView>(`/api/im/chats/${chat.id}`)).body.lastSeq).toBe(1);

    expect((await send(alice.client, 'oc_00000000000000000000000000000000', text('x'))).status).toBe(404);
    expect((await send(carol.client, chat.id, text('not a member'))).body.error.code).toBe('not_chat_member');
    expect((await alice.client.post('/api/im/chats', { chatType: 'group', name: 'X', userIds: ['nobody'] })).status).toBe(404);
    expect((await alice.client.get('/api/im/chats?cursor=garbage')).status).toBe(400);
  });

  it('keeps per-member preferences: pinned first, muted out of the total', async () => {
    const quiet = await group(bob.client, [alice.user.id], 'Quiet');
    await send(bob.client, quiet.id, text('noise'));
    const before = (await alice.client.get<{ totalUnread: number }>('/api/im/chats')).body.totalUnread;
    const muted = await alice.client.patch<ChatView>(`/api/im/chats/${quiet.id}/me`, { muted: true, draft: '草稿' });
    expect(muted.body.muted).toBe(true);
    expect((await alice.client.get<{ totalUnread: number }>('/api/im/chats')).body.totalUnread).toBe(before - 1);
    const pinned = await alice.client.patch<ChatView>(`/api/im/chats/${quiet.id}/me`, { pinned: true });
    expect(pinned.body.pinned).toBe(true);
    // Newer activity elsewhere does not push a pinned chat down.
    const other = await group(alice.client, [], 'Busy');
    await send(alice.client, other.id, text('busy'));
    const first = (await alice.client.get<{ items: ChatView[] }>('/api/im/chats?limit=1')).body;
    expect(first.items[0]!.id).toBe(quiet.id);
    // Paging through the whole list visits every chat once.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: ChatView[]; nextCursor: string | null } } = await alice.client.get(
        `/api/im/chats?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.items.map((item) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toContain(other.id);
  });
});
