import type { Server } from 'node:http';
import type { UserView } from '@kite/contact/contract';
import type { CardActionResult, MessageView } from '@kite/im/contract';
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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { createSdkBot, listen, quietLogger as quiet, watchMessageUpdates } from './im-test-kit.ts';

/**
 * Card callbacks end to end with the official SDK on the app's side: a `CardActionHandler` behind
 * `adaptDefault` (legacy v1, sha1 signature checked by the SDK), an `EventDispatcher` webhook and a
 * `WSClient` long connection (v2 `card.action.trigger`). A person clicks through the internal API;
 * the app's answer replaces the card for the whole chat and/or toasts the clicker. Forged clicks
 * reach no app.
 */

/** What the SDK hands a handler: a legacy v1 callback, or a v2 `card.action.trigger` (header and event flattened). */
interface CardCall {
  open_id?: string;
  user_id?: string;
  tenant_key?: string;
  open_message_id?: string;
  open_chat_id?: string;
  token?: string;
  event_type?: string;
  app_id?: string;
  operator?: { open_id: string; user_id: string; union_id: string };
  context?: { open_message_id: string; open_chat_id: string };
  action: { tag: string; value: Record<string, unknown>; option?: string; timezone?: string; name?: string; form_value?: unknown };
}

const plain = (content: string) => ({ tag: 'plain_text', content });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The card every bot sends: buttons, a select menu, a date picker and a form. Shared (one card for
 * everyone) unless `shared` is false: then a click's answer is the clicker's own view.
 */
function requestCard(title: string, shared = true) {
  return {
    config: { wide_screen_mode: true, ...(shared ? { update_multi: true } : {}) },
    header: { title: plain(title), template: 'blue' },
    elements: [
      { tag: 'div', text: { tag: 'lark_md', content: 'Alice asks for **2 days** off' } },
      {
        tag: 'action',
        actions: [
          { tag: 'button', text: plain('Approve'), type: 'primary', value: { decision: 'approve' } },
          { tag: 'button', text: plain('Think'), value: { decision: 'slow' } },
          { tag: 'button', text: plain('Break'), value: { decision: 'fail' } },
          {
            tag: 'select_static',
            placeholder: plain('Priority'),
            value: { field: 'priority' },
            options: [
              { text: plain('High'), value: 'high' },
              { text: plain('Low'), value: 'low' },
            ],
          },
          { tag: 'date_picker', value: { field: 'start' } },
        ],
      },
      {
        tag: 'form',
        name: 'details',
        elements: [
          { tag: 'input', name: 'note', required: true },
          { tag: 'button', text: plain('Send'), action_type: 'form_submit', name: 'send', value: { form: 'details' } },
        ],
      },
    ],
  };
}

const doneCard = (text: string) => ({
  config: { update_multi: true },
  header: { title: plain('Done'), template: 'green' },
  elements: [{ tag: 'markdown', content: text }],
});
const approve = { tag: 'button', value: { decision: 'approve' } } as const;

describe.each(testEngines())('card callbacks through the official SDK (%s)', (engine) => {
  let server: TestServer;
  let admin: WebClient;
  const people = {} as Record<'alice' | 'bob' | 'carol', { client: WebClient; user: UserView }>;
  const hooks: Server[] = [];
  const sockets: WebSocket[] = [];
  const wsClients: lark.WSClient[] = [];
  /** What each app's SDK handler was called with. */
  const legacyCalls: CardCall[] = [];
  const webhookCalls: CardCall[] = [];
  const socketCalls: CardCall[] = [];
  const allCalls = () => legacyCalls.length + webhookCalls.length + socketCalls.length;

  const createBot = (name: string, settings: Record<string, unknown> = {}) => createSdkBot(server, admin, name, settings);

  /** The bot opens a group with Alice and Bob and sends its card there. */
  async function sendCard(bot: { client: lark.Client }, title: string, shared = true) {
    const chat = await bot.client.im.v1.chat.create({
      data: { name: title, user_id_list: [people.alice.user.openId, people.bob.user.openId] },
    });
    const chatId = chat.data!.chat_id!;
    const sent = await bot.client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: chatId, msg_type: 'interactive', content: JSON.stringify(requestCard(title, shared)) },
    });
    expect(sent.code).toBe(0);
    return { chatId, messageId: sent.data!.message_id! };
  }

  function click(who: WebClient, messageId: string, body: unknown) {
    return who.post<CardActionResult & { error?: { code: string; message: string } }>(`/api/im/messages/${messageId}/card-actions`, body);
  }

  /** Bob's browser: the card updates his connection receives. */
  async function watch(who: WebClient) {
    const { socket, updates, views } = await watchMessageUpdates(server, who);
    sockets.push(socket);
    return { updates, views };
  }

  let legacy: { appId: string; client: lark.Client; card: { chatId: string; messageId: string } };

  beforeAll(async () => {
    server = await startTestServer({ engine });
    ({ admin } = await setUpTenant(server));
    for (const name of ['alice', 'bob', 'carol'] as const) people[name] = await addSignedInPerson(server, admin, name);

    // Legacy v1: the SDK's CardActionHandler verifies the sha1 signature over the verification token.
    const handler = new lark.CardActionHandler(
      { verificationToken: 'vt-legacy', loggerLevel: lark.LoggerLevel.error, logger: quiet },
      async (data: CardCall) => {
        legacyCalls.push(data);
        if (data.action.value.decision === 'slow') await sleep(4_000);
        if (data.action.value.decision === 'approve') return doneCard(`Approved by ${data.open_id}`);
        return {};
      },
    );
    const hook = await listen(lark.adaptDefault('/card', handler, { autoChallenge: true }));
    hooks.push(hook.server);
    const bot = await createBot('Legacy bot', { cardUrl: `${hook.url}/card`, verificationToken: 'vt-legacy' });
    legacy = { ...bot, card: await sendCard(bot, 'Legacy leave request') };
  });

  afterAll(async () => {
    for (const client of wsClients) client.close({ force: true });
    for (const socket of sockets) socket.close();
    await server?.close();
    await Promise.all(hooks.map((hook) => new Promise((resolve) => hook.close(resolve))));
  });

  it('sends a legacy v1 callback to the card request URL and replaces the card for the whole chat', async () => {
    const bob = await watch(people.bob.client);
    const answer = await click(people.alice.client, legacy.card.messageId, approve);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(legacyCalls).toHaveLength(1);
    const [call] = legacyCalls;
    expect(call).toMatchObject({
      open_id: people.alice.user.openId,
      user_id: people.alice.user.userId,
      open_message_id: legacy.card.messageId,
      open_chat_id: legacy.card.chatId,
      action: { tag: 'button', value: { decision: 'approve' } },
    });
    expect(call!.token).toMatch(/^c-/);
    expect(call!.tenant_key).toBeTruthy();
    expect(answer.body.toast).toBeNull();
    expect(JSON.parse(answer.body.message!.content)).toEqual(doneCard(`Approved by ${people.alice.user.openId}`));
    expect(answer.body.message!.edited).toBe(false);

    // Bob's open client gets the new card without asking, and the app sees it as updated.
    await waitFor(() => bob.updates(legacy.card.messageId)[0], 'im.message.updated for Bob');
    const stored = (await legacy.client.im.v1.message.get({ path: { message_id: legacy.card.messageId } })).data?.items?.[0];
    expect(stored).toMatchObject({ updated: true, body: { content: JSON.stringify(doneCard(`Approved by ${people.alice.user.openId}`)) } });

    // The old card's buttons are gone with it: the same click is now a forged one.
    const stale = await click(people.alice.client, legacy.card.messageId, approve);
    expect(stale.status).toBe(400);
    expect(stale.body.error?.code).toBe('card_action_invalid');
    expect(legacyCalls).toHaveLength(1);

    // message.patch from the app reaches open clients the same way.
    const patched = await legacy.client.im.v1.message.patch({
      path: { message_id: legacy.card.messageId },
      data: { content: JSON.stringify(requestCard('Reopened')) },
    });
    expect(patched.code).toBe(0);
    const live = await waitFor(() => bob.updates(legacy.card.messageId)[1], 'the patched card for Bob');
    expect(JSON.parse(live.payload!.message.content).header.title.content).toBe('Reopened');
  });

  it('gives each clicker their own view of a non-shared card: the others, the app and history keep the card', async () => {
    const { chatId, messageId } = await sendCard(legacy, 'Unshared leave request', false);
    const aliceSocket = await watch(people.alice.client);
    const bobSocket = await watch(people.bob.client);
    const viewsOf = async (who: WebClient) =>
      (await who.get<{ items: MessageView[] }>(`/api/im/chats/${chatId}/messages?limit=10`)).body.items.find(
        (message) => message.messageId === messageId,
      );
    const byAlice = doneCard(`Approved by ${people.alice.user.openId}`);

    const answer = await click(people.alice.client, messageId, approve);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(JSON.parse(answer.body.message!.content)).toEqual(byAlice);
    // Alice's other tabs get her view; Bob's connection hears nothing of it.
    const own = await waitFor(() => aliceSocket.views(messageId)[0], 'im.card_view.updated for Alice');
    expect(JSON.parse(own.payload!.message.content)).toEqual(byAlice);
    expect(JSON.parse((await viewsOf(people.alice.client))!.content)).toEqual(byAlice);
    expect(JSON.parse((await viewsOf(people.bob.client))!.content)).toEqual(requestCard('Unshared leave request', false));
    const asApp = (await legacy.client.im.v1.message.get({ path: { message_id: messageId } })).data!.items![0]!;
    expect(JSON.parse(asApp.body!.content!)).toEqual(requestCard('Unshared leave request', false));
    expect(asApp.updated).toBe(false);

    // Alice's view has no buttons, so her click is a forged one; Bob still has them, and gets his own view.
    expect((await click(people.alice.client, messageId, approve)).body.error?.code).toBe('card_action_invalid');
    const byBob = await click(people.bob.client, messageId, approve);
    expect(JSON.parse(byBob.body.message!.content)).toEqual(doneCard(`Approved by ${people.bob.user.openId}`));
    expect(JSON.parse((await viewsOf(people.alice.client))!.content)).toEqual(byAlice);
    expect(bobSocket.updates(messageId)).toEqual([]);
    expect(aliceSocket.views(messageId)).toHaveLength(1);

    // A patch for everyone (both cards shared) replaces every view.
    const patched = await legacy.client.im.v1.message.patch({
      path: { message_id: messageId },
      data: { content: JSON.stringify(requestCard('Reopened')) },
    });
    expect(patched.code).toBe(0);
    for (const who of [people.alice.client, people.bob.client]) {
      expect(JSON.parse((await viewsOf(who))!.content).header.title.content).toBe('Reopened');
    }
  });

  it('passes options, dates and form values through, and changes nothing when the app answers nothing', async () => {
    const { messageId } = legacy.card;
    const before = legacyCalls.length;
    const select = await click(people.bob.client, messageId, { tag: 'select_static', value: { field: 'priority' }, option: 'low' });
    expect(select.status, JSON.stringify(select.body)).toBe(200);
    expect(select.body).toEqual({ toast: null, message: null });
    const date = await click(people.bob.client, messageId, {
      tag: 'date_picker',
      value: { field: 'start' },
      option: '2026-12-01 +0800',
      timezone: 'Asia/Shanghai',
    });
    expect(date.status).toBe(200);
    const form = await click(people.bob.client, messageId, {
      tag: 'button',
      name: 'send',
      value: { form: 'details' },
      formValue: { note: 'back on Monday' },
    });
    expect(form.status).toBe(200);
    expect(legacyCalls.slice(before).map((call) => call.action)).toEqual([
      { tag: 'select_static', value: { field: 'priority' }, option: 'low' },
      { tag: 'date_picker', value: { field: 'start' }, option: '2026-12-01 +0800', timezone: 'Asia/Shanghai' },
      { tag: 'button', value: { form: 'details' }, name: 'send', form_value: { note: 'back on Monday' } },
    ]);
    expect(legacyCalls.at(-1)!.open_id).toBe(people.bob.user.openId);
  });

  it('signs legacy callbacks: an app holding another verification token ignores them', async () => {
    const calls: unknown[] = [];
    const handler = new lark.CardActionHandler({ verificationToken: 'the-real-one', logger: quiet }, async (data: unknown) => {
      calls.push(data);
      return doneCard('forged?');
    });
    const hook = await listen(lark.adaptDefault('/card', handler, { autoChallenge: true }));
    hooks.push(hook.server);
    const bot = await createBot('Mismatched bot', { cardUrl: `${hook.url}/card`, verificationToken: 'not-the-same' });
    const { messageId } = await sendCard(bot, 'Mismatch');
    const answer = await click(people.alice.client, messageId, approve);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ toast: null, message: null });
    expect(calls).toEqual([]);
  });

  it('sends card.action.trigger to an EventDispatcher webhook (encrypted, signed) and applies its toast and card', async () => {
    const dispatcher = new lark.EventDispatcher({ encryptKey: 'card-hook-key', logger: quiet }).register({
      'card.action.trigger': async (data: CardCall) => {
        webhookCalls.push(data);
        return {
          toast: { type: 'success', content: 'Approved', i18n: { zh_cn: '已批准', en_us: 'Approved' } },
          card: { type: 'raw', data: doneCard('Approved over the webhook') },
        };
      },
    });
    const hook = await listen(lark.adaptDefault('/events', dispatcher, { autoChallenge: true }));
    hooks.push(hook.server);
    const bot = await createBot('Webhook bot', {
      eventUrl: `${hook.url}/events`,
      encryptKey: 'card-hook-key',
      verificationToken: 'vt-hook',
    });
    const { chatId, messageId } = await sendCard(bot, 'Webhook leave request');

    const answer = await click(people.alice.client, messageId, approve);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.toast).toEqual({ type: 'success', content: 'Approved', i18n: { zh_cn: '已批准', en_us: 'Approved' } });
    expect(JSON.parse(answer.body.message!.content)).toEqual(doneCard('Approved over the webhook'));
    expect(webhookCalls).toHaveLength(1);
    expect(webhookCalls[0]).toMatchObject({
      event_type: 'card.action.trigger',
      app_id: bot.appId,
      token: expect.stringMatching(/^c-/),
      operator: { open_id: people.alice.user.openId, user_id: people.alice.user.userId, union_id: people.alice.user.unionId },
      action: { tag: 'button', value: { decision: 'approve' } },
      context: { open_message_id: messageId, open_chat_id: chatId },
    });
  });

  it('sends card.action.trigger over the WSClient long connection and decodes its answer', async () => {
    const bot = await createBot('Socket bot');
    const ws = new lark.WSClient({
      appId: bot.appId,
      appSecret: bot.appSecret,
      domain: server.url,
      loggerLevel: lark.LoggerLevel.error,
      logger: quiet,
    });
    wsClients.push(ws);
    await ws.start({
      eventDispatcher: new lark.EventDispatcher({ logger: quiet }).register({
        'card.action.trigger': async (data: CardCall) => {
          socketCalls.push(data);
          if (data.action.value.decision === 'fail') throw new Error('the app broke');
          return {
            toast: { type: 'info', content: `Hello ${data.operator?.open_id}` },
            card: { type: 'raw', data: doneCard('Over the socket') },
          };
        },
      }),
    });
    await waitFor(() => (server.kite.events.isConnected(bot.appId) ? true : undefined), 'the long connection');
    const { messageId } = await sendCard(bot, 'Socket leave request');
    const bob = await watch(people.bob.client);

    const broken = await click(people.alice.client, messageId, { tag: 'button', value: { decision: 'fail' } });
    expect(broken.status).toBe(502);
    expect(broken.body.error?.code).toBe('card_callback_failed');

    const answer = await click(people.alice.client, messageId, approve);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.toast).toEqual({ type: 'info', content: `Hello ${people.alice.user.openId}` });
    expect(JSON.parse(answer.body.message!.content)).toEqual(doneCard('Over the socket'));
    expect(socketCalls.map((call) => call.action.value.decision)).toEqual(['fail', 'approve']);
    await waitFor(() => bob.updates(messageId)[0], 'the new card for Bob');
  });

  it('refuses forged clicks and sends them to no app', async () => {
    const { messageId, chatId } = await sendCard(legacy, 'Forgery target');
    const before = allCalls();
    const refused = async (who: WebClient, ref: string, body: unknown) => {
      const answer = await click(who, ref, body);
      return { status: answer.status, code: answer.body.error?.code };
    };
    // A value, a tag or an option the card does not have.
    expect(await refused(people.alice.client, messageId, { tag: 'button', value: { decision: 'approve', amount: 1e6 } })).toEqual({
      status: 400,
      code: 'card_action_invalid',
    });
    expect(await refused(people.alice.client, messageId, { tag: 'overflow', option: 'x' })).toMatchObject({ code: 'card_action_invalid' });
    expect(
      await refused(people.alice.client, messageId, { tag: 'select_static', value: { field: 'priority' }, option: 'urgent' }),
    ).toMatchObject({ code: 'card_action_invalid' });
    expect(
      await refused(people.alice.client, messageId, {
        tag: 'button',
        name: 'send',
        value: { form: 'details' },
        formValue: { salary: 'x' },
      }),
    ).toMatchObject({ code: 'card_action_invalid' });
    // Bad input shapes.
    expect(await refused(people.alice.client, messageId, { tag: 'script', value: {} })).toMatchObject({
      status: 400,
      code: 'validation_failed',
    });
    // Someone in the tenant but not in the chat, and another tenant's administrator.
    expect(await refused(people.carol.client, messageId, approve)).toEqual({ status: 403, code: 'not_chat_member' });
    const other = await createSecondTenant(server);
    expect(await refused(other.admin, messageId, approve)).toEqual({ status: 404, code: 'not_found' });
    // A card a person sent has no app behind it.
    const own = await people.alice.client.post<{ id: string }>(`/api/im/chats/${chatId}/messages`, {
      msgType: 'interactive',
      content: JSON.stringify(requestCard('Made by hand')),
    });
    expect(await refused(people.bob.client, own.body.id, approve)).toEqual({ status: 409, code: 'card_no_callback' });
    // Not a card at all.
    const textMessage = await people.alice.client.post<{ id: string }>(`/api/im/chats/${chatId}/messages`, {
      msgType: 'text',
      content: JSON.stringify({ text: 'hi' }),
    });
    expect(await refused(people.bob.client, textMessage.body.id, approve)).toMatchObject({ status: 400, code: 'card_action_invalid' });
    expect(allCalls()).toBe(before);
  });

  it('says so when the app has no callback, cannot be reached, or does not answer within 3 seconds', async () => {
    const silent = await createBot('Silent bot');
    const silentCard = await sendCard(silent, 'Nobody listens');
    const none = await click(people.alice.client, silentCard.messageId, approve);
    expect({ status: none.status, code: none.body.error?.code }).toEqual({ status: 409, code: 'card_no_handler' });

    const gone = await listen(
      lark.adaptDefault('/card', new lark.CardActionHandler({ logger: quiet }, async () => ({})), { autoChallenge: true }),
    );
    const goneBot = await createBot('Gone bot', { cardUrl: `${gone.url}/card` });
    await new Promise((resolve) => gone.server.close(resolve));
    const goneCard = await sendCard(goneBot, 'Gone');
    const unreachable = await click(people.alice.client, goneCard.messageId, approve);
    expect({ status: unreachable.status, code: unreachable.body.error?.code }).toEqual({ status: 502, code: 'card_callback_unreachable' });

    const started = Date.now();
    const slow = await click(people.alice.client, legacy.card.messageId, { tag: 'button', value: { decision: 'slow' } });
    expect({ status: slow.status, code: slow.body.error?.code }).toEqual({ status: 504, code: 'card_callback_timeout' });
    expect(Date.now() - started).toBeLessThan(3_900);
    expect(legacyCalls.at(-1)!.action.value).toEqual({ decision: 'slow' });
  });

  it('limits how fast one person can click, before anything else is looked at', async () => {
    const dave = await addSignedInPerson(server, admin, 'dave');
    const statuses: number[] = [];
    for (let click = 0; click < 31; click++) {
      statuses.push((await dave.client.post(`/api/im/messages/${legacy.card.messageId}/card-actions`, approve)).status);
    }
    expect(statuses.slice(0, 30).every((status) => status === 403)).toBe(true);
    expect(statuses[30]).toBe(429);
  });

  it('saves a card request URL only once it answers the challenge', async () => {
    const mute = await listen((_request, response) => response.end('{}'));
    hooks.push(mute.server);
    const refused = await admin.post<{ error: { code: string } }>('/api/admin/apps', { name: 'Deaf bot', cardUrl: `${mute.url}/card` });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('card_url_unverified');
    const apps = await admin.get<{ items: Array<{ name: string; cardUrl: string | null }> }>('/api/admin/apps');
    expect(apps.body.items.some((app) => app.name === 'Deaf bot')).toBe(false);
    expect(apps.body.items.find((app) => app.name === 'Legacy bot')?.cardUrl).toMatch(/\/card$/);

    const silent = apps.body.items.find((app) => app.name === 'Silent bot') as unknown as { appId: string };
    const patched = await admin.patch<{ error: { code: string } }>(`/api/admin/apps/${silent.appId}`, { cardUrl: `${mute.url}/card` });
    expect(patched.body.error.code).toBe('card_url_unverified');
  });
});
