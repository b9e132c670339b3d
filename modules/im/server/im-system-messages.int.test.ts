import type { UserView } from '@kite/contact/contract';
import type { ChatView, MessageView, SystemMessageView } from '@kite/im/contract';
import {
  addSignedInPerson,
  setUpTenant,
  startTestServer,
  type TestServer,
  testEngines,
  type WebClient,
  waitFor,
} from '@kite/testing/test-server';
import * as lark from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createSdkBot, type SdkBot, sdkFailure } from './im-test-kit.ts';

/**
 * System messages: the timeline's lines for what happened to a group (people added, the name
 * changed, a message pinned). One per command, written in its transaction, delivered live, never
 * unread, never sent to bots as `receive_v1`, never acted on — and read by apps as Feishu's
 * `msg_type: "system"`.
 */

type ErrorBody = { error: { code: string } };
type Person = { client: WebClient; user: UserView };
interface Frame {
  t: string;
  seq?: number;
  type?: string;
  payload?: { chatId?: string; message?: MessageView };
}

const text = (value: string) => JSON.stringify({ text: value });

/** A line as the tests compare it: template, operator's name, target names (sorted), the rest. */
function summary(view: SystemMessageView | undefined) {
  if (!view) return null;
  const { template, operator, targets, targetCount, name, messageId, setting } = view;
  return {
    template,
    operator: operator?.name ?? null,
    targets: targets.map((target) => target.name).sort(),
    targetCount,
    ...(name !== undefined ? { name } : {}),
    ...(messageId ? { messageId } : {}),
    ...(setting ? { setting } : {}),
  };
}

describe.each(testEngines())('system messages (%s)', (engine) => {
  let server: TestServer;
  let admin: WebClient;
  let alice: Person;
  let bob: Person;
  let carol: Person;
  let dave: Person;
  let bot: SdkBot;
  const sockets: WebSocket[] = [];

  async function history(client: WebClient, chatId: string, query = '') {
    const page = await client.get<{ items: MessageView[] }>(`/api/im/chats/${chatId}/messages${query}`);
    expect(page.status).toBe(200);
    return page.body.items;
  }

  async function chatOf(client: WebClient, chatId: string) {
    return (await client.get<ChatView>(`/api/im/chats/${chatId}`)).body;
  }

  /** Runs a command and answers the messages it left in the chat (its answer's status checked). */
  async function linesOf(chatId: string, command: () => Promise<{ status: number }>, status = 200) {
    const before = (await chatOf(alice.client, chatId)).lastSeq;
    expect((await command()).status).toBe(status);
    return history(alice.client, chatId, `?after=${before}`);
  }

  /** The one system line a command left. */
  async function lineOf(chatId: string, command: () => Promise<{ status: number }>) {
    const lines = await linesOf(chatId, command);
    expect(lines.map((line) => line.msgType)).toEqual(['system']);
    return summary(lines[0]!.system);
  }

  function connect(client: WebClient) {
    const frames: Frame[] = [];
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws/client`, { headers: { cookie: client.cookieHeader() } });
    sockets.push(socket);
    socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
    return { frames, ready: () => waitFor(() => (frames.some((f) => f.t === 'hello') ? true : undefined), 'hello') };
  }

  beforeAll(async () => {
    server = await startTestServer({ engine });
    ({ admin } = await setUpTenant(server));
    alice = await addSignedInPerson(server, admin, 'Alice');
    bob = await addSignedInPerson(server, admin, 'Bob');
    carol = await addSignedInPerson(server, admin, 'Carol');
    dave = await addSignedInPerson(server, admin, 'Dave');
    bot = await createSdkBot(server, admin, 'Notifier');
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server?.close();
  });

  it('leaves exactly one line per command, in its transaction, naming people as they are called now', async () => {
    const created = await alice.client.post<ChatView>('/api/im/chats', { chatType: 'group', name: 'Team', userIds: [bob.user.id] });
    const chatId = created.body.id;
    const [first] = await history(alice.client, chatId);
    expect(first).toMatchObject({ seq: 1, msgType: 'system', sender: null, unreadCount: null, reactions: [] });
    expect(summary(first!.system)).toEqual({ template: 'chat_created', operator: 'Alice', targets: ['Bob'], targetCount: 1 });

    const post =
      (path: string, body: unknown = {}) =>
      () =>
        alice.client.post(path, body);
    expect(await lineOf(chatId, post(`/api/im/chats/${chatId}/members`, { userIds: [carol.user.id, dave.user.id] }))).toEqual({
      template: 'members_added',
      operator: 'Alice',
      targets: ['Carol', 'Dave'],
      targetCount: 2,
    });
    // Refused, or changing nothing: no line (the line commits with the change or not at all).
    expect(await linesOf(chatId, () => bob.client.patch(`/api/im/chats/${chatId}`, { name: 'Mine' }), 403)).toEqual([]);
    expect(await linesOf(chatId, () => alice.client.patch(`/api/im/chats/${chatId}`, { name: 'Team' }))).toEqual([]);
    expect(await linesOf(chatId, post(`/api/im/chats/${chatId}/members`, { userIds: [carol.user.id] }))).toEqual([]);

    expect(await lineOf(chatId, () => alice.client.delete(`/api/im/chats/${chatId}/members`, { userIds: [dave.user.id] }))).toEqual({
      template: 'members_removed',
      operator: 'Alice',
      targets: ['Dave'],
      targetCount: 1,
    });
    expect(await lineOf(chatId, () => carol.client.post(`/api/im/chats/${chatId}/leave`))).toMatchObject({
      template: 'member_left',
      operator: 'Carol',
    });
    expect(await lineOf(chatId, () => alice.client.patch(`/api/im/chats/${chatId}`, { name: 'Launch {operator}' }))).toMatchObject({
      template: 'chat_renamed',
      operator: 'Alice',
      name: 'Launch {operator}',
    });
    expect(await lineOf(chatId, () => alice.client.patch(`/api/im/chats/${chatId}`, { description: 'Ship it' }))).toMatchObject({
      template: 'description_changed',
    });
    expect(await lineOf(chatId, () => alice.client.patch(`/api/im/chats/${chatId}`, { announcement: '周五发布' }))).toMatchObject({
      template: 'announcement_changed',
    });
    expect(await lineOf(chatId, () => alice.client.patch(`/api/im/chats/${chatId}`, { settings: { atAllPolicy: 'admins' } }))).toEqual({
      template: 'settings_changed',
      operator: 'Alice',
      targets: [],
      targetCount: 0,
      setting: { name: 'atAllPolicy', value: 'admins' },
    });
    expect(await lineOf(chatId, post(`/api/im/chats/${chatId}/admins`, { userIds: [bob.user.id] }))).toEqual({
      template: 'admins_added',
      operator: 'Alice',
      targets: ['Bob'],
      targetCount: 1,
    });
    expect(await lineOf(chatId, () => alice.client.delete(`/api/im/chats/${chatId}/admins`, { userIds: [bob.user.id] }))).toMatchObject({
      template: 'admins_removed',
      targets: ['Bob'],
    });

    const said = await alice.client.post<MessageView>(`/api/im/chats/${chatId}/messages`, {
      msgType: 'text',
      content: text('release notes'),
    });
    expect(await lineOf(chatId, post(`/api/im/messages/${said.body.id}/pin`))).toEqual({
      template: 'message_pinned',
      operator: 'Alice',
      targets: [],
      targetCount: 0,
      messageId: said.body.messageId,
    });
    // Pinning it again answers the pin there is: no second line.
    expect(await linesOf(chatId, post(`/api/im/messages/${said.body.id}/pin`))).toEqual([]);

    let hookId = '';
    expect(
      await lineOf(chatId, async () => {
        const made = await alice.client.post<{ bot: { id: string } }>(`/api/im/chats/${chatId}/webhooks`, { name: 'CI' });
        hookId = made.body.bot.id;
        return made;
      }),
    ).toEqual({ template: 'webhook_bot_added', operator: 'Alice', targets: ['CI'], targetCount: 1 });
    expect(await lineOf(chatId, () => alice.client.delete(`/api/im/webhooks/${hookId}`))).toMatchObject({
      template: 'webhook_bot_removed',
      targets: ['CI'],
    });
    expect(await lineOf(chatId, post(`/api/im/chats/${chatId}/transfer`, { userId: bob.user.id }))).toEqual({
      template: 'owner_transferred',
      operator: 'Alice',
      targets: ['Bob'],
      targetCount: 1,
    });

    // Names are looked up when read: Bob renamed reads under his new name in every old line.
    expect((await admin.patch(`/api/contact/users/${bob.user.id}`, { name: 'Robert' })).status).toBe(200);
    const lines = (await history(alice.client, chatId)).filter((message) => message.msgType === 'system');
    expect(lines.map((line) => line.system!.template)).toEqual([
      'chat_created',
      'members_added',
      'members_removed',
      'member_left',
      'chat_renamed',
      'description_changed',
      'announcement_changed',
      'settings_changed',
      'admins_added',
      'admins_removed',
      'message_pinned',
      'webhook_bot_added',
      'webhook_bot_removed',
      'owner_transferred',
    ]);
    expect(
      lines.flatMap((line) => line.system!.targets.filter((target) => target.id === bob.user.id).map((target) => target.name)),
    ).toEqual(['Robert', 'Robert', 'Robert', 'Robert']);
    await admin.patch(`/api/contact/users/${bob.user.id}`, { name: 'Bob' });

    // The chat list's last message is the latest line; search never finds one.
    expect((await chatOf(alice.client, chatId)).lastMessage?.system?.template).toBe('owner_transferred');
    const search = await alice.client.get<{ items: Array<{ message: { msgType: string } }> }>(
      `/api/im/search?q=${encodeURIComponent('Launch')}&chatId=${chatId}`,
    );
    expect(search.status).toBe(200);
    expect(search.body.items).toEqual([]);
  });

  it('delivers lines live, right after the change they record, and never counts them as unread', async () => {
    const chatId = (await alice.client.post<ChatView>('/api/im/chats', { chatType: 'group', name: 'Live', userIds: [bob.user.id] })).body
      .id;
    expect(await chatOf(bob.client, chatId)).toMatchObject({ lastSeq: 1, unreadCount: 0 });
    const totalBefore = (await bob.client.get<{ totalUnread: number }>('/api/im/chats')).body.totalUnread;
    const live = connect(bob.client);
    await live.ready();

    const one = await alice.client.post<MessageView>(`/api/im/chats/${chatId}/messages`, { msgType: 'text', content: text('one') });
    expect((await alice.client.post(`/api/im/chats/${chatId}/members`, { userIds: [carol.user.id] })).status).toBe(200);
    const line = await waitFor(
      () =>
        live.frames.find((f) => f.type === 'im.message.created' && f.payload?.message?.msgType === 'system' && f.payload.chatId === chatId),
      'the members_added line on Bob’s socket',
    );
    expect(summary(line.payload!.message!.system)).toEqual({
      template: 'members_added',
      operator: 'Alice',
      targets: ['Carol'],
      targetCount: 1,
    });
    expect(line.payload!.message).toMatchObject({ sender: null, seq: 3 });
    // Written in the command's transaction: its outbox entry follows the membership event directly.
    const added = live.frames.find((f) => f.type === 'im.chat.members_added' && f.payload?.chatId === chatId)!;
    expect(line.seq).toBe(added.seq! + 1);

    expect((await alice.client.patch(`/api/im/chats/${chatId}`, { name: 'Live!' })).status).toBe(200);
    await alice.client.post(`/api/im/chats/${chatId}/messages`, { msgType: 'text', content: text('two') });
    // Bob: two unread messages, the two lines not among them, in the chat and in the total.
    expect(await chatOf(bob.client, chatId)).toMatchObject({ lastSeq: 5, lastReadSeq: 0, unreadCount: 2 });
    expect((await bob.client.get<{ totalUnread: number }>('/api/im/chats')).body.totalUnread).toBe(totalBefore + 2);
    // Carol joined after "one": the line announcing her is no unread message for her.
    expect(await chatOf(carol.client, chatId)).toMatchObject({ lastReadSeq: 2, unreadCount: 1 });

    // Reading up to "one" leaves "two" unread, whatever lines lie between.
    const partly = await bob.client.post<{ unreadCount: number }>(`/api/im/chats/${chatId}/read`, { seq: one.body.seq });
    expect(partly.body.unreadCount).toBe(1);
    expect((await chatOf(bob.client, chatId)).unreadCount).toBe(1);
    const all = await bob.client.post<{ unreadCount: number }>(`/api/im/chats/${chatId}/read`, { seq: 5 });
    expect(all.body.unreadCount).toBe(0);

    // A line at the end of an otherwise read chat is no unread message either.
    expect((await alice.client.patch(`/api/im/chats/${chatId}`, { announcement: 'Friday' })).status).toBe(200);
    expect(await chatOf(bob.client, chatId)).toMatchObject({ lastSeq: 6, lastReadSeq: 5, unreadCount: 0 });
    expect((await bob.client.get<{ totalUnread: number }>('/api/im/chats')).body.totalUnread).toBe(totalBefore);
  });

  it('writes a line for an unpin and one per changed setting, live, never unread, never searched; none for dissolving', async () => {
    const chatId = (await alice.client.post<ChatView>('/api/im/chats', { chatType: 'group', name: 'Rules', userIds: [bob.user.id] })).body
      .id;
    const live = connect(bob.client);
    await live.ready();
    const said = await bob.client.post<MessageView>(`/api/im/chats/${chatId}/messages`, { msgType: 'text', content: text('pin me') });
    expect((await alice.client.post(`/api/im/messages/${said.body.id}/pin`)).status).toBe(200);
    // Bob's own message and the pin line: nothing unread for him yet.
    expect(await chatOf(bob.client, chatId)).toMatchObject({ lastSeq: 3, unreadCount: 0 });
    const totalBefore = (await bob.client.get<{ totalUnread: number }>('/api/im/chats')).body.totalUnread;

    // Unpinning: one line linking the message; unpinning what is not pinned, or being refused, none.
    expect(await lineOf(chatId, () => alice.client.delete(`/api/im/messages/${said.body.id}/pin`))).toEqual({
      template: 'message_unpinned',
      operator: 'Alice',
      targets: [],
      targetCount: 0,
      messageId: said.body.messageId,
    });
    expect(await linesOf(chatId, () => alice.client.delete(`/api/im/messages/${said.body.id}/pin`))).toEqual([]);
    const unpinned = await waitFor(
      () => live.frames.find((f) => f.type === 'im.message.created' && f.payload?.message?.system?.template === 'message_unpinned'),
      'the unpin line on Bob’s socket',
    );
    const pinDeleted = live.frames.find((f) => f.type === 'im.pin.deleted' && f.payload?.chatId === chatId)!;
    expect(unpinned.seq).toBe(pinDeleted.seq! + 1);

    // Settings: one line per setting that changed, naming the new value, in one transaction after the update's event.
    const everything = {
      postPolicy: 'admins',
      addMemberPolicy: 'admins',
      atAllPolicy: 'admins',
      buzzPolicy: 'admins',
      pinPolicy: 'admins',
    };
    const lines = await linesOf(chatId, () => alice.client.patch(`/api/im/chats/${chatId}`, { settings: everything }));
    expect(lines.map((line) => summary(line.system))).toEqual(
      Object.entries(everything).map(([name, value]) => ({
        template: 'settings_changed',
        operator: 'Alice',
        targets: [],
        targetCount: 0,
        setting: { name, value },
      })),
    );
    await waitFor(
      () => (live.frames.filter((f) => f.payload?.message?.system?.template === 'settings_changed').length === 5 ? true : undefined),
      'five settings lines on Bob’s socket',
    );
    const updated = live.frames.find((f) => f.type === 'im.chat.updated' && f.payload?.chatId === chatId)!;
    const settingLines = live.frames.filter((f) => f.payload?.message?.system?.template === 'settings_changed');
    expect(settingLines.map((f) => f.seq)).toEqual([1, 2, 3, 4, 5].map((step) => updated.seq! + step));
    // The same settings again, a refused change, a list of who may post that does not apply: no line.
    expect(await linesOf(chatId, () => alice.client.patch(`/api/im/chats/${chatId}`, { settings: everything }))).toEqual([]);
    expect(await linesOf(chatId, () => bob.client.patch(`/api/im/chats/${chatId}`, { settings: { postPolicy: 'all' } }), 403)).toEqual([]);
    expect(
      await linesOf(chatId, () => alice.client.patch(`/api/im/chats/${chatId}`, { settings: { postAllowedUserIds: [bob.user.id] } })),
    ).toEqual([]);
    // Bob on the list of who may post: the list applies now, so it is a line; a name and a setting, two lines.
    expect(await lineOf(chatId, () => alice.client.patch(`/api/im/chats/${chatId}`, { settings: { postPolicy: 'listed' } }))).toMatchObject(
      {
        setting: { name: 'postPolicy', value: 'listed' },
      },
    );
    const two = await linesOf(chatId, () =>
      alice.client.patch(`/api/im/chats/${chatId}`, { name: 'Rules 2', settings: { pinPolicy: 'all' } }),
    );
    expect(two.map((line) => [line.system!.template, line.system!.setting ?? null])).toEqual([
      ['chat_renamed', null],
      ['settings_changed', { name: 'pinPolicy', value: 'all' }],
    ]);

    // None of them is unread or found by search.
    expect(await chatOf(bob.client, chatId)).toMatchObject({ unreadCount: 0 });
    expect((await bob.client.get<{ totalUnread: number }>('/api/im/chats')).body.totalUnread).toBe(totalBefore);
    for (const q of ['unpinned', 'owner', '群主', 'settings']) {
      const found = await bob.client.get<{ items: unknown[] }>(`/api/im/search?q=${encodeURIComponent(q)}&chatId=${chatId}`);
      expect([q, found.status, found.body.items]).toEqual([q, 200, []]);
    }

    // Dissolving leaves no line: the chat leaves Bob's list and its history closes (as Feishu's).
    const headBefore = (await chatOf(alice.client, chatId)).lastSeq;
    expect((await alice.client.delete(`/api/im/chats/${chatId}`)).status).toBe(200);
    const disbanded = await waitFor(
      () => live.frames.find((f) => f.type === 'im.chat.disbanded' && f.payload?.chatId === chatId),
      'the disbanded event on Bob’s socket',
    );
    await server.kite.dispatcher.settle();
    expect(live.frames.filter((f) => f.seq! > disbanded.seq! && f.payload?.chatId === chatId)).toEqual([]);
    const closed = await bob.client.get<ErrorBody>(`/api/im/chats/${chatId}/messages?after=${headBefore}`);
    expect([closed.status, closed.body.error.code]).toEqual([404, 'chat_dissolved']);
  });

  it('refuses to recall, edit, react to, reply to, pin, buzz or forward a line, with a clear code', async () => {
    const chatId = (await alice.client.post<ChatView>('/api/im/chats', { chatType: 'group', name: 'Hands off', userIds: [bob.user.id] }))
      .body.id;
    const [line] = await history(alice.client, chatId);
    const id = line!.id;
    const attempts: Array<[string, Promise<{ status: number; body: unknown }>]> = [
      ['recall', alice.client.post(`/api/im/messages/${id}/recall`)],
      ['edit', alice.client.patch(`/api/im/messages/${id}`, { content: text('rewritten') })],
      ['react', bob.client.post(`/api/im/messages/${id}/reactions`, { emojiType: 'THUMBSUP' })],
      ['reply', bob.client.post(`/api/im/chats/${chatId}/messages`, { msgType: 'text', content: text('re'), parentId: line!.messageId })],
      ['pin', alice.client.post(`/api/im/messages/${id}/pin`)],
      ['buzz', alice.client.post(`/api/im/messages/${id}/urgent`, { userIds: [bob.user.id] })],
    ];
    for (const [what, attempt] of attempts) {
      const answer = (await attempt) as { status: number; body: ErrorBody };
      expect([what, answer.status, answer.body.error?.code]).toEqual([what, 409, 'system_message']);
    }
    const forward = await alice.client.post<ErrorBody>(`/api/im/messages/${id}/forward`, { userIds: [carol.user.id] });
    expect(forward.body.error.code).toBe('not_forwardable');
    // Nothing changed: the line is as it was, alone, with no reaction, pin or thread.
    expect(await history(alice.client, chatId)).toEqual([line]);
    expect((await alice.client.get<{ items: unknown[] }>(`/api/im/chats/${chatId}/pins`)).body.items).toEqual([]);
  });

  it('names at most 50 people of one batch and counts the rest, in one line', async () => {
    const chatId = (await alice.client.post<ChatView>('/api/im/chats', { chatType: 'group', name: 'Everyone' })).body.id;
    const userIds: string[] = [];
    for (let index = 0; index < 52; index++) {
      const made = await admin.post<{ user: UserView }>('/api/contact/users', { name: `Person ${index}`, email: `p${index}@batch.test` });
      userIds.push(made.body.user.id);
    }
    const [line] = await linesOf(chatId, () => alice.client.post(`/api/im/chats/${chatId}/members`, { userIds }));
    expect(line!.system).toMatchObject({ template: 'members_added', targetCount: 52 });
    expect(line!.system!.targets).toHaveLength(50);
    expect(await history(alice.client, chatId, `?after=${line!.seq}`)).toEqual([]);
  });

  it('shows lines to apps as msg_type system in Feishu’s shape, sends them no receive_v1, refuses acting on them (SDK)', async () => {
    const received: Array<{ message: { message_id: string; message_type: string } }> = [];
    const ws = new lark.WSClient({ appId: bot.appId, appSecret: bot.appSecret, domain: server.url, loggerLevel: lark.LoggerLevel.error });
    await ws.start({
      eventDispatcher: new lark.EventDispatcher({}).register({
        'im.message.receive_v1': async (data: Record<string, unknown>) => {
          received.push(data as (typeof received)[number]);
        },
      }),
    });
    try {
      await waitFor(() => (server.kite.events.isConnected(bot.appId) ? true : undefined), 'the long connection');
      // The bot creates the group for Alice (owner) and Bob; it hears every group message (im:message.group_msg).
      const made = await bot.client.im.v1.chat.create({
        params: { user_id_type: 'open_id' },
        data: { name: 'Bot room', owner_id: alice.user.openId, user_id_list: [alice.user.openId, bob.user.openId] },
      });
      const chatId = made.data!.chat_id!;
      expect((await alice.client.post(`/api/im/chats/${chatId}/members`, { userIds: [carol.user.id] })).status).toBe(200);
      expect((await alice.client.patch(`/api/im/chats/${chatId}`, { name: 'Bot room 2' })).status).toBe(200);
      const witness = await bob.client.post<MessageView>(`/api/im/chats/${chatId}/messages`, {
        msgType: 'text',
        content: text('hello bot'),
      });
      await waitFor(() => received.find((event) => event.message.message_id === witness.body.messageId), 'the witness message');
      expect((await alice.client.post(`/api/im/messages/${witness.body.id}/pin`)).status).toBe(200);
      expect((await alice.client.delete(`/api/im/messages/${witness.body.id}/pin`)).status).toBe(200);
      expect((await alice.client.patch(`/api/im/chats/${chatId}`, { settings: { buzzPolicy: 'admins' } })).status).toBe(200);
      await server.kite.dispatcher.settle();
      expect(received.map((event) => event.message.message_type)).toEqual(['text']);

      const items = [];
      for await (const page of await bot.client.im.v1.message.listWithIterator({
        params: { container_id_type: 'chat', container_id: chatId, sort_type: 'ByCreateTimeAsc' },
      })) {
        items.push(...(page?.items ?? []));
      }
      const lines = items.filter((item) => item.msg_type === 'system');
      expect(lines).toHaveLength(6);
      expect(lines[0]).toMatchObject({ sender: { id: '', sender_type: 'system' }, deleted: false });
      expect(lines.map((item) => JSON.parse(item.body!.content!))).toEqual([
        {
          template: '{from_user} started the group chat and invited {to_chatters}.',
          from_user: ['Notifier'],
          to_chatters: expect.arrayContaining(['Alice', 'Bob']),
          divider_text: {},
        },
        { template: '{from_user} invited {to_chatters} to the group.', from_user: ['Alice'], to_chatters: ['Carol'], divider_text: {} },
        {
          template: '{from_user} changed the group name to "{group_name}".',
          from_user: ['Alice'],
          to_chatters: [],
          divider_text: {},
          group_name: 'Bot room 2',
        },
        {
          template: '{from_user} pinned a message.',
          from_user: ['Alice'],
          to_chatters: [],
          divider_text: {},
          message_id: witness.body.messageId,
        },
        {
          template: '{from_user} unpinned a message.',
          from_user: ['Alice'],
          to_chatters: [],
          divider_text: {},
          message_id: witness.body.messageId,
        },
        {
          template: '{from_user} changed the group settings: only the group owner and admins can send buzz messages.',
          from_user: ['Alice'],
          to_chatters: [],
          divider_text: {},
        },
      ]);
      const one = await bot.client.im.v1.message.get({ path: { message_id: lines[1]!.message_id! } });
      expect(one.data!.items![0]).toMatchObject({ msg_type: 'system', body: { content: lines[1]!.body!.content } });

      const id = lines[1]!.message_id!;
      const refusals = [
        await sdkFailure(bot.client.im.v1.message.delete({ path: { message_id: id } })),
        await sdkFailure(
          bot.client.im.v1.messageReaction.create({ path: { message_id: id }, data: { reaction_type: { emoji_type: 'SMILE' } } }),
        ),
        await sdkFailure(bot.client.im.v1.message.reply({ path: { message_id: id }, data: { msg_type: 'text', content: text('re') } })),
        await sdkFailure(bot.client.im.v1.pin.create({ data: { message_id: id } })),
      ];
      expect(refusals).toEqual(Array(4).fill({ status: 400, code: 230_001 }));
    } finally {
      ws.close({ force: true });
    }
  });
});
