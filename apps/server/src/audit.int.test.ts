import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpTenant, startTestServer, type TestServer, testEngines } from '../../../packages/testing/src/test-server.ts';

describe.each(testEngines())('audit log (%s)', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ engine });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('records administration with actor and address, but never chat content', async () => {
    const { admin } = await setUpTenant(server);
    const colleague = await admin.post<{ user: { id: string } }>('/api/contact/users', { name: '李四', email: 'lisi@acme.test' });
    const chat = await admin.post<{ id: string }>('/api/im/chats', {
      chatType: 'group',
      name: '机密项目',
      userIds: [colleague.body.user.id],
    });
    expect(chat.status).toBe(200);
    const kept = await admin.post<{ id: string }>(`/api/im/chats/${chat.body.id}/messages`, {
      msgType: 'text',
      content: JSON.stringify({ text: 'the launch code is 1234' }),
    });
    const recalled = await admin.post<{ id: string }>(`/api/im/chats/${chat.body.id}/messages`, {
      msgType: 'text',
      content: JSON.stringify({ text: 'oops, wrong chat' }),
    });
    expect(kept.status).toBe(200);
    expect((await admin.post(`/api/im/messages/${recalled.body.id}/recall`)).status).toBe(200);
    await server.kite.dispatcher.settle();

    const audit = await admin.get<{ items: Array<{ action: string; ip: string | null; actor: { name: string } | null; detail: unknown }> }>(
      '/api/admin/audit?limit=200',
    );
    const actions = audit.body.items.map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['contact.user.created', 'im.chat.created', 'im.message.recalled']));
    expect(actions).not.toContain('im.message.created');
    expect(JSON.stringify(audit.body.items)).not.toContain('launch code');
    const chatCreated = audit.body.items.find((entry) => entry.action === 'im.chat.created')!;
    expect(chatCreated.actor?.name).toBe('Admin');
    expect(chatCreated.ip).toMatch(/127\.0\.0\.1/);
  });
});
