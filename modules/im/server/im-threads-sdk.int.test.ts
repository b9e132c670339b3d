import type { ChatView, MessageView } from '@kite/im/contract';
import { startTwoPeople, type TestServer, testEngines, type WebClient, waitFor } from '@kite/testing/test-server';
import * as lark from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSdkBot, sdkFailure } from './im-test-kit.ts';

/**
 * Feishu's threads (话题) through the official SDK, unchanged: `message.reply` with and without
 * `reply_in_thread`, `thread_id` (`omt_…`) on the root and its thread replies, `message.list` of a
 * `thread` container (and the chat's timeline without thread replies), `message.forward` to
 * `receive_id_type=thread_id`, `im.message.receive_v1` naming the thread; unknown threads refused
 * with nothing stored.
 */

describe.each(testEngines())('threads through the official SDK (%s)', (engine) => {
  let server: TestServer;
  let alice: { client: WebClient; user: { openId: string } };
  let bot: { appId: string; appSecret: string; client: lark.Client };
  /** The bot's group with Alice. */
  let team: string;

  const text = (value: string) => JSON.stringify({ text: value });
  const texts = (items: Array<{ body?: { content: string } }> | undefined) =>
    (items ?? []).map((item) => (JSON.parse(item.body!.content) as { text?: string }).text ?? '');

  async function botSends(value: string): Promise<string> {
    const sent = await bot.client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: team, msg_type: 'text', content: text(value) },
    });
    expect(sent.code).toBe(0);
    return sent.data!.message_id!;
  }

  async function botReplies(messageId: string, value: string, inThread?: boolean) {
    const sent = await bot.client.im.v1.message.reply({
      path: { message_id: messageId },
      data: { msg_type: 'text', content: text(value), ...(inThread === undefined ? {} : { reply_in_thread: inThread }) },
    });
    expect(sent.code).toBe(0);
    return sent.data!;
  }

  async function listAll(containerType: 'chat' | 'thread', containerId: string) {
    const items: Array<{ message_id?: string; thread_id?: string; body?: { content: string } }> = [];
    for await (const page of await bot.client.im.v1.message.listWithIterator({
      params: { container_id_type: containerType, container_id: containerId, page_size: 2 },
    })) {
      items.push(...(page?.items ?? []));
    }
    return items;
  }

  beforeAll(async () => {
    let admin: WebClient;
    ({ server, admin, alice } = await startTwoPeople({ engine }));
    bot = await createSdkBot(server, admin, 'Thread Bot');
    team = (await bot.client.im.v1.chat.create({ data: { name: 'Team', user_id_list: [alice.user.openId] } })).data!.chat_id!;
  });

  afterAll(async () => {
    await server?.close();
  });

  it('replies in thread with a thread id on root and replies, and quotes without one', async () => {
    const root = await botSends('release plan');
    const first = await botReplies(root, 'step 1', true);
    expect(first.thread_id).toMatch(/^omt_[0-9a-f]{32}$/);
    expect(first).toMatchObject({ root_id: root, parent_id: root });
    const second = await botReplies(first.message_id!, 'step 2', true);
    expect(second).toMatchObject({ root_id: root, parent_id: first.message_id, thread_id: first.thread_id });
    const rootNow = await bot.client.im.v1.message.get({ path: { message_id: root } });
    expect(rootNow.data?.items?.[0]).toMatchObject({ message_id: root, thread_id: first.thread_id });

    const quote = await botReplies(root, 'quoted', false);
    expect(quote).toMatchObject({ root_id: root, parent_id: root });
    expect(quote.thread_id).toBeUndefined();
    // Answering a thread reply stays in its thread, whatever reply_in_thread says (as in Feishu).
    const inside = await botReplies(second.message_id!, 'answer inside');
    expect(inside).toMatchObject({ root_id: root, thread_id: first.thread_id });

    // The chat's timeline keeps the quote reply and leaves the thread out; the thread is its root and replies, oldest first.
    expect(texts(await listAll('chat', team)).slice(-2)).toEqual(['release plan', 'quoted']);
    const thread = await listAll('thread', first.thread_id!);
    expect(texts(thread)).toEqual(['release plan', 'step 1', 'step 2', 'answer inside']);
    expect(new Set(thread.map((item) => item.thread_id))).toEqual(new Set([first.thread_id]));
    const newestFirst = await bot.client.im.v1.message.list({
      params: { container_id_type: 'thread', container_id: first.thread_id!, sort_type: 'ByCreateTimeDesc', page_size: 1 },
    });
    expect(texts(newestFirst.data?.items)).toEqual(['answer inside']);
    expect(newestFirst.data?.has_more).toBe(true);

    // A quote reply can start a thread of its own: its thread id differs.
    const onQuote = await botReplies(quote.message_id!, 'on the quote', true);
    expect(onQuote).toMatchObject({ root_id: quote.message_id, parent_id: quote.message_id });
    expect(onQuote.thread_id).toMatch(/^omt_/);
    expect(onQuote.thread_id).not.toBe(first.thread_id);
  });

  it('shows the web the same model: thread replies in the panel and counted, quotes in the timeline', async () => {
    const root = await botSends('web view');
    await botReplies(root, 'in thread', true);
    await botReplies(root, 'quote', false);
    const chat = (await alice.client.get<ChatView>(`/api/im/chats/${team}`)).body;
    const timeline = (await alice.client.get<{ items: MessageView[] }>(`/api/im/chats/${chat.id}/messages`)).body.items;
    const rootView = timeline.find((message) => message.messageId === root)!;
    expect(rootView).toMatchObject({ replyCount: 1, inThread: false });
    expect(rootView.threadId).toMatch(/^omt_/);
    expect(timeline.slice(-2).map((message) => JSON.parse(message.content).text)).toEqual(['web view', 'quote']);
    const panel = (await alice.client.get<{ items: MessageView[] }>(`/api/im/chats/${chat.id}/messages?threadRootId=${rootView.id}`)).body
      .items;
    expect(panel.map((message) => [JSON.parse(message.content).text, message.inThread])).toEqual([
      ['web view', false],
      ['in thread', true],
    ]);
    // Alice replies in the thread from the web: the answer says so, and stays out of the timeline.
    const sent = await alice.client.post<MessageView>(`/api/im/chats/${chat.id}/messages`, {
      msgType: 'text',
      content: text('from Alice'),
      parentId: rootView.id,
      replyInThread: true,
    });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ inThread: true, threadId: rootView.threadId, rootId: rootView.id });
    const refused = await alice.client.post(`/api/im/chats/${chat.id}/messages`, {
      msgType: 'text',
      content: text('x'),
      replyInThread: true,
    });
    expect(refused.status).toBe(400);
  });

  it('forwards into a thread as a thread reply', async () => {
    const root = await botSends('incident');
    const { thread_id: threadId } = await botReplies(root, 'looking', true);
    const original = await botSends('graph attached');
    const forwarded = await bot.client.im.v1.message.forward({
      path: { message_id: original },
      params: { receive_id_type: 'thread_id' },
      data: { receive_id: threadId! },
    });
    expect(forwarded.code).toBe(0);
    expect(forwarded.data).toMatchObject({ chat_id: team, root_id: root, parent_id: root, thread_id: threadId });
    expect(texts(await listAll('thread', threadId!))).toEqual(['incident', 'looking', 'graph attached']);
    const merged = await bot.client.im.v1.message.mergeForward({
      params: { receive_id_type: 'thread_id' },
      data: { receive_id: threadId!, message_id_list: [original] },
    });
    expect(merged.data?.message).toMatchObject({ msg_type: 'merge_forward', thread_id: threadId });
  });

  it('refuses unknown and unreadable threads with Feishu’s codes and stores nothing', async () => {
    const before = (await listAll('chat', team)).length;
    const original = await botSends('keep');
    const forward = (receiveId: string) =>
      sdkFailure(
        bot.client.im.v1.message.forward({
          path: { message_id: original },
          params: { receive_id_type: 'thread_id' },
          data: { receive_id: receiveId },
        }),
      );
    expect(await forward('omt_0000000000000000000000000000dead')).toEqual({ status: 400, code: 230_001 });
    expect(await forward(team)).toEqual({ status: 400, code: 230_001 });
    expect(
      await sdkFailure(bot.client.im.v1.message.list({ params: { container_id_type: 'thread', container_id: 'omt_unknown' } })),
    ).toEqual({ status: 400, code: 230_001 });
    expect(await sdkFailure(bot.client.im.v1.message.list({ params: { container_id_type: 'topic', container_id: team } }))).toEqual({
      status: 400,
      code: 99_992_402,
    });
    // Alice's own group without the bot: its thread exists, but the bot is not in its chat.
    const hidden = (await alice.client.post<ChatView>('/api/im/chats', { chatType: 'group', name: 'Private', userIds: [] })).body;
    const secret = (await alice.client.post<MessageView>(`/api/im/chats/${hidden.id}/messages`, { msgType: 'text', content: text('s') }))
      .body;
    const secretReply = (
      await alice.client.post<MessageView>(`/api/im/chats/${hidden.id}/messages`, {
        msgType: 'text',
        content: text('t'),
        parentId: secret.id,
        replyInThread: true,
      })
    ).body;
    expect(await forward(secretReply.threadId!)).toEqual({ status: 400, code: 230_002 });
    expect(
      await sdkFailure(bot.client.im.v1.message.list({ params: { container_id_type: 'thread', container_id: secretReply.threadId! } })),
    ).toEqual({ status: 400, code: 230_002 });
    expect((await listAll('chat', team)).length).toBe(before + 1);
    const secretThread = (await alice.client.get<{ items: MessageView[] }>(`/api/im/chats/${hidden.id}/messages?threadRootId=${secret.id}`))
      .body.items;
    expect(secretThread).toHaveLength(2);
  });

  it('names the thread in im.message.receive_v1 for thread replies only', async () => {
    const received: Array<{ message: { message_id: string; thread_id?: string; root_id?: string } }> = [];
    const ws = new lark.WSClient({ appId: bot.appId, appSecret: bot.appSecret, domain: server.url, loggerLevel: lark.LoggerLevel.error });
    await ws.start({
      eventDispatcher: new lark.EventDispatcher({}).register({
        'im.message.receive_v1': async (data: (typeof received)[number]) => {
          received.push(data);
        },
      }),
    });
    try {
      await waitFor(() => (server.kite.events.isConnected(bot.appId) ? true : undefined), 'the long connection');
      const chat = (await alice.client.get<ChatView>(`/api/im/chats/${team}`)).body;
      const post = (body: Record<string, unknown>) =>
        alice.client.post<MessageView>(`/api/im/chats/${chat.id}/messages`, { msgType: 'text', ...body });
      const root = (await post({ content: text('question') })).body;
      const threaded = (await post({ content: text('in thread'), parentId: root.id, replyInThread: true })).body;
      const quoted = (await post({ content: text('quoted'), parentId: root.id })).body;
      await waitFor(() => (received.length >= 3 ? true : undefined), 'three receive_v1 events');
      const byId = new Map(received.map((event) => [event.message.message_id, event.message]));
      expect(byId.get(root.messageId)?.thread_id).toBeUndefined();
      expect(byId.get(threaded.messageId)).toMatchObject({ root_id: root.messageId, thread_id: threaded.threadId });
      expect(threaded.threadId).toMatch(/^omt_/);
      expect(byId.get(quoted.messageId)).toMatchObject({ root_id: root.messageId });
      expect(byId.get(quoted.messageId)?.thread_id).toBeUndefined();
    } finally {
      ws.close({ force: true });
    }
  });
});
