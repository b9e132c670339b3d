import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { UserView } from '@kite/contact/contract';
import { addSignedInPerson, setUpTenant, startTestServer, type TestServer, testEngines, type WebClient } from '@kite/testing/test-server';
import * as lark from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSdkBot, sdkFailure as failure } from './im-test-kit.ts';

/**
 * im v1 through the official Lark SDK, unchanged (reference/feishu-openapi.md §10 steps 3–6): chats,
 * members, messages, cards, reactions, and the events a bot receives over the long connection and
 * a webhook.
 */

async function waitFor<T>(read: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function collect<T>(iterator: AsyncIterable<T | null>): Promise<T[]> {
  const pages: T[] = [];
  for await (const page of iterator) {
    expect(page).not.toBeNull();
    if (page) pages.push(page);
  }
  return pages;
}

describe.each(testEngines())('im v1 through the official SDK (%s)', (engine) => {
  let server: TestServer;
  let admin: WebClient;
  let alice: { client: WebClient; user: UserView };
  let bob: UserView;
  let app: { appId: string; appSecret: string };
  let client: lark.Client;
  let hook: Server;
  let hookApp: { appId: string };
  const hookEvents: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    server = await startTestServer({ engine });
    ({ admin } = await setUpTenant(server));
    alice = await addSignedInPerson(server, admin, 'Alice');
    bob = (await admin.post<{ user: UserView }>('/api/contact/users', { name: 'Bob', email: 'bob@acme.test' })).body.user;
    const bot = await createSdkBot(server, admin, 'Kite Bot');
    app = { appId: bot.appId, appSecret: bot.appSecret };
    client = bot.client;

    const dispatcher = new lark.EventDispatcher({ encryptKey: 'im-hook-key', loggerLevel: lark.LoggerLevel.error }).register({
      'im.chat.member.user.added_v1': async (data: Record<string, unknown>) => {
        hookEvents.push(data);
      },
      'im.chat.member.bot.added_v1': async (data: Record<string, unknown>) => {
        hookEvents.push(data);
      },
    });
    hook = createServer(lark.adaptDefault('/hook', dispatcher, { autoChallenge: true }));
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    const hooked = await admin.post<{ app: { appId: string } }>('/api/admin/apps', {
      name: 'Hook Bot',
      eventUrl: hookUrl,
      encryptKey: 'im-hook-key',
    });
    expect(hooked.status).toBe(200);
    hookApp = { appId: hooked.body.app.appId };
  });

  afterAll(async () => {
    await server?.close();
    await new Promise((resolve) => hook?.close(resolve));
  });

  it('manages chats and members (§10 step 3) and tells a webhook bot who joined (step 6)', async () => {
    const created = await client.im.v1.chat.create({
      params: { user_id_type: 'open_id' },
      data: { name: '发布群', description: 'release', user_id_list: [alice.user.openId], bot_id_list: [hookApp.appId] },
    });
    expect(created.code).toBe(0);
    const chatId = created.data!.chat_id!;
    expect(chatId).toMatch(/^oc_/);

    const got = await client.im.v1.chat.get({ path: { chat_id: chatId }, params: { user_id_type: 'open_id' } });
    expect(got.code).toBe(0);
    expect(got.data).toMatchObject({ name: '发布群', description: 'release', user_count: '1', bot_count: '2', owner_id_type: 'app_id' });
    expect(got.data).not.toHaveProperty('chat_id');

    const updated = await client.im.v1.chat.update({
      path: { chat_id: chatId },
      data: { name: '发布群 v2', add_member_permission: 'all_members' },
    });
    expect(updated.code).toBe(0);
    const pages = await collect(await client.im.v1.chat.listWithIterator({ params: { page_size: 1 } }));
    expect(pages.flatMap((page) => page.items ?? []).find((item) => item.chat_id === chatId)?.name).toBe('发布群 v2');
    const found = await client.im.v1.chat.search({ params: { query: 'v2' } });
    expect(found.data?.items?.map((item) => item.chat_id)).toEqual([chatId]);

    const added = await client.im.v1.chatMembers.create({
      path: { chat_id: chatId },
      params: { member_id_type: 'open_id' },
      data: { id_list: [bob.openId, 'ou_unknown'] },
    });
    expect(added.code).toBe(0);
    expect(added.data?.invalid_id_list).toEqual(['ou_unknown']);
    const members = await collect(
      await client.im.v1.chatMembers.getWithIterator({ path: { chat_id: chatId }, params: { member_id_type: 'user_id', page_size: 1 } }),
    );
    expect(new Set(members.flatMap((page) => page.items ?? []).map((item) => item.member_id))).toEqual(
      new Set([alice.user.userId, bob.userId]),
    );
    expect((await client.im.v1.chatMembers.isInChat({ path: { chat_id: chatId } })).data?.is_in_chat).toBe(true);

    const joined = await waitFor(
      () => hookEvents.find((event) => event.event_type === 'im.chat.member.user.added_v1' && event.chat_id === chatId),
      'im.chat.member.user.added_v1 at the webhook',
    );
    expect(joined).toMatchObject({ app_id: hookApp.appId, name: '发布群 v2', users: [{ name: 'Bob', user_id: { open_id: bob.openId } }] });
    expect(hookEvents.some((event) => event.event_type === 'im.chat.member.bot.added_v1' && event.chat_id === chatId)).toBe(true);

    const removed = await client.im.v1.chatMembers.delete({
      path: { chat_id: chatId },
      params: { member_id_type: 'open_id' },
      data: { id_list: [bob.openId] },
    });
    expect(removed.code).toBe(0);
    const deleted = await client.im.v1.chat.delete({ path: { chat_id: chatId } });
    expect(deleted.code).toBe(0);
    expect(await failure(client.im.v1.chat.get({ path: { chat_id: chatId } }))).toEqual({ status: 400, code: 232_009 });
  });

  it('sends, replies, gets, lists, patches cards, reacts and recalls (§10 step 4)', async () => {
    const chatId = (await client.im.v1.chat.create({ data: { name: 'Messages', user_id_list: [alice.user.openId] } })).data!.chat_id!;
    const sent: string[] = [];
    for (const [msgType, content] of [
      ['text', { text: `hi <at user_id="${alice.user.openId}">Alice</at>` }],
      [
        'post',
        {
          zh_cn: {
            title: 'T',
            content: [
              [
                { tag: 'text', text: 'a' },
                { tag: 'a', href: 'https://kite.test', text: 'l' },
              ],
            ],
          },
        },
      ],
      ['interactive', lark.messageCard.defaultCard({ title: 'Card', content: 'v1' })],
    ] as const) {
      const message = await client.im.v1.message.create({
        params: { receive_id_type: 'chat_id' },
        data: { receive_id: chatId, msg_type: msgType, content: typeof content === 'string' ? content : JSON.stringify(content) },
      });
      expect(message.code, JSON.stringify(message)).toBe(0);
      expect(message.data?.message_id).toMatch(/^om_/);
      expect(message.data).toMatchObject({
        chat_id: chatId,
        msg_type: msgType,
        sender: { id: app.appId, id_type: 'app_id', sender_type: 'app' },
      });
      sent.push(message.data!.message_id!);
    }
    const [textId, , cardId] = sent as [string, string, string];

    const reply = await client.im.v1.message.reply({
      path: { message_id: textId },
      data: { msg_type: 'text', content: JSON.stringify({ text: 'a reply' }) },
    });
    expect(reply.code).toBe(0);
    expect(reply.data).toMatchObject({ parent_id: textId, root_id: textId });

    const got = await client.im.v1.message.get({ path: { message_id: textId } });
    expect(got.code).toBe(0);
    expect(got.data?.items?.[0]).toMatchObject({
      message_id: textId,
      body: { content: JSON.stringify({ text: 'hi @_user_1' }) },
      mentions: [{ key: '@_user_1', id: alice.user.openId, id_type: 'open_id', name: 'Alice' }],
    });

    const listed = await collect(
      await client.im.v1.message.listWithIterator({ params: { container_id_type: 'chat', container_id: chatId, page_size: 2 } }),
    );
    // The group's "started the group chat" line comes first.
    expect(listed.flatMap((page) => page.items ?? []).map((item) => (item.msg_type === 'system' ? 'system' : item.message_id))).toEqual([
      'system',
      ...sent,
      reply.data!.message_id,
    ]);
    const newestFirst = await client.im.v1.message.list({
      params: { container_id_type: 'chat', container_id: chatId, sort_type: 'ByCreateTimeDesc', page_size: 1 },
    });
    expect(newestFirst.data?.items?.[0]?.message_id).toBe(reply.data!.message_id);

    const patched = await client.im.v1.message.patch({
      path: { message_id: cardId },
      // defaultCard returns the card's JSON string already.
      data: { content: lark.messageCard.defaultCard({ title: 'Card', content: 'v2' }) },
    });
    expect(patched.code).toBe(0);
    const card = (await client.im.v1.message.get({ path: { message_id: cardId } })).data?.items?.[0];
    expect(card?.body?.content).toContain('v2');

    const reaction = await client.im.v1.messageReaction.create({
      path: { message_id: textId },
      data: { reaction_type: { emoji_type: 'SMILE' } },
    });
    expect(reaction.code).toBe(0);
    expect(reaction.data).toMatchObject({
      reaction_type: { emoji_type: 'SMILE' },
      operator: { operator_type: 'app', operator_id: app.appId },
    });
    const reactions = await client.im.v1.messageReaction.list({ path: { message_id: textId } });
    expect(reactions.data?.items?.map((item) => item.reaction_id)).toEqual([reaction.data!.reaction_id]);
    // Pages come in the order the reactions were made: the bot's first, then Alice's.
    expect((await alice.client.post(`/api/im/messages/${textId}/reactions`, { emojiType: 'THUMBSUP' })).status).toBe(200);
    const first = await client.im.v1.messageReaction.list({ path: { message_id: textId }, params: { page_size: 1 } });
    expect(first.data).toMatchObject({ has_more: true, items: [{ reaction_type: { emoji_type: 'SMILE' } }] });
    const second = await client.im.v1.messageReaction.list({
      path: { message_id: textId },
      params: { page_size: 1, page_token: first.data!.page_token! },
    });
    expect(second.data).toMatchObject({ has_more: false, page_token: '', items: [{ reaction_type: { emoji_type: 'THUMBSUP' } }] });
    const badToken = await client.im.v1.messageReaction
      .list({ path: { message_id: textId }, params: { page_token: 'not-a-token' } })
      .catch((error: { response?: { data?: { code?: number } } }) => error.response?.data);
    expect(badToken?.code).not.toBe(0);
    const unreacted = await client.im.v1.messageReaction.delete({ path: { message_id: textId, reaction_id: reaction.data!.reaction_id! } });
    expect(unreacted.code).toBe(0);

    const edited = await client.im.v1.message.update({
      path: { message_id: textId },
      data: { msg_type: 'text', content: JSON.stringify({ text: 'edited' }) },
    });
    expect(edited.code).toBe(0);
    expect(edited.data).toMatchObject({ updated: true });

    // Alice reads; the bot sees who read its message.
    await alice.client.post(`/api/im/chats/${chatId}/read`, { seq: 10 });
    const readers = await client.im.v1.message.readUsers({ path: { message_id: textId }, params: { user_id_type: 'open_id' } });
    expect(readers.data?.items?.map((item) => item.user_id)).toEqual([alice.user.openId]);

    expect((await client.im.v1.message.delete({ path: { message_id: textId } })).code).toBe(0);
    expect((await client.im.v1.message.get({ path: { message_id: textId } })).data?.items?.[0]?.deleted).toBe(true);
    expect(await failure(client.im.v1.message.delete({ path: { message_id: textId } }))).toEqual({ status: 400, code: 230_011 });
  });

  it('sends to a person by open_id or email through one p2p chat, deduplicating by uuid', async () => {
    const first = await client.im.v1.message.create({
      params: { receive_id_type: 'open_id' },
      data: { receive_id: alice.user.openId, msg_type: 'text', content: JSON.stringify({ text: 'hello' }), uuid: 'once' },
    });
    const again = await client.im.v1.message.create({
      params: { receive_id_type: 'open_id' },
      data: { receive_id: alice.user.openId, msg_type: 'text', content: JSON.stringify({ text: 'hello' }), uuid: 'once' },
    });
    const byEmail = await client.im.v1.message.create({
      params: { receive_id_type: 'email' },
      data: { receive_id: 'alice@acme.test', msg_type: 'text', content: JSON.stringify({ text: 'by email' }) },
    });
    expect(first.code).toBe(0);
    expect(again.data?.message_id).toBe(first.data?.message_id);
    expect(byEmail.data?.chat_id).toBe(first.data?.chat_id);
    const chats = (await alice.client.get<{ items: Array<{ chatId: string; chatType: string; name: string }> }>('/api/im/chats')).body
      .items;
    expect(chats.find((chat) => chat.chatId === first.data?.chat_id)).toMatchObject({ chatType: 'p2p', name: 'Kite Bot' });
  });

  it('answers business errors with HTTP 400 and Feishu codes', async () => {
    const foreign = (await alice.client.post<{ chatId: string }>('/api/im/chats', { chatType: 'group', name: 'No bots' })).body.chatId;
    const outside = await failure(
      client.im.v1.message.create({
        params: { receive_id_type: 'chat_id' },
        data: { receive_id: foreign, msg_type: 'text', content: JSON.stringify({ text: 'x' }) },
      }),
    );
    expect(outside).toEqual({ status: 400, code: 230_002 });
    const chatId = (await client.im.v1.chat.create({ data: { name: 'Errors' } })).data!.chat_id!;
    const invalid = await failure(
      client.im.v1.message.create({
        params: { receive_id_type: 'chat_id' },
        data: { receive_id: chatId, msg_type: 'text', content: '{oops' },
      }),
    );
    expect(invalid).toEqual({ status: 400, code: 230_001 });
    expect(await failure(client.im.v1.chat.get({ path: { chat_id: 'oc_00000000000000000000000000000000' } }))).toEqual({
      status: 400,
      code: 232_006,
    });
  });

  it('pushes im.message.receive_v1 to the bot over the long connection when a person posts (§10 step 5), and im.message.read_v1 when its message is read', async () => {
    const received: Array<Record<string, unknown>> = [];
    const reads: Array<Record<string, unknown>> = [];
    const ws = new lark.WSClient({ appId: app.appId, appSecret: app.appSecret, domain: server.url, loggerLevel: lark.LoggerLevel.error });
    await ws.start({
      eventDispatcher: new lark.EventDispatcher({}).register({
        'im.message.receive_v1': async (data: Record<string, unknown>) => {
          received.push(data);
        },
        'im.message.read_v1': async (data: Record<string, unknown>) => {
          reads.push(data);
        },
      }),
    });
    try {
      await waitFor(() => (server.kite.events.isConnected(app.appId) ? true : undefined), 'the long connection');
      const chatId = (await client.im.v1.chat.create({ data: { name: 'Bot hears', user_id_list: [alice.user.openId] } })).data!.chat_id!;
      // The bot's own message is not echoed back to it.
      await client.im.v1.message.create({
        params: { receive_id_type: 'chat_id' },
        data: { receive_id: chatId, msg_type: 'text', content: JSON.stringify({ text: 'from the bot' }) },
      });
      const posted = await alice.client.post<{ messageId: string }>(`/api/im/chats/${chatId}/messages`, {
        msgType: 'text',
        content: JSON.stringify({ text: '你好 bot' }),
      });
      const event = await waitFor(() => received[0], 'im.message.receive_v1');
      expect(event).toMatchObject({
        event_type: 'im.message.receive_v1',
        app_id: app.appId,
        sender: { sender_id: { open_id: alice.user.openId }, sender_type: 'user' },
        message: { message_id: posted.body.messageId, chat_id: chatId, chat_type: 'group', message_type: 'text' },
      });
      expect(JSON.parse((event.message as { content: string }).content)).toEqual({ text: '你好 bot' });
      expect(received).toHaveLength(1);

      // Alice reads the bot's answer: the bot hears which of its messages she read, and when.
      const answer = await client.im.v1.message.create({
        params: { receive_id_type: 'chat_id' },
        data: { receive_id: chatId, msg_type: 'text', content: JSON.stringify({ text: '收到' }) },
      });
      const chat = await alice.client.get<{ lastSeq: number }>(`/api/im/chats/${chatId}`);
      expect((await alice.client.post(`/api/im/chats/${chatId}/read`, { seq: chat.body.lastSeq })).status).toBe(200);
      const read = await waitFor(() => reads[0], 'im.message.read_v1');
      expect(read).toMatchObject({
        event_type: 'im.message.read_v1',
        reader: { reader_id: { open_id: alice.user.openId } },
        message_id_list: [answer.data!.message_id],
      });
    } finally {
      ws.close({ force: true });
    }
  });
});
