import type { ChatView, MessageView } from '@kite/im/contract';
import { type SignedIn, startTwoPeople, type TestServer, testEngines } from '@kite/testing/test-server';
import type * as lark from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSdkBot } from './im-test-kit.ts';

/**
 * Topic groups (Feishu's 话题群, `group_message_type: "thread"`): every message starts a topic with
 * its `omt_…` id at once, and every reply — quote or not — goes into the thread of its topic. Made
 * and switched in the web API and through the official SDK; switching writes a settings line;
 * a conversation group is unchanged.
 */
describe.each(testEngines())('topic groups (%s)', (engine) => {
  let server: TestServer;
  let alice: SignedIn;
  let bob: SignedIn;
  let bot: { client: lark.Client };

  type Page = { items: MessageView[] };
  const text = (value: string) => ({ msgType: 'text', content: JSON.stringify({ text: value }) });
  const textOf = (message: MessageView) => (JSON.parse(message.content) as { text?: string }).text;

  async function createGroup(messageForm?: 'chat' | 'thread'): Promise<ChatView> {
    const created = await alice.client.post<ChatView>('/api/im/chats', {
      chatType: 'group',
      name: `Group ${messageForm ?? 'default'}`,
      userIds: [bob.user.id],
      ...(messageForm ? { messageForm } : {}),
    });
    expect(created.status).toBe(200);
    return created.body;
  }

  async function send(person: SignedIn, chatId: string, body: object): Promise<MessageView> {
    const sent = await person.client.post<MessageView>(`/api/im/chats/${chatId}/messages`, body);
    expect(sent.status).toBe(200);
    return sent.body;
  }

  beforeAll(async () => {
    let admin: Awaited<ReturnType<typeof startTwoPeople>>['admin'];
    ({ server, admin, alice, bob } = await startTwoPeople({ engine }));
    bot = await createSdkBot(server, admin, 'Topic Bot');
  });

  afterAll(async () => {
    await server?.close();
  });

  it('starts a topic with every message and keeps every reply in its thread', async () => {
    const chat = await createGroup('thread');
    expect(chat.settings.messageForm).toBe('thread');
    const topic = await send(alice, chat.id, text('Release 3.2 goes out on Friday'));
    expect(topic.threadId).toMatch(/^omt_[0-9a-f]{32}$/);
    expect(topic.inThread).toBe(false);
    // Bob answers without asking for a thread: in a topic group there is nothing else.
    const reply = await send(bob, chat.id, { ...text('I will check the rollback'), parentId: topic.id });
    expect(reply).toMatchObject({ inThread: true, threadId: topic.threadId, rootId: topic.id });
    const second = await send(alice, chat.id, text('Office closed on Monday'));
    expect(second.threadId).not.toBe(topic.threadId);

    const timeline = await bob.client.get<Page>(`/api/im/chats/${chat.id}/messages?limit=50`);
    expect(timeline.body.items.filter((m) => m.msgType === 'text').map(textOf)).toEqual([
      'Release 3.2 goes out on Friday',
      'Office closed on Monday',
    ]);
    const rootNow = timeline.body.items.find((m) => m.id === topic.id)!;
    expect(rootNow.replyCount).toBe(1);
    const thread = await bob.client.get<Page>(`/api/im/chats/${chat.id}/messages?threadRootId=${topic.id}`);
    expect(thread.body.items.map(textOf)).toEqual(['Release 3.2 goes out on Friday', 'I will check the rollback']);
  });

  it('leaves a conversation group as it was: plain messages, quote replies', async () => {
    const chat = await createGroup();
    expect(chat.settings.messageForm).toBe('chat');
    const message = await send(alice, chat.id, text('hello'));
    expect(message.threadId).toBeNull();
    const quote = await send(bob, chat.id, { ...text('hi'), parentId: message.id });
    expect(quote).toMatchObject({ inThread: false, threadId: null, parentId: message.id });
  });

  it('switches a group to topics with a settings line, for its owner only', async () => {
    const chat = await createGroup('chat');
    const refused = await bob.client.patch(`/api/im/chats/${chat.id}`, { settings: { messageForm: 'thread' } });
    expect(refused.status).toBe(403);
    const bad = await alice.client.patch(`/api/im/chats/${chat.id}`, { settings: { messageForm: 'forum' } });
    expect(bad.status).toBe(400);
    const switched = await alice.client.patch<ChatView>(`/api/im/chats/${chat.id}`, { settings: { messageForm: 'thread' } });
    expect(switched.status).toBe(200);
    expect(switched.body.settings.messageForm).toBe('thread');
    const page = await bob.client.get<Page>(`/api/im/chats/${chat.id}/messages?limit=50`);
    const line = page.body.items.at(-1)!;
    expect(line.msgType).toBe('system');
    expect(JSON.parse(line.content)).toMatchObject({ template: 'settings_changed', setting: { name: 'messageForm', value: 'thread' } });
    expect((await send(bob, chat.id, text('first topic'))).threadId).toMatch(/^omt_/);
  });

  it('makes, reads and switches topic groups through the official SDK', async () => {
    const created = await bot.client.im.v1.chat.create({
      data: { name: 'SDK topics', user_id_list: [alice.user.openId], group_message_type: 'thread' },
    });
    expect(created.code).toBe(0);
    const chatId = created.data!.chat_id!;
    const read = await bot.client.im.v1.chat.get({ path: { chat_id: chatId } });
    expect(read.data?.group_message_type).toBe('thread');

    const sent = await bot.client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: chatId, msg_type: 'text', content: JSON.stringify({ text: 'deploy window' }) },
    });
    expect(sent.data?.thread_id).toMatch(/^omt_/);
    const reply = await bot.client.im.v1.message.reply({
      path: { message_id: sent.data!.message_id! },
      data: { msg_type: 'text', content: JSON.stringify({ text: '22:00 works' }) },
    });
    expect(reply.data).toMatchObject({ thread_id: sent.data!.thread_id, root_id: sent.data!.message_id });

    const updated = await bot.client.im.v1.chat.update({ path: { chat_id: chatId }, data: { group_message_type: 'chat' } });
    expect(updated.code).toBe(0);
    expect((await bot.client.im.v1.chat.get({ path: { chat_id: chatId } })).data?.group_message_type).toBe('chat');
    const plain = await bot.client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: chatId, msg_type: 'text', content: JSON.stringify({ text: 'back to chat' }) },
    });
    expect(plain.data?.thread_id).toBeUndefined();

    const refused = await bot.client.im.v1.chat
      .create({ data: { name: 'Bad', group_message_type: 'forum' as 'chat' } })
      .catch((error: { response?: { data?: { code?: number } } }) => error.response?.data);
    expect(refused?.code).not.toBe(0);
  });
});
