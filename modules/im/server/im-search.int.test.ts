import type { UserView } from '@kite/contact/contract';
import type { ChatView, MessageSearchAnswer, MessageView, ResourceView } from '@kite/im/contract';
import { ManualClock } from '@kite/kernel/clock';
import {
  createSecondTenant,
  setUpTenant,
  signedInPerson,
  startTestServer,
  type TestServer,
  testEngines,
  WebClient,
} from '@kite/testing/test-server';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECENT_WINDOW } from './search-repository.ts';

/**
 * Message search through `GET /api/im/search` (docs/internal-api.md § Messenger): what matches,
 * who sees it, paging and filters, and the index path for messages older than the recent window.
 */

type ErrorBody = { error: { code: string; message: string } };
const text = (value: string) => JSON.stringify({ text: value });
const HOUR = 3_600_000;

describe.each(testEngines())('message search (%s)', (engine) => {
  let server: TestServer;
  const clock = new ManualClock(Date.UTC(2026, 5, 1, 9));
  let admin: WebClient;
  let alice: { client: WebClient; user: UserView };
  let bob: { client: WebClient; user: UserView };
  let carol: { client: WebClient; user: UserView };

  async function group(owner: WebClient, userIds: string[], name: string) {
    const created = await owner.post<ChatView>('/api/im/chats', { chatType: 'group', name, userIds });
    expect(created.status).toBe(200);
    return created.body;
  }

  /** Sends a message a minute after the previous one, so newest-first order is unambiguous. */
  async function send(client: WebClient, chatId: string, msgType: string, content: string) {
    clock.advance(60_000);
    const sent = await client.post<MessageView & ErrorBody>(`/api/im/chats/${chatId}/messages`, { msgType, content });
    expect(sent.status).toBe(200);
    return sent.body;
  }

  async function search(client: WebClient, params: Record<string, string | number>) {
    const query = new URLSearchParams(Object.entries(params).map(([key, value]) => [key, String(value)]));
    return client.get<MessageSearchAnswer & ErrorBody>(`/api/im/search?${query}`);
  }

  /** The message ids a search finds, newest first. */
  async function found(client: WebClient, params: Record<string, string | number>) {
    const answer = await search(client, params);
    expect(answer.status).toBe(200);
    return answer.body.items.map((hit) => hit.message.id);
  }

  beforeAll(async () => {
    server = await startTestServer({ engine, clock });
    ({ admin } = await setUpTenant(server));
    alice = await signedInPerson<UserView>(admin, 'Alice', 'alice@acme.test');
    bob = await signedInPerson<UserView>(admin, 'Bob', 'bob@acme.test');
    carol = await signedInPerson<UserView>(admin, '王小明', 'carol@acme.test');
  });

  afterAll(async () => {
    await server?.close();
  });

  it('finds Chinese one- and two-character queries and Latin words in any case, newest first, with highlights', async () => {
    const chat = await group(alice.client, [bob.user.id], 'Launch');
    const launch = await send(alice.client, chat.id, 'text', text('明天发布新版本，发布会在下午'));
    const notes = await send(bob.client, chat.id, 'text', text('The RELEASE notes are ready'));
    const later = await send(bob.client, chat.id, 'text', text('新的发布时间待定'));

    expect(await found(alice.client, { q: '发布' })).toEqual([later.id, launch.id]);
    expect(await found(bob.client, { q: '新' })).toEqual([later.id, launch.id]);
    expect(await found(alice.client, { q: 'release' })).toEqual([notes.id]);
    expect(await found(alice.client, { q: 'Notes ARE' })).toEqual([notes.id]);
    // Inside a word from three characters on; one or two characters match a word's start.
    expect(await found(alice.client, { q: 'lease' })).toEqual([notes.id]);
    expect(await found(alice.client, { q: 're' })).toEqual([notes.id]);
    expect(await found(alice.client, { q: 'ea' })).toEqual([]);

    const hit = (await search(alice.client, { q: '发布' })).body.items[1]!;
    expect(hit.snippet).toBe('明天发布新版本，发布会在下午');
    expect(hit.highlights).toEqual([
      { start: 2, end: 4 },
      { start: 8, end: 10 },
    ]);
    expect(hit.chat).toMatchObject({ id: chat.id, chatId: chat.chatId, chatType: 'group', name: 'Launch', peer: null });
    expect(hit.message).toMatchObject({ id: launch.id, messageId: launch.messageId, chatId: chat.id, msgType: 'text', seq: launch.seq });
    expect(hit.message.sender).toMatchObject({ type: 'user', id: alice.user.id, name: 'Alice' });
  });

  it('finds rich-text titles and runs, file names and card texts, and names a p2p chat after the other person', async () => {
    const p2p = (await alice.client.post<ChatView>('/api/im/chats', { chatType: 'p2p', userId: bob.user.id })).body;
    const post = await send(
      alice.client,
      p2p.id,
      'post',
      JSON.stringify({
        zh_cn: {
          title: '季度预算',
          content: [
            [
              { tag: 'text', text: '请审阅 ' },
              { tag: 'a', text: 'spreadsheet', href: 'https://x.test' },
            ],
          ],
        },
      }),
    );
    const uploaded = await fetch(`${server.url}/api/im/files?name=${encodeURIComponent('年度报告.pdf')}`, {
      method: 'POST',
      headers: { cookie: alice.client.cookieHeader(), 'x-csrf-token': alice.client.csrfToken, 'content-type': 'application/pdf' },
      body: new Uint8Array(Buffer.from('%PDF-1.4')),
    });
    const file = (await uploaded.json()) as ResourceView;
    const fileMessage = await send(alice.client, p2p.id, 'file', JSON.stringify({ file_key: file.key, file_name: '年度报告.pdf' }));
    const card = await send(
      alice.client,
      p2p.id,
      'interactive',
      JSON.stringify({
        header: { title: { tag: 'plain_text', content: 'Deploy approval' } },
        elements: [
          { tag: 'div', text: { tag: 'lark_md', content: '**生产环境** rollout' } },
          { tag: 'img', img_key: 'img_x', alt: { tag: 'plain_text', content: '' } },
        ],
      }),
    );

    expect(await found(bob.client, { q: '预算' })).toEqual([post.id]);
    expect(await found(bob.client, { q: 'spreadsheet' })).toEqual([post.id]);
    expect(await found(bob.client, { q: '报告' })).toEqual([fileMessage.id]);
    expect(await found(bob.client, { q: 'PDF' })).toEqual([fileMessage.id]);
    expect(await found(bob.client, { q: 'approval' })).toEqual([card.id]);
    expect(await found(bob.client, { q: '生产' })).toEqual([card.id]);
    const hit = (await search(bob.client, { q: '预算' })).body.items[0]!;
    expect(hit.chat).toMatchObject({ id: p2p.id, chatType: 'p2p', name: 'Alice', peer: { id: alice.user.id, name: 'Alice' } });
  });

  it('follows edits and recalls', async () => {
    const chat = await group(alice.client, [bob.user.id], 'Edits');
    const message = await send(alice.client, chat.id, 'text', text('草稿 draft wording'));
    expect(await found(bob.client, { q: '草稿', chatId: chat.id })).toEqual([message.id]);

    const edited = await alice.client.patch<MessageView>(`/api/im/messages/${message.id}`, { content: text('定稿 final wording') });
    expect(edited.status).toBe(200);
    expect(await found(bob.client, { q: '草稿', chatId: chat.id })).toEqual([]);
    expect(await found(bob.client, { q: 'draft', chatId: chat.id })).toEqual([]);
    const [hit] = (await search(bob.client, { q: '定稿', chatId: chat.id })).body.items;
    expect(hit?.message).toMatchObject({ id: message.id, edited: true });

    expect((await alice.client.post(`/api/im/messages/${message.id}/recall`)).status).toBe(200);
    expect(await found(bob.client, { q: '定稿', chatId: chat.id })).toEqual([]);
    expect(await found(bob.client, { q: 'wording' })).toEqual([]);
  });

  it('shows only messages of chats the caller is in now, not dissolved, and nothing of another tenant', async () => {
    const secret = await group(carol.client, [], 'Private');
    const plan = await send(carol.client, secret.id, 'text', text('保密计划 classified roadmap'));
    expect(await found(carol.client, { q: '保密' })).toEqual([plan.id]);
    expect(await found(alice.client, { q: '保密' })).toEqual([]);
    expect(await found(alice.client, { q: 'classified' })).toEqual([]);
    expect((await search(alice.client, { q: '保密', chatId: secret.id })).body.error.code).toBe('not_chat_member');
    expect((await search(alice.client, { q: '保密', chatId: secret.chatId })).status).toBe(403);
    expect((await search(alice.client, { q: '保密', chatId: 'oc_00000000000000000000000000000000' })).status).toBe(404);

    // A member who leaves stops finding the chat's messages.
    const team = await group(carol.client, [alice.user.id], 'Team');
    const note = await send(carol.client, team.id, 'text', text('团队周报 weekly'));
    expect(await found(alice.client, { q: '周报' })).toEqual([note.id]);
    expect((await alice.client.post(`/api/im/chats/${team.id}/leave`)).status).toBe(200);
    expect(await found(alice.client, { q: '周报' })).toEqual([]);
    // Nobody finds messages of a dissolved chat.
    expect((await carol.client.delete(`/api/im/chats/${team.id}`)).status).toBe(200);
    expect(await found(carol.client, { q: '周报' })).toEqual([]);

    // Another tenant, even searching by this tenant's chat id and people, sees nothing.
    const other = await createSecondTenant(server);
    expect(await found(other.admin, { q: '保密' })).toEqual([]);
    expect(await found(other.admin, { q: 'classified', senderId: carol.user.id })).toEqual([]);
    expect((await search(other.admin, { q: '保密', chatId: secret.id })).status).toBe(404);
  });

  it('filters by chat, sender and time, and pages with a cursor', async () => {
    const chat = await group(alice.client, [bob.user.id], 'Paging');
    const elsewhere = await group(alice.client, [bob.user.id], 'Elsewhere');
    const start = clock.now().toISOString();
    const sent: MessageView[] = [];
    for (let index = 0; index < 5; index++) {
      sent.push(await send(index % 2 ? bob.client : alice.client, chat.id, 'text', text(`里程碑 milestone ${index}`)));
    }
    clock.advance(HOUR);
    const middle = clock.now().toISOString();
    const outside = await send(alice.client, elsewhere.id, 'text', text('里程碑 milestone elsewhere'));
    const newestFirst = sent.map((message) => message.id).reverse();

    expect(await found(alice.client, { q: '里程碑', chatId: chat.id })).toEqual(newestFirst);
    expect(await found(alice.client, { q: '里程碑', chatId: chat.chatId })).toEqual(newestFirst);
    expect(await found(alice.client, { q: 'milestone', senderId: bob.user.id })).toEqual([sent[3]!.id, sent[1]!.id]);
    expect(await found(alice.client, { q: 'milestone', from: middle })).toEqual([outside.id]);
    expect(await found(alice.client, { q: 'milestone', from: start, to: middle })).toEqual(newestFirst);
    expect(await found(alice.client, { q: 'milestone', to: sent[1]!.createdAt })).toEqual([sent[0]!.id]);

    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const page: { body: MessageSearchAnswer } = await search(alice.client, { q: '里程碑', limit: 2, ...(cursor ? { cursor } : {}) });
      pages.push(page.body.items.map((hit) => hit.message.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(pages).toEqual([
      [outside.id, newestFirst[0]],
      [newestFirst[1], newestFirst[2]],
      [newestFirst[3], newestFirst[4]],
    ]);
  });

  it('finds older messages through the index once newer ones fill the recent window', async () => {
    const chat = await group(alice.client, [bob.user.id], 'Archive');
    const old = await send(alice.client, chat.id, 'text', text('归档 archived handbook'));
    const other = await group(alice.client, [], 'Noise');
    const hidden = await send(carol.client, (await group(carol.client, [], 'Hidden')).id, 'text', text('归档 archived secret'));
    // More newer messages than the window holds, in this chat and another: none of them match.
    await fill(chat.id, RECENT_WINDOW + 10);
    await fill(other.id, 10);

    expect(await found(alice.client, { q: '归档' })).toEqual([old.id]);
    expect(await found(alice.client, { q: '档' })).toEqual([old.id]);
    expect(await found(alice.client, { q: 'HANDBOOK' })).toEqual([old.id]);
    expect(await found(alice.client, { q: 'archived', chatId: chat.id })).toEqual([old.id]);
    expect(await found(bob.client, { q: 'archived', senderId: alice.user.id })).toEqual([old.id]);
    expect(await found(carol.client, { q: '归档' })).toEqual([hidden.id]);
    // Edits and recalls reach the index too.
    await alice.client.patch(`/api/im/messages/${old.id}`, { content: text('索引 indexed handbook') });
    expect(await found(alice.client, { q: '归档' })).toEqual([]);
    expect(await found(alice.client, { q: '索引' })).toEqual([old.id]);
    await alice.client.post(`/api/im/messages/${old.id}/recall`);
    expect(await found(alice.client, { q: 'handbook' })).toEqual([]);
  });

  it('indexes messages stored before search terms existed', async () => {
    const chat = await group(alice.client, [], 'Legacy');
    const legacy = await send(alice.client, chat.id, 'text', text('遗留 legacy record'));
    await fill(chat.id, RECENT_WINDOW + 10);
    const { db } = server.kite.database;
    await sql`update im_message set search_terms = null where id = ${legacy.id}`.execute(db);
    expect(await found(alice.client, { q: '遗留' })).toEqual([]);

    expect(await server.kite.im.messageSearch.indexOlderMessages()).toBe(1);
    expect(await found(alice.client, { q: '遗留' })).toEqual([legacy.id]);
    expect(await found(alice.client, { q: 'legacy' })).toEqual([legacy.id]);
    expect(await server.kite.im.messageSearch.indexOlderMessages()).toBe(0);
  });

  it('refuses bad input with validation_failed and answers nothing for a query of symbols', async () => {
    const invalid: Array<Record<string, string | number>> = [
      { q: '' },
      { q: '   ' },
      { q: 'x'.repeat(101) },
      { q: 'x', limit: 0 },
      { q: 'x', limit: 51 },
      { q: 'x', from: 'yesterday' },
      { q: 'x', from: '2026-06-02T00:00:00Z', to: '2026-06-01T00:00:00Z' },
      { q: 'x', cursor: 'not-a-cursor' },
      { q: 'x', cursor: Buffer.from('[1,2]').toString('base64url') },
      { q: 'x\u0000' },
    ];
    for (const params of invalid) {
      const answer = await search(alice.client, params);
      expect(answer.status, JSON.stringify(params)).toBe(400);
      expect(answer.body.error.code).toBe('validation_failed');
    }
    expect(await search(alice.client, { q: '%' })).toMatchObject({ status: 200, body: { items: [], nextCursor: null } });
    expect(await search(alice.client, { q: '_' })).toMatchObject({ status: 200, body: { items: [] } });
    expect((await new WebClient(server.url).get('/api/im/search?q=x')).status).toBe(401);
  });

  /** `count` newer messages in a chat that match none of the queries above, straight into the table. */
  async function fill(chatId: string, count: number) {
    const { db } = server.kite.database;
    const at = clock.now();
    await sql`
      insert into im_message (id, tenant_id, chat_id, message_id, seq, sender_kind, sender_id, msg_type, content, search_text, search_terms, created_at, updated_at)
      select gen_random_uuid()::text, c.tenant_id, c.id, 'om_' || md5(c.id || g), c.last_seq + g, 'user', ${alice.user.id}, 'text',
             '{"text":"filler"}', 'filler', 'f fi fil ill lle ler', ${at}::timestamptz + g * interval '1 second', ${at}::timestamptz
      from im_chat c cross join generate_series(1, ${count}::int) g
      where c.id = ${chatId}`.execute(db);
    await sql`update im_chat set last_seq = last_seq + ${count}::int where id = ${chatId}`.execute(db);
    clock.advance((count + 1) * 1000);
  }
});
