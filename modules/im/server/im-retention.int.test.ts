import type { UserView } from '@kite/contact/contract';
import type { ChatView, MessageSearchAnswer, MessageView } from '@kite/im/contract';
import { setUpTenant, startTestServer, type TestServer, testEngines, WebClient } from '@kite/testing/test-server';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Tenant admins choose how long messages are kept; the sweep deletes older ones for good. */
describe.each(testEngines())('message retention (%s)', (engine) => {
  let server: TestServer;
  let admin: WebClient;
  let bob: WebClient;
  let chat: ChatView;
  /** Messages written weeks ago: their timestamps moved back in the database. */
  const age = async (messageId: string, days: number) => {
    await sql`update im_message set created_at = created_at - make_interval(days => ${days}) where id = ${messageId}`.execute(
      server.kite.database.db,
    );
  };

  const send = async (text: string, parentId?: string) => {
    const sent = await admin.post<MessageView>(`/api/im/chats/${chat.id}/messages`, {
      msgType: 'text',
      content: JSON.stringify({ text }),
      ...(parentId ? { parentId } : {}),
    });
    expect(sent.status).toBe(200);
    return sent.body;
  };

  beforeAll(async () => {
    server = await startTestServer({ engine });
    ({ admin } = await setUpTenant(server));
    const made = await admin.post<{ user: UserView }>('/api/contact/users', {
      name: 'Bob',
      email: 'bob@acme.test',
      password: 'person-password-1',
    });
    bob = new WebClient(server.url);
    await bob.login('bob@acme.test', 'person-password-1');
    chat = (await admin.post<ChatView>('/api/im/chats', { chatType: 'group', name: 'Retained', userIds: [made.body.user.id] })).body;
  });

  afterAll(async () => {
    await server?.close();
  });

  it('lets only administrators read and set the policy, with clear errors for bad input', async () => {
    expect((await admin.get('/api/im/settings')).body).toEqual({ retentionDays: null });
    expect((await bob.get('/api/im/settings')).status).toBe(403);
    expect((await bob.request('PUT', '/api/im/settings', { retentionDays: 30 })).status).toBe(403);
    for (const bad of [{ retentionDays: 0 }, { retentionDays: 1.5 }, { retentionDays: 4000 }, { retentionDays: '30' }, {}]) {
      const answer = await admin.request('PUT', '/api/im/settings', bad);
      expect(answer.status).toBe(400);
    }
    expect((await admin.get('/api/im/settings')).body).toEqual({ retentionDays: null });
  });

  it('deletes messages older than the window, keeps newer ones, and leaves nothing unread that is gone', async () => {
    const old = await send('from last quarter');
    await admin.post(`/api/im/messages/${old.id}/reactions`, { emojiType: 'OK' });
    expect((await admin.post(`/api/im/messages/${old.id}/pin`, {})).status).toBe(200);
    // Merged into another chat, the copy is a new message there: it stays after the original goes.
    const elsewhere = (await admin.post<ChatView>('/api/im/chats', { chatType: 'group', name: 'Elsewhere' })).body;
    const merged = await admin.post(`/api/im/messages/merge-forward`, { messageIds: [old.id], chatIds: [elsewhere.id] });
    expect(merged.status).toBe(200);
    await age(old.id, 40);
    const reply = await send('a reply to an old message', old.id);
    const fresh = await send('this week');
    expect(await server.kite.retention.sweep()).toBe(0); // no policy yet: kept for good

    expect((await admin.request('PUT', '/api/im/settings', { retentionDays: 30 })).body).toEqual({ retentionDays: 30 });
    await server.kite.retention.sweep();
    const history = await bob.get<{ items: MessageView[] }>(`/api/im/chats/${chat.id}/messages`);
    // The group's own lines (created, pinned) are of this week too: they stay.
    const said = history.body.items.filter((message) => message.msgType !== 'system');
    expect(said.map((message) => message.id)).toEqual([reply.id, fresh.id]);
    expect((await bob.get(`/api/im/messages/${old.id}/read-users`)).status).toBe(404);

    const bobsChat = await bob.get<ChatView>(`/api/im/chats/${chat.id}`);
    expect(bobsChat.body.unreadCount).toBe(2);

    // The change is in the audit log (written by its consumer shortly after the commit).
    const audited = async () => {
      const audit = await admin.get<{ items: Array<{ action: string }> }>('/api/admin/audit?limit=50');
      return audit.body.items.map((item) => item.action);
    };
    await expect.poll(audited, { timeout: 10_000 }).toContain('im.settings.updated');
  });

  it('finds no expired message in search, even before the next sweep deletes it', async () => {
    const expired = await send('quarterly needle report');
    const kept = await send('weekly needle report');
    await age(expired.id, 31);
    const found = async (extra = '') =>
      (await bob.get<MessageSearchAnswer>(`/api/im/search?q=needle${extra}`)).body.items.map((hit) => hit.message.id);
    expect(await found()).toEqual([kept.id]);
    // An earlier start date asked for does not reach past the cutoff; a later one still narrows.
    expect(await found(`&from=${encodeURIComponent(new Date(Date.now() - 90 * 86_400_000).toISOString())}`)).toEqual([kept.id]);
    expect(await found(`&from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual([]);
    expect(await server.kite.retention.sweep()).toBe(1);
  });

  it('keeps everything again when set back to forever', async () => {
    await admin.request('PUT', '/api/im/settings', { retentionDays: null });
    const history0 = await admin.get<{ items: MessageView[] }>(`/api/im/chats/${chat.id}/messages`);
    for (const message of history0.body.items) await age(message.id, 400);
    expect(await server.kite.retention.sweep()).toBe(0);
    const history = await admin.get<{ items: MessageView[] }>(`/api/im/chats/${chat.id}/messages`);
    expect(history.body.items).toHaveLength(history0.body.items.length);
  });
});
