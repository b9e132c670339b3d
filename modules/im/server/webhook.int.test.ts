import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { UserView } from '@kite/contact/contract';
import type { ChatView, MessageSearchHit, MessageView, WebhookBotCredentials, WebhookBotView } from '@kite/im/contract';
import { ManualClock } from '@kite/kernel/clock';
import type { AuditEntryView } from '@kite/platform/audit';
import { rawRequest } from '@kite/testing/raw-request';
import {
  createSecondTenant,
  setUpTenant,
  startTestServer,
  type TestServer,
  testEngines,
  WebClient,
  waitFor,
} from '@kite/testing/test-server';
import * as lark from '@larksuiteoapi/node-sdk';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Custom bots end to end: members add them to a group, and other systems post to the hook URL with
 * plain `fetch`, exactly as they would post to Feishu (`{"msg_type":"text","content":{"text":"…"}}`,
 * `content` an object). Time is a manual clock so the rate limits and signature windows are exact.
 */

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const quietLogger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, trace: () => {} };

interface HookAnswer {
  status: number;
  body: { code: number; msg: string; data?: unknown };
}

/** Feishu's documented signature, computed the way senders compute it. */
function sign(secret: string, timestamp: number) {
  const signature = createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64');
  return { timestamp: String(timestamp), sign: signature };
}

describe.each(testEngines())('custom webhook bots (%s)', (engine) => {
  const clock = new ManualClock(Date.now());
  let server: TestServer;
  let admin: WebClient;
  const people = {} as Record<'alice' | 'bob' | 'carol', { client: WebClient; user: UserView }>;
  let chat: ChatView;

  async function person(name: 'alice' | 'bob' | 'carol', displayName: string) {
    const email = `${name}@acme.test`;
    const created = await admin.post<{ user: UserView }>('/api/contact/users', { name: displayName, email, password: 'person-password-1' });
    expect(created.status).toBe(200);
    const client = new WebClient(server.url);
    await client.login(email, 'person-password-1');
    people[name] = { client, user: created.body.user };
  }

  async function addBot(client: WebClient, chatId: string, input: Record<string, unknown>) {
    clock.advance(10);
    const created = await client.post<WebhookBotCredentials>(`/api/im/chats/${chatId}/webhooks`, input);
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    return created.body;
  }

  /** A POST to the hook as an outside system sends it; by default one second later than the last. */
  async function hook(url: string, body: unknown, options: { advance?: boolean; contentType?: string } = {}): Promise<HookAnswer> {
    if (options.advance !== false) clock.advance(1_000);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': options.contentType ?? 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as HookAnswer['body'] };
  }

  const ok = { status: 200, body: { code: 0, msg: 'success', data: {} } };
  const text = (value: string) => ({ msg_type: 'text', content: { text: value } });

  async function history(client: WebClient, chatId = chat.id) {
    const page = await client.get<{ items: MessageView[] }>(`/api/im/chats/${chatId}/messages?limit=100`);
    expect(page.status).toBe(200);
    return page.body.items;
  }

  async function lastSeq(chatId = chat.id) {
    return (await people.alice.client.get<ChatView>(`/api/im/chats/${chatId}`)).body.lastSeq;
  }

  beforeAll(async () => {
    server = await startTestServer({ engine, clock });
    ({ admin } = await setUpTenant(server));
    await person('alice', 'Alice');
    await person('bob', 'Bob');
    await person('carol', 'Carol');
    chat = (await people.alice.client.post<ChatView>('/api/im/chats', { chatType: 'group', name: 'Ops', userIds: [people.bob.user.id] }))
      .body;
  });

  afterAll(async () => {
    await server?.close();
  });

  it('shows the URL and secret once, keeps neither readable, lists the bot for every member, and audits it', async () => {
    const made = await addBot(people.alice.client, chat.id, { name: 'CI', description: 'Build results', signed: true });
    expect(made.webhookUrl).toMatch(new RegExp(`^${server.url}/open-apis/bot/v2/hook/[0-9a-f]{40}$`));
    expect(made.secret).toMatch(/^[\w-]{22}$/);
    expect(made.bot).toMatchObject({ name: 'CI', description: 'Build results', signed: true, keywords: [], canManage: true });
    expect(made.bot.id).toMatch(/^cli_[0-9a-f]{16}$/);
    const token = made.webhookUrl!.split('/').pop()!;
    expect(made.bot.tokenHint).toBe(token.slice(0, 6));

    // The database holds a hash of the token, never the token; the secret only as long as signing is on.
    const rows = await sql`select * from im_webhook_bot where id = ${made.bot.id}`.execute(server.kite.database.db);
    expect(JSON.stringify(rows.rows)).not.toContain(token);

    const listed = await people.bob.client.get<{ items: WebhookBotView[] }>(`/api/im/chats/${chat.id}/webhooks`);
    expect(listed.body.items).toEqual([{ ...made.bot, canManage: false }]);
    expect(JSON.stringify(listed.body)).not.toContain(token);
    expect(JSON.stringify(listed.body)).not.toContain(made.secret);
    expect(listed.body.items[0]!.createdBy).toMatchObject({ id: people.alice.user.id, name: 'Alice' });

    await server.kite.dispatcher.settle();
    const audit = await admin.get<{ items: AuditEntryView[] }>('/api/admin/audit?action=im.webhook');
    expect(audit.body.items[0]).toMatchObject({
      action: 'im.webhook.created',
      subjectId: made.bot.id,
      actor: { id: people.alice.user.id },
    });
    expect(JSON.stringify(audit.body)).not.toContain(token);
    expect(JSON.stringify(audit.body)).not.toContain(made.secret);
  });

  it('posts text, rich text, cards, images and shared chats as the bot, unread for every member', async () => {
    const { webhookUrl, bot } = await addBot(people.alice.client, chat.id, { name: 'Deploys' });
    const before = await lastSeq();
    const image = await fetch(`${server.url}/api/im/images?name=chart.png`, {
      method: 'POST',
      headers: { cookie: people.alice.client.cookieHeader(), 'x-csrf-token': people.alice.client.csrfToken },
      body: new Uint8Array(PNG),
    });
    const imageKey = ((await image.json()) as { key: string }).key;
    const card = {
      header: { title: { tag: 'plain_text', content: 'Deploy finished' } },
      elements: [{ tag: 'div', text: { tag: 'lark_md', content: '**api** v2.3 is live' } }],
    };
    const bodies = [
      text('build #42 passed'),
      {
        msg_type: 'post',
        content: {
          post: {
            zh_cn: {
              title: '发布通知',
              content: [
                [
                  { tag: 'text', text: '版本 2.3 已上线 ' },
                  { tag: 'a', text: '查看', href: 'https://ci.example/42' },
                  { tag: 'a', text: 'x', href: 'javascript:alert(1)' },
                ],
              ],
            },
          },
        },
      },
      { msg_type: 'interactive', card },
      { msg_type: 'image', content: { image_key: imageKey } },
      { msg_type: 'share_chat', content: { share_chat_id: chat.chatId } },
    ];
    // The unsafe link is refused like any message's: the whole post is (19001), nothing stored.
    const unsafe = await hook(webhookUrl!, bodies[1]);
    expect(unsafe).toMatchObject({ status: 400, body: { code: 19_001 } });
    expect(unsafe.body.msg).toMatch(/^param invalid: post links/);
    expect(await lastSeq()).toBe(before);
    (bodies[1] as { content: { post: { zh_cn: { content: unknown[][] } } } }).content.post.zh_cn.content[0]!.pop();

    for (const body of bodies) expect(await hook(webhookUrl!, body)).toEqual(ok);
    const sent = (await history(people.bob.client)).filter((message) => message.seq > before);
    expect(sent.map((message) => message.msgType)).toEqual(['text', 'post', 'interactive', 'image', 'share_chat']);
    for (const message of sent) {
      expect(message.sender).toEqual({ type: 'webhook', id: bot.id, name: 'Deploys', avatarColor: expect.any(String) });
      // Nobody has read a bot's message yet: Alice and Bob both.
      expect(message.unreadCount).toBe(2);
    }
    expect(JSON.parse(sent[0]!.content)).toEqual({ text: 'build #42 passed' });
    expect(JSON.parse(sent[1]!.content).zh_cn.title).toBe('发布通知');
    expect(JSON.parse(sent[2]!.content)).toEqual(card);
    expect(JSON.parse(sent[3]!.content)).toEqual({ image_key: imageKey });
    expect(JSON.parse(sent[4]!.content)).toEqual({ chat_id: chat.chatId });
    const bobsChat = (await people.bob.client.get<ChatView>(`/api/im/chats/${chat.id}`)).body;
    expect(bobsChat.unreadCount).toBeGreaterThanOrEqual(5);
    // Search finds the bot's text like anyone's.
    const found = await people.bob.client.get<{ items: MessageSearchHit[] }>('/api/im/search?q=%E7%89%88%E6%9C%AC');
    expect(found.body.items.map((hit) => hit.message.id)).toContain(sent[1]!.id);
  });

  it('mentions @all where the chat allows it, and is refused with nothing stored where it does not', async () => {
    const group = (
      await people.alice.client.post<ChatView>('/api/im/chats', { chatType: 'group', name: 'Alerts', userIds: [people.bob.user.id] })
    ).body;
    const { webhookUrl } = await addBot(people.alice.client, group.id, { name: 'Pager' });
    expect(
      await hook(webhookUrl!, text(`<at user_id="all">所有人</at> disk full, <at user_id="${people.bob.user.openId}">Bob</at>`)),
    ).toEqual(ok);
    const message = (await history(people.bob.client, group.id)).find((said) => said.msgType !== 'system');
    expect(message).toMatchObject({ mentionsAll: true, mentions: [{ id: people.bob.user.id, name: 'Bob' }] });
    expect(JSON.parse(message!.content).text).toBe('@_all disk full, @_user_1');

    await people.alice.client.patch(`/api/im/chats/${group.id}`, { settings: { atAllPolicy: 'admins' } });
    expect(await hook(webhookUrl!, text('<at user_id="all">all</at> again'))).toMatchObject({ status: 400, body: { code: 230_027 } });
    // A chat where only the owner and admins post refuses custom bots like any member.
    await people.alice.client.patch(`/api/im/chats/${group.id}`, { settings: { postPolicy: 'admins' } });
    expect(await hook(webhookUrl!, text('quiet please'))).toMatchObject({ status: 400, body: { code: 230_027 } });
    // The "created" and "added the custom bot" lines, the one message, and the two settings' lines.
    expect(await lastSeq(group.id)).toBe(5);
  });

  it('checks signatures: a fresh one passes; wrong, stale, future or missing ones are refused with 19021', async () => {
    const { webhookUrl, secret } = await addBot(people.alice.client, chat.id, { name: 'Signed', signed: true });
    const before = await lastSeq();
    const now = () => Math.floor(clock.now().getTime() / 1000);
    const refused = { status: 400, body: { code: 19_021, msg: 'sign match fail or timestamp is not within one hour from current time' } };
    expect(await hook(webhookUrl!, { ...text('forged'), ...sign('not-the-secret', now() + 1) })).toMatchObject(refused);
    expect(await hook(webhookUrl!, { ...text('stale'), ...sign(secret!, now() - 3_700) })).toMatchObject(refused);
    expect(await hook(webhookUrl!, { ...text('future'), ...sign(secret!, now() + 3_700) })).toMatchObject(refused);
    expect(await hook(webhookUrl!, text('unsigned'))).toMatchObject(refused);
    expect(await lastSeq()).toBe(before);
    // Timestamps come as strings (Feishu's samples) or numbers.
    expect(await hook(webhookUrl!, { ...text('signed'), ...sign(secret!, now() + 1) })).toEqual(ok);
    const numeric = sign(secret!, now() + 1);
    expect(await hook(webhookUrl!, { ...text('signed again'), sign: numeric.sign, timestamp: Number(numeric.timestamp) })).toEqual(ok);
    expect(await lastSeq()).toBe(before + 2);
  });

  it('filters by keyword and by the IP allowlist', async () => {
    const filtered = await addBot(people.alice.client, chat.id, { name: 'Filtered', keywords: ['告警', 'alert'] });
    const before = await lastSeq();
    expect(await hook(filtered.webhookUrl!, text('all good'))).toMatchObject({
      status: 400,
      body: { code: 19_024, msg: 'Key Words Not Found' },
    });
    const cardWithout = { msg_type: 'interactive', card: { elements: [{ tag: 'div', text: { tag: 'plain_text', content: 'fine' } }] } };
    expect(await hook(filtered.webhookUrl!, cardWithout)).toMatchObject({ body: { code: 19_024 } });
    expect(await lastSeq()).toBe(before);
    expect(await hook(filtered.webhookUrl!, text('CPU 告警: 95%'))).toEqual(ok);
    const cardWith = { msg_type: 'interactive', card: { header: { title: { tag: 'plain_text', content: 'alert: disk' } }, elements: [] } };
    expect(await hook(filtered.webhookUrl!, cardWith)).toEqual(ok);

    const elsewhere = await addBot(people.alice.client, chat.id, { name: 'Walled', ipAllowlist: ['10.9.9.9', '192.168.0.0/16'] });
    expect(await hook(elsewhere.webhookUrl!, text('from here'))).toMatchObject({ status: 403, body: { code: 19_022 } });
    const here = await addBot(people.alice.client, chat.id, { name: 'Local', ipAllowlist: ['127.0.0.0/8'] });
    expect(await hook(here.webhookUrl!, text('from here'))).toEqual(ok);
    // Three messages, and a line for each of the two bots added meanwhile.
    expect(await lastSeq()).toBe(before + 5);

    const bad = await people.alice.client.post(`/api/im/chats/${chat.id}/webhooks`, { name: 'Bad', ipAllowlist: ['10.0.0.1/40'] });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
  });

  it('refuses floods with HTTP 429 and 99991400, per bot, storing only what it accepted', async () => {
    const { webhookUrl } = await addBot(people.alice.client, chat.id, { name: 'Noisy' });
    const other = await addBot(people.alice.client, chat.id, { name: 'Calm' });
    const before = await lastSeq();
    clock.advance(1_000);
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => hook(webhookUrl!, text(`flood ${i}`), { advance: false })));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(5);
    for (const answer of answers.filter((a) => a.status !== 200)) {
      expect(answer).toEqual({ status: 429, body: { code: 99_991_400, msg: 'request trigger frequency limit', data: {} } });
    }
    // Another bot has its own budget; the next second the flooding one may post again.
    expect(await hook(other.webhookUrl!, text('still here'), { advance: false })).toEqual(ok);
    expect(await lastSeq()).toBe(before + 6);
    expect(await hook(webhookUrl!, text('after a second'))).toEqual(ok);

    // 100 a minute: 5 a second for 20 seconds, then refused until the minute is over.
    clock.advance(60_000);
    let accepted = 0;
    for (let second = 0; second < 21; second++) {
      clock.advance(1_000);
      for (let i = 0; i < 5; i++)
        if ((await hook(webhookUrl!, text(`minute ${second}.${i}`), { advance: false })).status === 200) accepted++;
    }
    expect(accepted).toBe(100);
  });

  it('refuses what is not Feishu’s format with 19001, and stores nothing', async () => {
    const { webhookUrl } = await addBot(people.alice.client, chat.id, { name: 'Strict' });
    const before = await lastSeq();
    const invalid = { status: 400, body: { code: 19_001 } };
    for (const body of [
      'not json',
      '',
      { msg_type: 'text', content: JSON.stringify({ text: 'a string, not an object' }) },
      { msg_type: 'text' },
      { msg_type: 'text', content: { text: '   ' } },
      { msg_type: 'file', content: { file_key: 'file_v3_x' } },
      { msg_type: 'interactive' },
      { msg_type: 'interactive', card: '{not json' },
      // Card templates belong to apps; a custom bot has none.
      { msg_type: 'interactive', card: { type: 'template', data: { template_id: 'AAqB4FaJYbCnY' } } },
      { msg_type: 'image', content: { image_key: 'img_v3_made_up' } },
      { content: { text: 'no type' } },
      text('NUL \u0000 inside'),
    ]) {
      const answer = await hook(webhookUrl!, body);
      expect(answer, JSON.stringify(body)).toMatchObject(invalid);
      expect(answer.body.msg).toMatch(/^param invalid: /);
    }
    const tooLong = await hook(webhookUrl!, text('x'.repeat(200 * 1024)));
    expect(tooLong.body.code).toBe(19_001);
    // Any Content-Type, or none: the body is read as JSON all the same.
    expect(await hook(webhookUrl!, JSON.stringify(text('as text/plain')), { contentType: 'text/plain' })).toEqual(ok);
    const path = new URL(webhookUrl!).pathname;
    const bare = await rawRequest(server.url, { method: 'POST', path, body: JSON.stringify(text('no content type')) });
    expect({ status: bare.status, body: bare.json }).toEqual(ok);
    // A body over the server's limit is refused before it is read, in the open platform's envelope.
    const huge = await rawRequest(server.url, { method: 'POST', path, body: 'x'.repeat(2 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expect(await lastSeq()).toBe(before + 2);
  });

  it('forgets a reset URL at once and a removed bot entirely; a made-up token learns nothing', async () => {
    const made = await addBot(people.alice.client, chat.id, { name: 'Rotating' });
    const unknown = { status: 404, body: { code: 19_001, msg: 'param invalid: incoming webhook access token invalid', data: {} } };
    const reset = await people.alice.client.post<WebhookBotCredentials>(`/api/im/webhooks/${made.bot.id}/reset`, { what: 'url' });
    expect(reset.status).toBe(200);
    expect(reset.body.webhookUrl).not.toBe(made.webhookUrl);
    expect(reset.body.secret).toBeNull();
    expect(await hook(made.webhookUrl!, text('old url'))).toEqual(unknown);
    expect(await hook(reset.body.webhookUrl!, text('new url'))).toEqual(ok);

    // A new secret turns signing on; turning it off forgets it.
    const secret = await people.alice.client.post<WebhookBotCredentials>(`/api/im/webhooks/${made.bot.id}/reset`, { what: 'secret' });
    expect(secret.body).toMatchObject({ webhookUrl: null, bot: { signed: true } });
    expect(await hook(reset.body.webhookUrl!, text('unsigned now'))).toMatchObject({ body: { code: 19_021 } });
    const off = await people.alice.client.patch<WebhookBotCredentials>(`/api/im/webhooks/${made.bot.id}`, {
      signed: false,
      name: 'Rotated',
    });
    expect(off.body).toMatchObject({ secret: null, bot: { signed: false, name: 'Rotated' } });
    expect(await hook(reset.body.webhookUrl!, text('renamed'))).toEqual(ok);

    expect((await people.alice.client.delete(`/api/im/webhooks/${made.bot.id}`)).status).toBe(200);
    const before = await lastSeq();
    expect(await hook(reset.body.webhookUrl!, text('gone'))).toEqual(unknown);
    expect(await hook(`${server.url}/open-apis/bot/v2/hook/${'0'.repeat(40)}`, text('guess'))).toEqual(unknown);
    expect(await hook(`${server.url}/open-apis/bot/v2/hook/short`, text('guess'))).toEqual(unknown);
    expect(await lastSeq()).toBe(before);
    const listed = await people.bob.client.get<{ items: WebhookBotView[] }>(`/api/im/chats/${chat.id}/webhooks`);
    expect(listed.body.items.map((bot) => bot.id)).not.toContain(made.bot.id);
    // Its messages stay, under the name it had.
    const messages = (await history(people.bob.client)).filter((message) => message.sender?.id === made.bot.id);
    expect(messages.map((message) => message.sender?.name)).toEqual(['Rotated', 'Rotated']);
    expect((await people.alice.client.patch(`/api/im/webhooks/${made.bot.id}`, { name: 'Back' })).status).toBe(404);

    // A dissolved chat's bots stop too.
    const doomed = (await people.alice.client.post<ChatView>('/api/im/chats', { chatType: 'group', name: 'Doomed' })).body;
    const inDoomed = await addBot(people.alice.client, doomed.id, { name: 'Orphan' });
    await people.alice.client.delete(`/api/im/chats/${doomed.id}`);
    expect(await hook(inDoomed.webhookUrl!, text('anyone?'))).toEqual(unknown);
  });

  it('lets members manage bots as the chat allows, and nobody else', async () => {
    const { alice, bob, carol } = people;
    const team = (await alice.client.post<ChatView>('/api/im/chats', { chatType: 'group', name: 'Team', userIds: [bob.user.id] })).body;
    const alices = await addBot(alice.client, team.id, { name: 'Alice’s bot' });
    // Any member may add a bot while anyone may add members, and manage the bot they added.
    const bobs = await addBot(bob.client, team.id, { name: 'Bob’s bot' });
    expect(bobs.bot.canManage).toBe(true);
    expect((await bob.client.patch(`/api/im/webhooks/${bobs.bot.id}`, { description: 'mine' })).status).toBe(200);
    // …but not someone else's; the owner manages every bot of the chat.
    for (const [method, path, body] of [
      ['PATCH', `/api/im/webhooks/${alices.bot.id}`, { name: 'Taken' }],
      ['POST', `/api/im/webhooks/${alices.bot.id}/reset`, { what: 'url' }],
      ['DELETE', `/api/im/webhooks/${alices.bot.id}`, undefined],
    ] as const) {
      expect((await bob.client.request(method, path, body)).status, `${method} ${path}`).toBe(403);
    }
    expect((await alice.client.patch(`/api/im/webhooks/${bobs.bot.id}`, { name: 'Renamed by owner' })).status).toBe(200);

    // Where only the owner and admins add members, only they add (and manage) bots.
    await alice.client.patch(`/api/im/chats/${team.id}`, { settings: { addMemberPolicy: 'admins' } });
    expect((await bob.client.post(`/api/im/chats/${team.id}/webhooks`, { name: 'Sneaky' })).status).toBe(403);
    expect((await bob.client.patch(`/api/im/webhooks/${bobs.bot.id}`, { name: 'Still mine?' })).status).toBe(403);
    const list = await bob.client.get<{ items: WebhookBotView[] }>(`/api/im/chats/${team.id}/webhooks`);
    expect(list.body.items.map((bot) => bot.canManage)).toEqual([false, false]);

    // Not a member: nothing at all. A p2p chat has no bots.
    expect((await carol.client.get(`/api/im/chats/${team.id}/webhooks`)).status).toBe(403);
    expect((await carol.client.post(`/api/im/chats/${team.id}/webhooks`, { name: 'Outsider' })).status).toBe(403);
    expect((await carol.client.patch(`/api/im/webhooks/${alices.bot.id}`, { name: 'Outsider' })).status).toBe(403);
    expect((await carol.client.delete(`/api/im/webhooks/${alices.bot.id}`)).status).toBe(403);
    const p2p = (await alice.client.post<ChatView>('/api/im/chats', { chatType: 'p2p', userId: carol.user.id })).body;
    expect((await alice.client.post(`/api/im/chats/${p2p.id}/webhooks`, { name: 'Nope' })).status).toBe(409);
    // Bad input changes nothing.
    expect((await alice.client.post(`/api/im/chats/${team.id}/webhooks`, { name: '' })).status).toBe(400);
    expect((await alice.client.post(`/api/im/chats/${team.id}/webhooks`, { name: 'K', keywords: Array(11).fill('k') })).status).toBe(400);
    expect((await alice.client.post(`/api/im/webhooks/${alices.bot.id}/reset`, { what: 'everything' })).status).toBe(400);
    const after = await alice.client.get<{ items: WebhookBotView[] }>(`/api/im/chats/${team.id}/webhooks`);
    expect(after.body.items.map((bot) => bot.name)).toEqual(['Alice’s bot', 'Renamed by owner']);
  });

  it('keeps other tenants away from a tenant’s bots', async () => {
    const { webhookUrl, bot } = await addBot(people.alice.client, chat.id, { name: 'Private' });
    const other = await createSecondTenant(server);
    expect((await other.admin.get(`/api/im/chats/${chat.id}/webhooks`)).status).toBe(404);
    expect((await other.admin.post(`/api/im/chats/${chat.id}/webhooks`, { name: 'Spy' })).status).toBe(404);
    for (const [method, path, body] of [
      ['PATCH', `/api/im/webhooks/${bot.id}`, { name: 'Spy' }],
      ['POST', `/api/im/webhooks/${bot.id}/reset`, { what: 'secret' }],
      ['DELETE', `/api/im/webhooks/${bot.id}`, undefined],
    ] as const) {
      const answer = await other.admin.request(method, path, body);
      expect(answer.status).toBe(404);
      expect(JSON.stringify(answer.body)).not.toContain('Private');
    }
    expect(await hook(webhookUrl!, text('still mine'))).toEqual(ok);
  });

  it('tells apps in the chat (im.message.receive_v1, sender_type app) and names the bot in the open API', async () => {
    const received: Array<Record<string, unknown>> = [];
    const dispatcher = new lark.EventDispatcher({ encryptKey: 'hook-key', loggerLevel: lark.LoggerLevel.error }).register({
      'im.message.receive_v1': async (data: Record<string, unknown>) => {
        received.push(data);
      },
    });
    const listener: Server = createServer(lark.adaptDefault('/events', dispatcher, { autoChallenge: true }));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    try {
      const eventUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/events`;
      const made = await admin.post<{ app: { appId: string }; appSecret: string }>('/api/admin/apps', {
        name: 'Ops Bot',
        eventUrl,
        encryptKey: 'hook-key',
      });
      expect(made.status).toBe(200);
      const client = new lark.Client({
        appId: made.body.app.appId,
        appSecret: made.body.appSecret,
        domain: server.url,
        loggerLevel: lark.LoggerLevel.error,
        logger: quietLogger,
      });
      const group = await client.im.v1.chat.create({
        params: { user_id_type: 'open_id' },
        data: { name: 'Incidents', owner_id: people.alice.user.openId, user_id_list: [people.alice.user.openId] },
      });
      const chatId = group.data!.chat_id!;
      const { webhookUrl, bot } = await addBot(people.alice.client, chatId, { name: 'Grafana' });
      expect(await hook(webhookUrl!, text('latency p99 above 2s'))).toEqual(ok);

      const event = await waitFor(
        () => received.find((data) => (data.message as { chat_id: string }).chat_id === chatId),
        'im.message.receive_v1 at the app',
      );
      expect(event).toMatchObject({
        sender: { sender_type: 'app', sender_id: { open_id: '', union_id: '', user_id: '' } },
        message: { chat_type: 'group', message_type: 'text', content: JSON.stringify({ text: 'latency p99 above 2s' }) },
      });
      const messageId = (event.message as { message_id: string }).message_id;
      const got = await client.im.v1.message.get({ path: { message_id: messageId } });
      expect(got.data?.items?.[0]?.sender).toMatchObject({ id: bot.id, id_type: 'app_id', sender_type: 'app' });
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });
});
