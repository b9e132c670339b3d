import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpTenant, startTestServer, type TestServer, testEngines } from '../../../packages/testing/src/test-server.ts';

describe.each(testEngines())('smoke on %s', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ engine });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers health, sets up a tenant, and finds people by pinyin initials', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const { admin } = await setUpTenant(server);
    const created = await admin.post<{ user: { id: string } }>('/api/contact/users', { name: '张三', email: 'zhangsan@acme.test' });
    expect(created.status).toBe(200);
    const found = await admin.get<{ items: Array<{ name: string }> }>('/api/contact/users?q=zs');
    expect(found.body.items.map((user) => user.name)).toEqual(['张三']);
    const none = await admin.get<{ items: unknown[] }>('/api/contact/users?q=zzz');
    expect(none.body.items).toEqual([]);
  });
});
