import type { UserView } from '@kite/contact/contract';
import type { CardActionResult, ChatView, MessageSearchAnswer, MessageView } from '@kite/im/contract';
import {
  addSignedInPerson,
  createSecondTenant,
  setUpTenant,
  startTestServer,
  type TestServer,
  testEngines,
  type WebClient,
  waitFor,
} from '@kite/testing/test-server';
import * as lark from '@larksuiteoapi/node-sdk';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createSdkBot, quietLogger as quiet, type SdkBot, sdkFailureWithMsg } from './im-test-kit.ts';

/**
 * Cards only one person sees (Feishu's `ephemeral/v1/send` and `/delete`) as apps send them: the
 * official SDK has no method, so `client.request`. Alice gets the card live and in her history after
 * the message that was last; Bob, the chat's counts, search and other apps see nothing; a click calls
 * the app back (`card.action.trigger` over a `WSClient`) and its answer changes Alice's card alone.
 */

const plain = (content: string) => ({ tag: 'plain_text', content });
const askCard = {
  header: { title: plain('Set a reminder'), template: 'blue' },
  elements: [
    { tag: 'div', text: { tag: 'lark_md', content: 'Only you choose when' } },
    { tag: 'action', actions: [{ tag: 'button', text: plain('Tomorrow'), type: 'primary', value: { when: 'tomorrow' } }] },
  ],
};
const doneCard = {
  header: { title: plain('Reminder set'), template: 'green' },
  elements: [{ tag: 'markdown', content: 'Tomorrow 09:00' }],
};

interface Frame {
  t: string;
  type?: string;
  payload?: { messageId?: string; message?: MessageView; userId?: string };
}

interface Answer {
  code: number;
  msg: string;
  data?: { message_id?: string };
}

describe.each(testEngines())('cards only one person sees (%s)', (engine) => {
  let server: TestServer;
  let admin: WebClient;
  const people = {} as Record<'alice' | 'bob' | 'carol', { client: WebClient; user: UserView }>;
  let bot: SdkBot;
  let listener: SdkBot;
  let chatId: string;
  const sockets: WebSocket[] = [];
  const wsClients: lark.WSClient[] = [];
  const clicks: Array<{ token?: string; operator?: { open_id: string }; context?: { open_message_id: string } }> = [];
  const received: string[] = [];

  /** The whole answer with its HTTP status (the SDK throws on non-2xx; Feishu answers errors with 400). */
  async function send(client: lark.Client, data: Record<string, unknown>): Promise<Answer & { status: number }> {
    try {
      return { status: 200, ...(await client.request<Answer>({ method: 'POST', url: '/open-apis/ephemeral/v1/send', data })) };
    } catch (error) {
      const response = (error as { response?: { status: number; data: Answer } }).response;
      if (!response) throw error;
      return { status: response.status, ...response.data };
    }
  }
  const remove = (client: lark.Client, messageId: string) =>
    sdkFailureWithMsg(client.request({ method: 'POST', url: '/open-apis/ephemeral/v1/delete', data: { message_id: messageId } }));
  /** Alice writes in the chat (the bots hear people, not each other). */
  const say = (text: string) =>
    people.alice.client.post(`/api/im/chats/${chatId}/messages`, { msgType: 'text', content: JSON.stringify({ text }) });
  const history = async (who: WebClient) =>
    (await who.get<{ items: MessageView[] }>(`/api/im/chats/${chatId}/messages?limit=50`)).body.items;

  /** Someone's browser connection: every frame after hello. */
  async function connect(who: WebClient): Promise<Frame[]> {
    const frames: Frame[] = [];
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws/client`, { headers: { cookie: who.cookieHeader() } });
    sockets.push(socket);
    socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
    await waitFor(() => (frames.some((frame) => frame.t === 'hello') ? true : undefined), 'hello');
    return frames;
  }
  const ofType = (frames: Frame[], type: string) => frames.filter((frame) => frame.type === type);
  /** A delayed card update (`interactive/v1/card/update`) as an app calls it: `client.request`, the SDK has no method. */
  const updateCard = (app: SdkBot, token: string, card: Record<string, unknown>) =>
    sdkFailureWithMsg(app.client.request({ method: 'POST', url: '/open-apis/interactive/v1/card/update', data: { token, card } }));
  const titled = (title: string) => ({
    header: { title: plain(title), template: 'green' },
    elements: [{ tag: 'markdown', content: title }],
  });
  const titleOf = (message: MessageView | undefined) => (JSON.parse(message?.content ?? '{}') as typeof doneCard).header?.title.content;
  /** A person clicks their card's button; the app gets the click's token. */
  async function clickForToken(who: WebClient, id: string): Promise<string> {
    const before = clicks.length;
    const answer = await who.post<CardActionResult>(`/api/im/messages/${id}/card-actions`, { tag: 'button', value: { when: 'tomorrow' } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(clicks).toHaveLength(before + 1);
    return clicks.at(-1)!.token!;
  }

  beforeAll(async () => {
    server = await startTestServer({ engine });
    ({ admin } = await setUpTenant(server));
    for (const name of ['alice', 'bob', 'carol'] as const) people[name] = await addSignedInPerson(server, admin, name);
    bot = await createSdkBot(server, admin, 'Reminder bot');
    listener = await createSdkBot(server, admin, 'Listening bot');
    for (const app of [bot, listener]) {
      const ws = new lark.WSClient({
        appId: app.appId,
        appSecret: app.appSecret,
        domain: server.url,
        loggerLevel: lark.LoggerLevel.error,
        logger: quiet,
      });
      wsClients.push(ws);
      await ws.start({
        eventDispatcher: new lark.EventDispatcher({ logger: quiet }).register({
          'im.message.receive_v1': async (data: { message: { message_id: string } }) => {
            received.push(data.message.message_id);
          },
          'card.action.trigger': async (data: (typeof clicks)[number]) => {
            clicks.push(data);
            return { toast: { type: 'success', content: 'Saved' }, card: { type: 'raw', data: doneCard } };
          },
        }),
      });
      await waitFor(() => (server.kite.events.isConnected(app.appId) ? true : undefined), 'the long connection');
    }
    const chat = await bot.client.im.v1.chat.create({
      data: { name: 'Reminders', user_id_list: [people.alice.user.openId, people.bob.user.openId], bot_id_list: [listener.appId] },
    });
    chatId = chat.data!.chat_id!;
    await say('before the card');
  });

  afterAll(async () => {
    for (const client of wsClients) client.close({ force: true });
    for (const socket of sockets) socket.close();
    await server?.close();
  });

  it('shows the card to its person alone: live, in their history after the last message, never unread or found', async () => {
    const aliceFrames = await connect(people.alice.client);
    const bobFrames = await connect(people.bob.client);
    const bobChatsBefore = (await people.bob.client.get<{ items: ChatView[] }>('/api/im/chats')).body.items;
    const lastSeq = (await history(people.alice.client)).at(-1)!.seq;

    const sent = await send(bot.client, { chat_id: chatId, msg_type: 'interactive', open_id: people.alice.user.openId, card: askCard });
    expect(sent.code, sent.msg).toBe(0);
    const messageId = sent.data!.message_id!;
    expect(messageId).toMatch(/^om_/);

    const live = await waitFor(() => ofType(aliceFrames, 'im.ephemeral.created')[0], 'the card on Alice’s socket');
    expect(live.payload!.message).toMatchObject({ messageId, seq: lastSeq, ephemeral: true, msgType: 'interactive', unreadCount: null });
    expect(JSON.parse(live.payload!.message!.content)).toMatchObject({ header: askCard.header });

    const aliceHistory = await history(people.alice.client);
    expect(aliceHistory.at(-1)).toMatchObject({ messageId, ephemeral: true, sender: { type: 'app', id: bot.appId } });
    expect(aliceHistory.at(-2)!.seq).toBe(lastSeq);
    // A message after it comes after it, with the next seq: the card took none.
    await say('after the card');
    const later = await history(people.alice.client);
    expect(later.map((message) => message.messageId).slice(-2)[0]).toBe(messageId);
    expect(later.at(-1)!.seq).toBe(lastSeq + 1);
    // Paging back from the newest message still places it.
    const older = (
      await people.alice.client.get<{ items: MessageView[] }>(`/api/im/chats/${chatId}/messages?limit=50&before=${lastSeq + 1}`)
    ).body.items;
    expect(older.at(-1)!.messageId).toBe(messageId);

    // Bob: nothing on his socket, in his history, his unread count or a search.
    expect((await history(people.bob.client)).some((message) => message.messageId === messageId)).toBe(false);
    await waitFor(() => ofType(bobFrames, 'im.message.created')[0], 'the later message on Bob’s socket');
    expect(bobFrames.some((frame) => frame.type?.startsWith('im.ephemeral'))).toBe(false);
    const bobChats = (await people.bob.client.get<{ items: ChatView[] }>('/api/im/chats')).body.items;
    const unread = (items: ChatView[]) => items.find((chat) => chat.chatId === chatId)!.unreadCount;
    expect(unread(bobChats)).toBe(unread(bobChatsBefore) + 1);
    const found = await people.alice.client.get<MessageSearchAnswer>('/api/im/search?q=choose');
    expect(JSON.stringify(found.body)).not.toContain(messageId);
    // No app hears of it, the listening bot in the chat included.
    await waitFor(() => (received.length >= 4 ? true : undefined), 'Alice’s two messages for both bots');
    expect(received).not.toContain(messageId);
    // The app reads no such message through im v1.
    expect((await sdkFailureWithMsg(bot.client.im.v1.message.get({ path: { message_id: messageId } }))).code).not.toBe(0);
  });

  it('calls the app back on a click and changes the card for its person alone', async () => {
    const aliceFrames = await connect(people.alice.client);
    const bobFrames = await connect(people.bob.client);
    const sent = await send(bot.client, { chat_id: chatId, msg_type: 'interactive', email: 'alice@acme.test', card: askCard });
    const messageId = sent.data!.message_id!;
    const card = (await history(people.alice.client)).find((message) => message.messageId === messageId)!;

    // Bob cannot click Alice's card: for him there is no such message.
    const bobClick = await people.bob.client.post<{ error: { code: string } }>(`/api/im/messages/${card.id}/card-actions`, {
      tag: 'button',
      value: { when: 'tomorrow' },
    });
    expect(bobClick.status).toBe(404);
    expect(clicks).toHaveLength(0);

    const answer = await people.alice.client.post<CardActionResult>(`/api/im/messages/${card.id}/card-actions`, {
      tag: 'button',
      value: { when: 'tomorrow' },
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.toast).toEqual({ type: 'success', content: 'Saved' });
    expect(answer.body.message).toMatchObject({ id: card.id, ephemeral: true });
    expect(JSON.parse(answer.body.message!.content)).toEqual(doneCard);
    expect(clicks).toEqual([expect.objectContaining({ operator: expect.objectContaining({ open_id: people.alice.user.openId }) })]);
    expect(clicks[0]!.context?.open_message_id).toBe(messageId);

    await waitFor(() => ofType(aliceFrames, 'im.ephemeral.updated')[0], 'the new card on Alice’s socket');
    const kept = (await history(people.alice.client)).find((message) => message.id === card.id)!;
    expect(JSON.parse(kept.content)).toEqual(doneCard);
    expect(bobFrames.some((frame) => frame.type?.startsWith('im.ephemeral'))).toBe(false);
  });

  it('is deleted by its app: gone from the person’s history and socket, and only once', async () => {
    const aliceFrames = await connect(people.alice.client);
    const sent = await send(bot.client, { chat_id: chatId, msg_type: 'interactive', user_id: people.alice.user.userId, card: askCard });
    const messageId = sent.data!.message_id!;
    expect((await history(people.alice.client)).some((message) => message.messageId === messageId)).toBe(true);

    // Another app may not delete it.
    expect(await remove(listener.client, messageId)).toMatchObject({ code: 230_027 });
    expect(await remove(bot.client, messageId)).toMatchObject({ code: 0 });
    const gone = await waitFor(() => ofType(aliceFrames, 'im.ephemeral.deleted')[0], 'the deletion on Alice’s socket');
    expect(gone.payload).toMatchObject({ userId: people.alice.user.id });
    expect((await history(people.alice.client)).some((message) => message.messageId === messageId)).toBe(false);
    expect(await remove(bot.client, messageId)).toMatchObject({ code: 231_003 });
  });

  it('takes a delayed update with its click’s token, for its person alone, twice', async () => {
    const aliceFrames = await connect(people.alice.client);
    const bobFrames = await connect(people.bob.client);
    const sent = await send(bot.client, { chat_id: chatId, msg_type: 'interactive', open_id: people.alice.user.openId, card: askCard });
    const messageId = sent.data!.message_id!;
    const card = (await history(people.alice.client)).find((message) => message.messageId === messageId)!;
    const token = await clickForToken(people.alice.client, card.id);
    expect(token).toMatch(/^c-/);
    const current = async () => (await history(people.alice.client)).find((message) => message.id === card.id);
    expect(titleOf(await current())).toBe('Reminder set');

    // Refused: naming someone else, another app (before any use is taken), a card too big.
    const naming = await updateCard(bot, token, { ...titled('For Bob too'), open_ids: [people.bob.user.openId] });
    expect(naming).toMatchObject({ status: 400, code: 230_001 });
    expect(naming.msg).toContain(people.bob.user.openId);
    expect(await updateCard(listener, token, titled('Not mine'))).toMatchObject({ status: 400, code: 230_001 });
    // An oversized card is refused after the use was taken, and gives it back.
    expect(await updateCard(bot, token, titled('x'.repeat(31 * 1024)))).toMatchObject({ status: 400 });
    expect(titleOf(await current())).toBe('Reminder set');

    // Two updates: live on Alice's socket and in her history; the third is one too many.
    expect(await updateCard(bot, token, titled('Moved to Friday'))).toMatchObject({ status: 200, code: 0 });
    const live = await waitFor(
      () => ofType(aliceFrames, 'im.ephemeral.updated').find((frame) => titleOf(frame.payload?.message) === 'Moved to Friday'),
      'the delayed update on Alice’s socket',
    );
    expect(live.payload).toMatchObject({ userId: people.alice.user.id, message: { id: card.id, ephemeral: true, messageId } });
    expect(titleOf(await current())).toBe('Moved to Friday');
    expect(await updateCard(bot, token, { ...titled('Friday 10:00'), open_ids: [people.alice.user.openId] })).toMatchObject({ code: 0 });
    expect(titleOf(await current())).toBe('Friday 10:00');
    const third = await updateCard(bot, token, titled('Once more'));
    expect(third).toMatchObject({ status: 400, code: 230_001 });
    expect(third.msg).toContain('2 times');
    expect(titleOf(await current())).toBe('Friday 10:00');

    // Bob heard and sees nothing of it; the app still cannot read it as a message.
    expect(bobFrames.some((frame) => frame.type?.startsWith('im.ephemeral'))).toBe(false);
    expect((await history(people.bob.client)).some((message) => message.messageId === messageId)).toBe(false);

    // A card its app deleted takes no update, and the token's use is given back.
    const next = await send(bot.client, { chat_id: chatId, msg_type: 'interactive', open_id: people.alice.user.openId, card: askCard });
    const nextCard = (await history(people.alice.client)).find((message) => message.messageId === next.data!.message_id)!;
    const nextToken = await clickForToken(people.alice.client, nextCard.id);
    expect(await remove(bot.client, next.data!.message_id!)).toMatchObject({ code: 0 });
    expect(await updateCard(bot, nextToken, titled('Too late'))).toMatchObject({ status: 400, code: 231_003 });
    expect((await history(people.alice.client)).some((message) => message.id === nextCard.id)).toBe(false);
  });

  it('stops showing a person’s cards once they leave or are removed, and deletes them', async () => {
    const stored = async (userId: string) =>
      Number(
        (
          await sql<{
            n: number;
          }>`select count(*) as n from im_ephemeral_message where chat_id = (select id from im_chat where chat_id = ${chatId}) and user_id = ${userId}`.execute(
            server.kite.database.db,
          )
        ).rows[0]!.n,
      );
    const carol = people.carol;
    const join = async () =>
      expect(
        (
          await bot.client.im.v1.chatMembers.create({
            path: { chat_id: chatId },
            params: { member_id_type: 'open_id' },
            data: { id_list: [carol.user.openId] },
          })
        ).code,
      ).toBe(0);
    await join();
    const carolFrames = await connect(carol.client);
    const aliceFrames = await connect(people.alice.client);
    const forCarol = async () => {
      const sent = await send(bot.client, { chat_id: chatId, msg_type: 'interactive', open_id: carol.user.openId, card: askCard });
      expect(sent.code, sent.msg).toBe(0);
      return (await history(carol.client)).find((message) => message.messageId === sent.data!.message_id)!;
    };
    const first = await forCarol();
    const token = await clickForToken(carol.client, first.id);
    const second = await forCarol();
    const forAlice = await send(bot.client, { chat_id: chatId, msg_type: 'interactive', open_id: people.alice.user.openId, card: askCard });
    expect(await stored(carol.user.id)).toBe(2);

    // Carol leaves: her cards go, each announced to her alone; Alice's card stays.
    expect((await carol.client.post(`/api/im/chats/${chatId}/leave`, {})).status).toBe(200);
    const gone = await waitFor(
      () => (ofType(carolFrames, 'im.ephemeral.deleted').length >= 2 ? ofType(carolFrames, 'im.ephemeral.deleted') : undefined),
      'both deletions on Carol’s socket',
    );
    expect(gone.map((frame) => frame.payload!.messageId).sort()).toEqual([first.id, second.id].sort());
    expect(ofType(aliceFrames, 'im.ephemeral.deleted')).toHaveLength(0);
    expect(await stored(carol.user.id)).toBe(0);
    expect((await history(people.alice.client)).some((message) => message.messageId === forAlice.data!.message_id)).toBe(true);
    // Not served any more: not clickable, not updatable with the token she got before leaving.
    expect(
      (await carol.client.post(`/api/im/messages/${first.id}/card-actions`, { tag: 'button', value: { when: 'tomorrow' } })).status,
    ).toBe(404);
    expect(await updateCard(bot, token, titled('After she left'))).toMatchObject({ status: 400, code: 231_003 });

    // Back in the chat, she finds none of them.
    await join();
    const back = await history(carol.client);
    expect(back.some((message) => message.id === first.id || message.id === second.id)).toBe(false);

    // Removed by the chat's owner (the bot): the same.
    const third = await forCarol();
    expect(await stored(carol.user.id)).toBe(1);
    const removed = await bot.client.im.v1.chatMembers.delete({
      path: { chat_id: chatId },
      params: { member_id_type: 'open_id' },
      data: { id_list: [carol.user.openId] },
    });
    expect(removed.code).toBe(0);
    await waitFor(
      () => ofType(carolFrames, 'im.ephemeral.deleted').find((frame) => frame.payload!.messageId === third.id),
      'the deletion on Carol’s socket',
    );
    expect(await stored(carol.user.id)).toBe(0);
  });

  it('refuses what Feishu refuses, with its codes, storing nothing', async () => {
    const count = async () =>
      Number((await sql<{ n: number }>`select count(*) as n from im_ephemeral_message`.execute(server.kite.database.db)).rows[0]!.n);
    const before = await count();
    const base = { chat_id: chatId, msg_type: 'interactive', card: askCard };
    // Carol is not in the chat; nobody has this open_id.
    expect(await send(bot.client, { ...base, open_id: people.carol.user.openId })).toMatchObject({ code: 230_001 });
    expect(await send(bot.client, { ...base, open_id: 'ou_nobody' })).toMatchObject({ code: 230_001 });
    // Exactly one way of naming the person; cards only; a card that is no card.
    expect(await send(bot.client, { ...base, open_id: people.alice.user.openId, email: 'alice@acme.test' })).toMatchObject({ status: 400 });
    expect(await send(bot.client, { ...base })).toMatchObject({ status: 400 });
    expect(await send(bot.client, { ...base, msg_type: 'text', open_id: people.alice.user.openId })).toMatchObject({ status: 400 });
    expect(
      (
        await send(bot.client, {
          ...base,
          card: { elements: [{ tag: 'div', text: plain('x'.repeat(160 * 1024)) }] },
          open_id: people.alice.user.openId,
        })
      ).code,
    ).not.toBe(0);
    // A bot not in the chat (230002), a chat that does not exist, a p2p chat.
    const outsider = await createSdkBot(server, admin, 'Outside bot');
    expect(await send(outsider.client, { ...base, open_id: people.alice.user.openId })).toMatchObject({ code: 230_002 });
    expect(await send(bot.client, { ...base, chat_id: 'oc_missing', open_id: people.alice.user.openId })).toMatchObject({ code: 232_006 });
    const p2p = await bot.client.im.v1.message.create({
      params: { receive_id_type: 'open_id' },
      data: { receive_id: people.alice.user.openId, msg_type: 'text', content: JSON.stringify({ text: 'hi' }) },
    });
    expect(await send(bot.client, { ...base, chat_id: p2p.data!.chat_id!, open_id: people.alice.user.openId })).toMatchObject({
      code: 230_001,
    });
    expect(await remove(bot.client, 'om_missing')).toMatchObject({ code: 231_003 });
    expect(await count()).toBe(before);
  });

  it('goes with the tenant’s retention, by its age', async () => {
    const old = (await send(bot.client, { chat_id: chatId, msg_type: 'interactive', open_id: people.alice.user.openId, card: askCard }))
      .data!.message_id!;
    const fresh = (await send(bot.client, { chat_id: chatId, msg_type: 'interactive', open_id: people.alice.user.openId, card: askCard }))
      .data!.message_id!;
    await sql`update im_ephemeral_message set created_at = created_at - make_interval(days => 40) where message_id = ${old}`.execute(
      server.kite.database.db,
    );
    expect((await admin.request('PUT', '/api/im/settings', { retentionDays: 30 })).status).toBe(200);
    await server.kite.retention.sweep();
    const ids = (await history(people.alice.client)).map((message) => message.messageId);
    expect(ids).not.toContain(old);
    expect(ids).toContain(fresh);
    expect((await admin.request('PUT', '/api/im/settings', { retentionDays: null })).status).toBe(200);
  });

  it('keeps tenants apart', async () => {
    const sent = await send(bot.client, { chat_id: chatId, msg_type: 'interactive', open_id: people.alice.user.openId, card: askCard });
    const other = await createSecondTenant(server);
    const stranger = await createSdkBot(server, other.admin, 'Stranger bot');
    expect(
      await send(stranger.client, { chat_id: chatId, msg_type: 'interactive', open_id: people.alice.user.openId, card: askCard }),
    ).toMatchObject({
      code: 230_001,
    });
    // Its own tenant's person in our chat: no such chat for it.
    expect(await send(stranger.client, { chat_id: chatId, msg_type: 'interactive', email: other.email, card: askCard })).toMatchObject({
      code: 232_006,
    });
    expect(await remove(stranger.client, sent.data!.message_id!)).toMatchObject({ code: 231_003 });
    expect((await history(people.alice.client)).some((message) => message.messageId === sent.data!.message_id)).toBe(true);
  });
});
