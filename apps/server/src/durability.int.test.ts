import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresDatabase, startServerProcess } from '@kite/testing/server-process';
import { testEngines, WebClient } from '@kite/testing/test-server';
import { describe, expect, it } from 'vitest';

/**
 * What the server acknowledged survives `kill -9`: the organisation, a person and a chat message are
 * all there after the process is killed without warning and started again on the same storage.
 */
describe.each(testEngines())('durability across kill -9 (%s)', (engine) => {
  it('keeps every acknowledged write', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kite-durability-'));
    const database = engine === 'postgres' ? await createPostgresDatabase('kite_durability') : undefined;
    const env = { KITE_DATA_DIR: dataDir, KITE_WEB_DIST: join(dataDir, 'none'), ...(database ? { DATABASE_URL: database.url } : {}) };
    try {
      let server = await startServerProcess(env);
      const admin = new WebClient(server.url);
      const setup = await admin.post<{ csrfToken: string }>('/api/setup', {
        tenantName: '持久 Corp',
        adminName: 'Admin',
        adminEmail: 'admin@durable.test',
        adminPassword: 'durable-password-1',
      });
      admin.csrfToken = setup.body.csrfToken;
      const colleague = await admin.post<{ user: { id: string } }>('/api/contact/users', { name: '王五', email: 'wangwu@durable.test' });
      const chat = await admin.post<{ id: string }>('/api/im/chats', { chatType: 'p2p', userId: colleague.body.user.id });
      const sent = await admin.post<{ messageId: string; seq: number }>(`/api/im/chats/${chat.body.id}/messages`, {
        msgType: 'text',
        content: JSON.stringify({ text: 'acknowledged before the crash 💾' }),
      });
      expect(sent.status).toBe(200);

      await server.kill();
      server = await startServerProcess(env);
      try {
        const again = new WebClient(server.url);
        await again.login('admin@durable.test', 'durable-password-1');
        const people = await again.get<{ items: Array<{ name: string }> }>('/api/contact/users?q=wangwu');
        expect(people.body.items.map((user) => user.name)).toEqual(['王五']);
        const history = await again.get<{ items: Array<{ messageId: string; content: string }> }>(`/api/im/chats/${chat.body.id}/messages`);
        expect(history.body.items.map((message) => message.messageId)).toContain(sent.body.messageId);
        expect(history.body.items.at(-1)?.content).toContain('acknowledged before the crash 💾');
      } finally {
        await server.stop();
      }
    } finally {
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
