import type { UserView } from '@kite/contact/contract';
import type { UrgentAlertView } from '@kite/im/contract';
import { addSignedInPerson, setUpTenant, startTestServer, type TestServer, testEngines, type WebClient } from '@kite/testing/test-server';
import * as lark from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSdkBot, sdkFailureWithMsg as failure } from './im-test-kit.ts';

/**
 * `message.urgentApp` / `urgentSms` / `urgentPhone` and `pin.create` / `list` / `delete` through the
 * official Lark SDK, unchanged: bot (tenant token) and person (user token) alike.
 */

const text = (value: string) => JSON.stringify({ text: value });

describe.each(testEngines())('urgent buzz and pins through the official SDK (%s)', (engine) => {
  let server: TestServer;
  let admin: WebClient;
  const people: Record<'alice' | 'bob' | 'carol', { client: WebClient; user: UserView }> = {} as never;
  let client: lark.Client;
  let appId: string;
  let chatId: string;
  let aliceToken: string;

  async function botSays(body: string): Promise<string> {
    const sent = await client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: chatId, msg_type: 'text', content: text(body) },
    });
    expect(sent.code).toBe(0);
    return sent.data!.message_id!;
  }

  beforeAll(async () => {
    server = await startTestServer({ engine });
    ({ admin } = await setUpTenant(server));
    for (const name of ['alice', 'bob', 'carol'] as const) people[name] = await addSignedInPerson(server, admin, name);
    ({ appId, client } = await createSdkBot(server, admin, 'Pager Bot'));
    // The bot's group with Alice and Bob (Carol stays outside).
    const chat = await client.im.v1.chat.create({
      params: { user_id_type: 'open_id' },
      data: { name: 'On call', user_id_list: [people.alice.user.openId, people.bob.user.openId] },
    });
    chatId = chat.data!.chat_id!;
    // Alice's personal access token, as `kite token` issues it on a running server.
    const issued = await fetch(`${server.url}/api/_cli`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-kite-admin-secret': 'test-admin-secret' },
      body: JSON.stringify({ command: 'token', app: appId, user: 'alice@acme.test', name: 'pager script' }),
    });
    aliceToken = ((await issued.json()) as { user_access_token: string }).user_access_token;
  });

  afterAll(async () => {
    await server?.close();
  });

  it('buzzes in-app with urgentApp and lists who could not be buzzed', async () => {
    const messageId = await botSays('Disk full on db-1');
    const { alice, bob, carol } = people;
    const buzzed = await client.im.v1.message.urgentApp({
      path: { message_id: messageId },
      params: { user_id_type: 'open_id' },
      data: { user_id_list: [alice.user.openId, carol.user.openId, 'ou_nobody'] },
    });
    expect(buzzed.code).toBe(0);
    expect(new Set(buzzed.data?.invalid_user_id_list)).toEqual(new Set([carol.user.openId, 'ou_nobody']));

    const [alert] = (await alice.client.get<{ items: UrgentAlertView[] }>('/api/im/urgent')).body.items;
    expect(alert).toMatchObject({ message: { messageId }, buzzedBy: { type: 'app', id: appId, name: 'Pager Bot' } });
    expect((await carol.client.get<{ items: UrgentAlertView[] }>('/api/im/urgent')).body.items).toEqual([]);

    // By employee id too; Bob joins the buzz.
    const byUserId = await client.im.v1.message.urgentApp({
      path: { message_id: messageId },
      params: { user_id_type: 'user_id' },
      data: { user_id_list: [bob.user.userId!] },
    });
    expect(byUserId.data?.invalid_user_id_list).toEqual([]);
    expect((await bob.client.get<{ items: UrgentAlertView[] }>('/api/im/urgent')).body.items).toHaveLength(1);
  });

  it('buzzes only the caller’s own messages, and never a recalled one', async () => {
    const { alice, bob } = people;
    const byAlice = await alice.client.post<{ messageId: string }>(`/api/im/chats/${chatId}/messages`, {
      msgType: 'text',
      content: text('please look at this'),
    });
    const notMine = await failure(
      client.im.v1.message.urgentApp({
        path: { message_id: byAlice.body.messageId },
        params: { user_id_type: 'open_id' },
        data: { user_id_list: [bob.user.openId] },
      }),
    );
    expect(notMine).toMatchObject({ status: 400, code: 230_012 });

    // Alice's own token buzzes her own message.
    const asAlice = await client.im.v1.message.urgentApp(
      { path: { message_id: byAlice.body.messageId }, params: { user_id_type: 'open_id' }, data: { user_id_list: [bob.user.openId] } },
      lark.withUserAccessToken(aliceToken),
    );
    expect(asAlice.code).toBe(0);

    const recalled = await botSays('never mind');
    expect((await client.im.v1.message.delete({ path: { message_id: recalled } })).code).toBe(0);
    const late = await failure(
      client.im.v1.message.urgentApp({
        path: { message_id: recalled },
        params: { user_id_type: 'open_id' },
        data: { user_id_list: [bob.user.openId] },
      }),
    );
    expect(late.code).toBe(230_011);
    const empty = await failure(
      client.im.v1.message.urgentApp({ path: { message_id: recalled }, params: { user_id_type: 'open_id' }, data: { user_id_list: [] } }),
    );
    expect(empty).toMatchObject({ status: 400, code: 99_992_402 });
  });

  it('refuses SMS and phone buzzes as a zero quota (230024), storing nothing', async () => {
    const messageId = await botSays('wake up');
    const payload = {
      path: { message_id: messageId },
      params: { user_id_type: 'open_id' as const },
      data: { user_id_list: [people.bob.user.openId] },
    };
    // One call at a time: a second rejection while the first is awaited would go unhandled.
    for (const call of [() => client.im.v1.message.urgentSms(payload), () => client.im.v1.message.urgentPhone(payload)]) {
      const refused = await failure(call());
      expect(refused).toMatchObject({ status: 400, code: 230_024 });
      expect(refused.msg).toContain('urgent_app');
    }
    const alerts = (await people.bob.client.get<{ items: UrgentAlertView[] }>('/api/im/urgent')).body.items;
    expect(alerts.some((alert) => alert.message.messageId === messageId)).toBe(false);
  });

  it('pins, lists by time and page, and unpins', async () => {
    const first = await botSays('Runbook: https://kite.example/runbook');
    const second = await botSays('Escalation: call the duty manager');
    const before = Date.now();

    const pinned = await client.im.v1.pin.create({ data: { message_id: first } });
    expect(pinned.code).toBe(0);
    expect(pinned.data?.pin).toMatchObject({ message_id: first, chat_id: chatId, operator_id: appId, operator_id_type: 'app_id' });
    expect(Number(pinned.data?.pin?.create_time)).toBeGreaterThanOrEqual(before - 1000);
    // Pinning again answers the same pin.
    expect((await client.im.v1.pin.create({ data: { message_id: first } })).data?.pin).toEqual(pinned.data?.pin);
    // Alice pins the second with her own token: her open id is the operator.
    const byAlice = await client.im.v1.pin.create({ data: { message_id: second } }, lark.withUserAccessToken(aliceToken));
    expect(byAlice.data?.pin).toMatchObject({ operator_id: people.alice.user.openId, operator_id_type: 'open_id' });

    const pages: string[][] = [];
    for await (const page of await client.im.v1.pin.listWithIterator({ params: { chat_id: chatId, page_size: 1 } })) {
      expect(page).not.toBeNull();
      pages.push((page?.items ?? []).map((item) => item.message_id));
    }
    expect(pages.flat()).toEqual([second, first]);
    const later = await client.im.v1.pin.list({ params: { chat_id: chatId, start_time: byAlice.data!.pin!.create_time! } });
    expect(later.data?.items?.map((item) => item.message_id)).toEqual([second]);
    const none = await client.im.v1.pin.list({ params: { chat_id: chatId, end_time: String(before - 60_000) } });
    expect(none.data).toMatchObject({ items: [], has_more: false, page_token: '' });

    expect((await client.im.v1.pin.delete({ path: { message_id: first } })).code).toBe(0);
    // Unpinning what is not pinned succeeds, as Feishu's does.
    expect((await client.im.v1.pin.delete({ path: { message_id: first } })).code).toBe(0);
    const left = await client.im.v1.pin.list({ params: { chat_id: chatId } });
    expect(left.data?.items?.map((item) => item.message_id)).toEqual([second]);
  });

  it('answers pins’ errors with Feishu codes', async () => {
    const outside = await people.carol.client.post<{ id: string; chatId: string }>('/api/im/chats', {
      chatType: 'group',
      name: 'Carol only',
    });
    const hers = await people.carol.client.post<{ messageId: string }>(`/api/im/chats/${outside.body.id}/messages`, {
      msgType: 'text',
      content: text('mine'),
    });
    expect((await failure(client.im.v1.pin.create({ data: { message_id: hers.body.messageId } }))).code).toBe(230_002);
    expect((await failure(client.im.v1.pin.list({ params: { chat_id: outside.body.chatId } }))).code).toBe(230_002);
    expect((await failure(client.im.v1.pin.create({ data: { message_id: 'om_nonexistent' } }))).code).toBe(231_003);
    expect((await failure(client.im.v1.pin.list({ params: { chat_id: chatId, page_token: 'garbage' } }))).code).toBe(99_992_402);
    expect((await failure(client.im.v1.pin.list({ params: { chat_id: chatId, page_size: 500 } }))).code).toBe(99_992_402);
    // Alice did not pin the bot's message, and a bot owns this group: she may not unpin it.
    const pinnedByBot = await botSays('pinned by the bot');
    await client.im.v1.pin.create({ data: { message_id: pinnedByBot } });
    const refused = await failure(client.im.v1.pin.delete({ path: { message_id: pinnedByBot } }, lark.withUserAccessToken(aliceToken)));
    expect(refused).toMatchObject({ status: 400, code: 230_046 });
  });

  it('reads and sets who may buzz and pin (urgent_setting, pin_manage_setting), and holds user tokens to them', async () => {
    const { alice, bob } = people;
    const settingsOf = async () => {
      const got = await client.im.v1.chat.get({ path: { chat_id: chatId } });
      return { urgent_setting: got.data?.urgent_setting, pin_manage_setting: got.data?.pin_manage_setting };
    };
    expect(await settingsOf()).toEqual({ urgent_setting: 'all_members', pin_manage_setting: 'all_members' });
    const restricted = await client.im.v1.chat.update({
      path: { chat_id: chatId },
      data: { urgent_setting: 'only_owner', pin_manage_setting: 'only_owner' },
    });
    expect(restricted.code).toBe(0);
    expect(await settingsOf()).toEqual({ urgent_setting: 'only_owner', pin_manage_setting: 'only_owner' });
    // The web shows the same settings.
    const web = await alice.client.get<{ settings: Record<string, unknown> }>(`/api/im/chats/${chatId}`);
    expect(web.body.settings).toMatchObject({ buzzPolicy: 'admins', pinPolicy: 'admins' });

    // Alice is a plain member: her own token may neither buzz about her message nor pin.
    const hers = await alice.client.post<{ messageId: string }>(`/api/im/chats/${chatId}/messages`, {
      msgType: 'text',
      content: text('is anyone on call?'),
    });
    const asAlice = lark.withUserAccessToken(aliceToken);
    const buzzRefused = await failure(
      client.im.v1.message.urgentApp(
        { path: { message_id: hers.body.messageId }, params: { user_id_type: 'open_id' }, data: { user_id_list: [bob.user.openId] } },
        asAlice,
      ),
    );
    expect(buzzRefused).toMatchObject({ status: 400, code: 230_027 });
    const pinRefused = await failure(client.im.v1.pin.create({ data: { message_id: hers.body.messageId } }, asAlice));
    expect(pinRefused).toMatchObject({ status: 400, code: 230_046 });
    expect((await bob.client.get<{ items: UrgentAlertView[] }>('/api/im/urgent')).body.items.map((a) => a.message.messageId)).not.toContain(
      hers.body.messageId,
    );

    // The bot owns the group: it still buzzes and pins.
    const mine = await botSays('Failover in 5 minutes');
    const buzzed = await client.im.v1.message.urgentApp({
      path: { message_id: mine },
      params: { user_id_type: 'open_id' },
      data: { user_id_list: [alice.user.openId] },
    });
    expect(buzzed.code).toBe(0);
    expect((await client.im.v1.pin.create({ data: { message_id: hers.body.messageId } })).code).toBe(0);

    const invalid = await failure(client.im.v1.chat.update({ path: { chat_id: chatId }, data: { urgent_setting: 'everyone' as never } }));
    expect(invalid).toMatchObject({ status: 400, code: 99_992_402 });
    expect(await settingsOf()).toEqual({ urgent_setting: 'only_owner', pin_manage_setting: 'only_owner' });

    expect((await client.im.v1.chat.update({ path: { chat_id: chatId }, data: { urgent_setting: 'all_members' } })).code).toBe(0);
    expect(await settingsOf()).toEqual({ urgent_setting: 'all_members', pin_manage_setting: 'only_owner' });
    const allowed = await client.im.v1.message.urgentApp(
      { path: { message_id: hers.body.messageId }, params: { user_id_type: 'open_id' }, data: { user_id_list: [bob.user.openId] } },
      asAlice,
    );
    expect(allowed.code).toBe(0);
  });
});
