import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as lark from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  setUpTenant,
  startTestServer,
  type TestServer,
  testEngines,
  type WebClient,
  waitFor,
} from '../../../packages/testing/src/test-server.ts';

describe.each(testEngines())('apps receive directory events through the whole server (%s)', (engine) => {
  let server: TestServer;
  let admin: WebClient;
  let hook: Server;
  let hookUrl: string;
  const hookEvents: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    server = await startTestServer({ engine });
    ({ admin } = await setUpTenant(server));
    const dispatcher = new lark.EventDispatcher({ encryptKey: 'kite-encrypt-key', loggerLevel: lark.LoggerLevel.error }).register({
      'contact.user.created_v3': async (data: Record<string, unknown>) => {
        hookEvents.push(data);
      },
      'contact.department.created_v3': async (data: Record<string, unknown>) => {
        hookEvents.push(data);
      },
    });
    hook = createServer(lark.adaptDefault('/hook', dispatcher, { autoChallenge: true }));
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
  });

  afterAll(async () => {
    await server?.close();
    await new Promise((resolve) => hook?.close(resolve));
  });

  it('verifies a webhook URL before saving it, then delivers signed, encrypted events', async () => {
    const refused = await admin.post('/api/admin/apps', { name: 'Broken hook', eventUrl: 'http://127.0.0.1:9/nowhere', encryptKey: 'k' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { code: 'event_url_unverified' } });
    const apps = await admin.get<{ items: Array<{ name: string }> }>('/api/admin/apps');
    expect(apps.body.items.map((app) => app.name)).not.toContain('Broken hook');

    const created = await admin.post<{ app: { appId: string; eventUrl: string } }>('/api/admin/apps', {
      name: 'Hook bot',
      eventUrl: hookUrl,
      encryptKey: 'kite-encrypt-key',
      verificationToken: 'vt',
    });
    expect(created.status).toBe(200);
    expect(created.body.app.eventUrl).toBe(hookUrl);

    const user = await admin.post<{ user: { openId: string } }>('/api/contact/users', { name: '王五', email: 'wangwu@acme.test' });
    const event = await waitFor(() => hookEvents.find((e) => e.event_type === 'contact.user.created_v3'), 'webhook event');
    // The admin, created before the app existed, is not announced to it.
    expect(hookEvents.filter((e) => e.event_type === 'contact.user.created_v3')).toHaveLength(1);
    expect(event).toMatchObject({ app_id: created.body.app.appId, object: { open_id: user.body.user.openId, name: '王五' } });
  });

  it('announces every person a CSV import creates to the app as contact.user.created_v3', async () => {
    const csv = [
      'name,email,mobile,employee_id,title,department,manager_email,is_admin',
      'Import Lead,lead@csv.test,13700000001,CSV-1,Lead,CSV Corp/Platform,,',
      '导入 成员,member@csv.test,,CSV-2,Engineer,CSV Corp/Platform,lead@csv.test,',
      'Outside Person,outside@csv.test,,,,,,',
    ].join('\n');
    const imported = await admin.post('/api/contact/import', { csv });
    expect(imported.body).toMatchObject({ ok: true, created: { users: 3, departments: 2 } });

    const ofImport = () =>
      hookEvents.filter(
        (e) => e.event_type === 'contact.user.created_v3' && String((e.object as { email?: string }).email).endsWith('@csv.test'),
      );
    const events = await waitFor(() => (ofImport().length >= 3 ? ofImport() : undefined), 'a webhook event per imported person');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ofImport()).toHaveLength(3);

    const users = (await admin.get<{ items: Array<{ email: string; openId: string; unionId: string }> }>('/api/contact/users?q=csv.test'))
      .body.items;
    const openIdOf = (email: string) => users.find((user) => user.email === email)!.openId;
    const platform = (
      await admin.get<{ items: Array<{ name: string; openDepartmentId: string }> }>('/api/contact/departments')
    ).body.items.find((department) => department.name === 'Platform')!;
    const tenantKey = (await admin.get<{ tenant: { tenantKey: string } }>('/api/auth/session')).body.tenant.tenantKey;
    const member = events.find((e) => (e.object as { email: string }).email === 'member@csv.test')!;
    expect(member).toMatchObject({
      event_type: 'contact.user.created_v3',
      object: {
        open_id: openIdOf('member@csv.test'),
        name: '导入 成员',
        user_id: 'CSV-2',
        job_title: 'Engineer',
        leader_user_id: openIdOf('lead@csv.test'),
        department_ids: [platform.openDepartmentId],
        tenant_key: tenantKey,
      },
    });
    // The new departments are announced too, before the people in them.
    const departments = await waitFor(() => {
      const found = hookEvents.filter(
        (e) => e.event_type === 'contact.department.created_v3' && ['CSV Corp', 'Platform'].includes((e.object as { name: string }).name),
      );
      return found.length === 2 ? found : undefined;
    }, 'the imported departments');
    expect(departments.map((e) => (e.object as { open_department_id: string }).open_department_id)).toContain(platform.openDepartmentId);
    // Exactly the fields of a person created by hand (王五 above).
    const byHand = hookEvents.find((e) => (e.object as { name?: string }).name === '王五')!;
    expect(Object.keys(member.object as object).sort()).toEqual(Object.keys(byHand.object as object).sort());
  });

  it('pushes events to the SDK WSClient over the long connection', async () => {
    const { app, appSecret } = (
      await admin.post<{ app: { appId: string }; appSecret: string }>('/api/admin/apps', {
        name: 'Socket bot',
        scopes: ['contact:contact:readonly'],
      })
    ).body;
    const received: Array<Record<string, unknown>> = [];
    const client = new lark.WSClient({ appId: app.appId, appSecret, domain: server.url, loggerLevel: lark.LoggerLevel.error });
    await client.start({
      eventDispatcher: new lark.EventDispatcher({}).register({
        'contact.department.created_v3': async (data: Record<string, unknown>) => {
          received.push(data);
        },
      }),
    });
    try {
      // An app receives events once its long connection is up (or once it has a webhook).
      await waitFor(() => (server.kite.events.isConnected(app.appId) ? true : undefined), 'the long connection');
      const department = await admin.post<{ openDepartmentId: string }>('/api/contact/departments', { name: '市场部 Marketing' });
      const event = await waitFor(() => received[0], 'long-connection event', 20_000);
      expect(event).toMatchObject({
        event_type: 'contact.department.created_v3',
        app_id: app.appId,
        object: { open_department_id: department.body.openDepartmentId, name: '市场部 Marketing', parent_department_id: '0' },
      });
    } finally {
      client.close({ force: true });
    }
  });

  it('does not send directory events to apps without a contact scope', async () => {
    const { app } = (
      await admin.post<{ app: { appId: string } }>('/api/admin/apps', {
        name: 'No scope',
        scopes: ['im:message'],
        eventUrl: hookUrl,
        encryptKey: 'kite-encrypt-key',
      })
    ).body;
    await admin.post('/api/contact/users', { name: 'Scope Check', email: 'scope@acme.test' });
    await waitFor(() => hookEvents.find((e) => (e.object as { name?: string })?.name === 'Scope Check'), 'event for the scoped app');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hookEvents.filter((e) => e.app_id === app.appId)).toEqual([]);
  });
});
