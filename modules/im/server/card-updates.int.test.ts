import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { CardActionResult, MessageView } from '@kite/im/contract';
import { ManualClock } from '@kite/kernel/clock';
import type { CardTemplateView } from '@kite/openplatform/contract';
import {
  addSignedInPerson,
  createSecondTenant,
  type SignedIn,
  type TestServer,
  testEngines,
  type WebClient,
  waitFor,
} from '@kite/testing/test-server';
import * as lark from '@larksuiteoapi/node-sdk';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import {
  createSdkBot,
  listen,
  quietLogger as quiet,
  readContent,
  type SdkBot,
  sdkFailureWithMsg,
  startTwoPeopleAndBots,
  watchMessageUpdates,
} from './im-test-kit.ts';

/**
 * Feishu's delayed card update (`POST /open-apis/interactive/v1/card/update`) after real clicks: the
 * app answers the callback with nothing, then replaces the card with the click's `token` — for the
 * whole chat, live. A token is good for 2 updates within 30 minutes, by the app the callback went to
 * only. Time is a manual clock, so the 30 minutes are exact.
 */

const plain = (content: string) => ({ tag: 'plain_text', content });
/** The clicked card: shared unless `shared` is false (then updates become people's own views). */
const requestCard = (title: string, shared = true) => ({
  ...(shared ? { config: { update_multi: true } } : {}),
  header: { title: plain(title), template: 'blue' },
  elements: [
    { tag: 'div', text: { tag: 'lark_md', content: 'Expense report **#17**' } },
    { tag: 'action', actions: [{ tag: 'button', text: plain('Approve'), type: 'primary', value: { decision: 'approve' } }] },
  ],
});
const statusCard = (text: string, shared = true) => ({
  ...(shared ? { config: { update_multi: true } } : {}),
  header: { title: plain('Expense report'), template: 'green' },
  elements: [{ tag: 'markdown', content: text }],
});
const approve = { tag: 'button', value: { decision: 'approve' } };

describe.each(testEngines())('delayed card updates with the click’s token (%s)', (engine) => {
  const clock = new ManualClock(Date.now());
  let server: TestServer;
  let admin: WebClient;
  let alice: SignedIn;
  let bob: SignedIn;
  /** Answers clicks with nothing (legacy v1), as Feishu advises before a delayed update. */
  let legacyBot: SdkBot;
  /** Gets `card.action.trigger` (v2) at an encrypted event webhook and answers a toast only. */
  let eventBot: SdkBot;
  /** Another app of the same tenant, its bot in the same chats. */
  let otherBot: SdkBot;
  const hooks: Server[] = [];
  const sockets: WebSocket[] = [];
  const tokens: string[] = [];
  const eventTokens: string[] = [];

  /** The card update as an app calls it (the SDK has no method for it: `client.request`). */
  function update(bot: SdkBot, token: string, card: Record<string, unknown>) {
    clock.advance(100);
    return sdkFailureWithMsg(bot.client.request({ method: 'POST', url: '/open-apis/interactive/v1/card/update', data: { token, card } }));
  }

  async function sendCard(bot: SdkBot, title: string, shared = true) {
    const chat = await bot.client.im.v1.chat.create({
      data: { name: title, user_id_list: [alice.user.openId, bob.user.openId], bot_id_list: [otherBot.appId] },
    });
    const sent = await bot.client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: chat.data!.chat_id!, msg_type: 'interactive', content: JSON.stringify(requestCard(title, shared)) },
    });
    expect(sent.code).toBe(0);
    return sent.data!.message_id!;
  }

  /** Alice clicks; the app answers nothing; the token the callback carried. */
  async function clickForToken(messageId: string, received: string[] = tokens) {
    const before = received.length;
    const answer = await alice.client.post<CardActionResult>(`/api/im/messages/${messageId}/card-actions`, approve);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(received).toHaveLength(before + 1);
    return received.at(-1)!;
  }

  const contentOf = (bot: SdkBot, messageId: string) => readContent(bot.client, messageId);

  async function watch(who: WebClient) {
    const { socket, updates } = await watchMessageUpdates(server, who);
    sockets.push(socket);
    return updates;
  }

  beforeAll(async () => {
    const legacy = await listen(
      lark.adaptDefault(
        '/card',
        new lark.CardActionHandler({ verificationToken: 'vt-delay', logger: quiet }, async (data: { token: string }) => {
          tokens.push(data.token);
          return {};
        }),
        { autoChallenge: true },
      ),
    );
    const events = await listen(
      lark.adaptDefault(
        '/events',
        new lark.EventDispatcher({ encryptKey: 'delay-key', logger: quiet }).register({
          'card.action.trigger': async (data: { token: string }) => {
            eventTokens.push(data.token);
            return { toast: { type: 'info', content: 'Working on it' } };
          },
        }),
        { autoChallenge: true },
      ),
    );
    hooks.push(legacy.server, events.server);
    ({
      server,
      admin,
      alice,
      bob,
      bots: { other: otherBot, legacy: legacyBot, events: eventBot },
    } = await startTwoPeopleAndBots(
      { engine, clock },
      {
        other: { name: 'Other bot' },
        legacy: { name: 'Expenses', cardUrl: `${legacy.url}/card`, verificationToken: 'vt-delay' },
        events: { name: 'Expenses v2', eventUrl: `${events.url}/events`, encryptKey: 'delay-key' },
      },
    ));
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server?.close();
    await Promise.all(hooks.map((hook) => new Promise((resolve) => hook.close(resolve))));
  });

  it('replaces the card for the whole chat, live, twice per token — a template card too — and no more', async () => {
    const messageId = await sendCard(legacyBot, 'Expense #17');
    const bobSees = await watch(bob.client);
    const token = await clickForToken(messageId);
    expect(token).toMatch(/^c-[0-9a-f]{32}$/);
    // Only the token's hash is kept.
    const { rows } = await sql<{ token_hash: string }>`select token_hash from im_card_token where message_id in (
      select id from im_message where message_id = ${messageId})`.execute(server.kite.database.db);
    expect(rows.map((row) => row.token_hash)).toEqual([createHash('sha256').update(token).digest('hex')]);

    expect(await update(legacyBot, token, statusCard('Checking the receipts…'))).toMatchObject({ status: 200, code: 0 });
    const first = await waitFor(() => bobSees(messageId)[0], 'the first update for Bob');
    expect(JSON.parse(first.payload!.message.content)).toEqual(statusCard('Checking the receipts…'));

    const template = await admin.post<CardTemplateView>(`/api/admin/apps/${legacyBot.appId}/card-templates`, {
      name: 'Expense result',
      card: statusCard('Paid **${amount}** to ${who}'),
    });
    const second = await update(legacyBot, token, {
      type: 'template',
      data: { template_id: template.body.templateId, template_variable: { amount: '€ 120', who: 'Alice' } },
    });
    expect(second).toMatchObject({ status: 200, code: 0 });
    await waitFor(() => bobSees(messageId)[1], 'the second update for Bob');
    expect(await contentOf(legacyBot, messageId)).toEqual(statusCard('Paid **€ 120** to Alice'));
    const stored = (await legacyBot.client.im.v1.message.get({ path: { message_id: messageId } })).data!.items![0]!;
    expect(stored.updated).toBe(true);

    const third = await update(legacyBot, token, statusCard('Once more'));
    expect(third).toMatchObject({ status: 400, code: 230_001 });
    expect(third.msg).toContain('used 2 times');
    expect(await contentOf(legacyBot, messageId)).toEqual(statusCard('Paid **€ 120** to Alice'));

    // Reopened, the card's next click gives a new token with uses of its own.
    await legacyBot.client.im.v1.message.patch({
      path: { message_id: messageId },
      data: { content: JSON.stringify(requestCard('Again')) },
    });
    const fresh = await clickForToken(messageId);
    expect(fresh).not.toBe(token);
    expect(await update(legacyBot, fresh, statusCard('Reopened'))).toMatchObject({ status: 200, code: 0 });
  });

  it('gives a token with card.action.trigger (v2) too, usable the same way', async () => {
    const messageId = await sendCard(eventBot, 'Expense #18');
    const answer = await alice.client.post<CardActionResult>(`/api/im/messages/${messageId}/card-actions`, approve);
    expect(answer.body).toEqual({ toast: { type: 'info', content: 'Working on it' }, message: null });
    const token = eventTokens.at(-1)!;
    expect(token).toMatch(/^c-/);
    expect(await update(eventBot, token, statusCard('Approved over events'))).toMatchObject({ status: 200, code: 0 });
    expect(await contentOf(eventBot, messageId)).toEqual(statusCard('Approved over events'));
  });

  it('lets a token update its card for 30 minutes after the click, not after', async () => {
    const messageId = await sendCard(legacyBot, 'Expense #19');
    const early = await clickForToken(messageId);
    const late = await clickForToken(messageId);
    clock.advance(30 * 60_000 - 2_000);
    expect(await update(legacyBot, early, statusCard('Just in time'))).toMatchObject({ status: 200, code: 0 });
    clock.advance(3_000);
    const expired = await update(legacyBot, late, statusCard('Too late'));
    expect(expired).toMatchObject({ status: 400, code: 230_001 });
    expect(expired.msg).toContain('expired');
    expect(await contentOf(legacyBot, messageId)).toEqual(statusCard('Just in time'));
  });

  it('lets only the app that got the token use it', async () => {
    const messageId = await sendCard(legacyBot, 'Expense #20');
    const token = await clickForToken(messageId);
    const invalid = { status: 400, code: 230_001 };
    // Another app of the tenant, whose bot is in the same chat.
    const byOther = await update(otherBot, token, statusCard('Hijacked'));
    expect(byOther).toMatchObject(invalid);
    expect(byOther.msg).toContain('invalid');
    // Another tenant's app, and made-up tokens.
    const tenant = await createSecondTenant(server);
    const stranger = await createSdkBot(server, tenant.admin, 'Stranger');
    expect(await update(stranger, token, statusCard('Hijacked'))).toMatchObject(invalid);
    expect(await update(legacyBot, 'c-00000000000000000000000000000000', statusCard('Guessed'))).toMatchObject(invalid);
    expect(await update(legacyBot, eventTokens[0] ?? 'c-x', statusCard('Borrowed'))).toMatchObject(invalid);
    // No tenant token, or no token field.
    const anonymous = await fetch(`${server.url}/open-apis/interactive/v1/card/update`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, card: statusCard('Anonymous') }),
    });
    expect(anonymous.status).toBe(400);
    expect(((await anonymous.json()) as { code: number }).code).toBe(99_991_661);
    expect(
      await sdkFailureWithMsg(
        legacyBot.client.request({ method: 'POST', url: '/open-apis/interactive/v1/card/update', data: { card: {} } }),
      ),
    ).toMatchObject({ status: 400, code: 99_992_402 });
    // None of that used the token up or changed the card.
    expect(await contentOf(legacyBot, messageId)).toEqual(requestCard('Expense #20'));
    expect(await update(legacyBot, token, statusCard('Mine'))).toMatchObject({ status: 200, code: 0 });
    expect(await update(legacyBot, token, statusCard('Mine again'))).toMatchObject({ status: 200, code: 0 });
  });

  it('gives the use back when the card is refused; ignores open_ids on shared cards; refuses recalled cards', async () => {
    const messageId = await sendCard(legacyBot, 'Expense #21');
    const token = await clickForToken(messageId);
    const huge = await update(legacyBot, token, statusCard('x'.repeat(31 * 1024)));
    expect(huge).toMatchObject({ status: 400, code: 230_025 });
    const unknownTemplate = await update(legacyBot, token, { type: 'template', data: { template_id: 'AAzzzzzzzzzzz' } });
    expect(unknownTemplate).toMatchObject({ status: 400, code: 230_099 });
    // A shared card changes for everyone whatever open_ids say, as on Feishu.
    expect(await update(legacyBot, token, { ...statusCard('Everyone'), open_ids: [bob.user.openId] })).toMatchObject({ code: 0 });
    // The refused updates used nothing: this is the token's second use.
    expect(await update(legacyBot, token, statusCard('Everyone, again'))).toMatchObject({ status: 200, code: 0 });
    expect(await contentOf(legacyBot, messageId)).toEqual(statusCard('Everyone, again'));

    const recalled = await sendCard(legacyBot, 'Expense #22');
    const recalledToken = await clickForToken(recalled);
    await legacyBot.client.im.v1.message.delete({ path: { message_id: recalled } });
    expect(await update(legacyBot, recalledToken, statusCard('After recall'))).toMatchObject({ status: 400, code: 230_011 });
  });

  it('updates people’s own views of a non-shared card: the clicker’s, or those open_ids name, and no one else’s', async () => {
    const messageId = await sendCard(legacyBot, 'Expense #23', false);
    const chatId = (await legacyBot.client.im.v1.message.get({ path: { message_id: messageId } })).data!.items![0]!.chat_id!;
    const aliceSocket = await watchMessageUpdates(server, alice.client);
    const bobSocket = await watchMessageUpdates(server, bob.client);
    sockets.push(aliceSocket.socket, bobSocket.socket);
    const viewOf = async (who: SignedIn) => {
      const page = await who.client.get<{ items: MessageView[] }>(`/api/im/chats/${chatId}/messages?limit=10`);
      return JSON.parse(page.body.items.find((message) => message.messageId === messageId)!.content);
    };
    const viewers = async () =>
      (
        await sql<{ user_id: string }>`select user_id from im_card_view where message_id in (
          select id from im_message where message_id = ${messageId}) order by user_id`.execute(server.kite.database.db)
      ).rows.map((row) => row.user_id);
    const unshared = requestCard('Expense #23', false);
    const token = await clickForToken(messageId);

    // No open_ids: the clicker's view, live on the clicker's sockets only.
    expect(await update(legacyBot, token, statusCard('Yours, Alice', false))).toMatchObject({ status: 200, code: 0 });
    const own = await waitFor(() => aliceSocket.views(messageId)[0], 'Alice’s view');
    expect(JSON.parse(own.payload!.message.content)).toEqual(statusCard('Yours, Alice', false));
    expect(await viewOf(alice)).toEqual(statusCard('Yours, Alice', false));
    expect(await viewOf(bob)).toEqual(unshared);
    // The app reads the card everyone else sees; Alice's user token reads her view (message.get and list).
    expect(await contentOf(legacyBot, messageId)).toEqual(unshared);
    const issued = await fetch(`${server.url}/api/_cli`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-kite-admin-secret': 'test-admin-secret' },
      body: JSON.stringify({ command: 'token', app: legacyBot.appId, user: 'alice@acme.test', name: 'expense script' }),
    });
    const asAlice = lark.withUserAccessToken(((await issued.json()) as { user_access_token: string }).user_access_token);
    const got = await legacyBot.client.im.v1.message.get({ path: { message_id: messageId } }, asAlice);
    expect(JSON.parse(got.data!.items![0]!.body!.content!)).toEqual(statusCard('Yours, Alice', false));
    const listed = await legacyBot.client.im.v1.message.list({ params: { container_id_type: 'chat', container_id: chatId } }, asAlice);
    const inList = listed.data!.items!.find((item) => item.message_id === messageId)!;
    expect(JSON.parse(inList.body!.content!)).toEqual(statusCard('Yours, Alice', false));

    // open_ids must name people who received the card: unknown ones and people outside the chat are
    // refused, with nothing stored and the token's use given back.
    const carol = await addSignedInPerson(server, admin, 'Carol');
    for (const openIds of [[bob.user.openId, 'ou_nobody'], [carol.user.openId]]) {
      const refused = await update(legacyBot, token, { ...statusCard('Not for them', false), open_ids: openIds });
      expect(refused).toMatchObject({ status: 400, code: 230_001 });
      expect(refused.msg).toContain(openIds.at(-1));
    }
    expect(await update(legacyBot, token, { ...statusCard('Bad', false), open_ids: 'ou_x' })).toMatchObject({ status: 400 });
    expect(await viewers()).toEqual([alice.user.id]);

    // open_ids: only Bob's view changes — the token's second use, so the refusals took none.
    expect(await update(legacyBot, token, { ...statusCard('For Bob', false), open_ids: [bob.user.openId] })).toMatchObject({
      status: 200,
      code: 0,
    });
    await waitFor(() => bobSocket.views(messageId)[0], 'Bob’s view');
    expect(await viewOf(bob)).toEqual(statusCard('For Bob', false));
    expect(await viewOf(alice)).toEqual(statusCard('Yours, Alice', false));
    expect(aliceSocket.views(messageId)).toHaveLength(1);
    expect([...aliceSocket.updates(messageId), ...bobSocket.updates(messageId)]).toEqual([]);
    expect(await viewers()).toEqual([alice.user.id, bob.user.id].sort());

    // A recall takes every view along.
    await legacyBot.client.im.v1.message.delete({ path: { message_id: messageId } });
    expect(await viewers()).toEqual([]);
  });
});
