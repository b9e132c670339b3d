import { ManualClock } from '@kite/kernel/clock';
import { rawRequest } from '@kite/testing/raw-request';
import { setUpTenant, startTestServer, type TestServer, testEngines, WebClient } from '@kite/testing/test-server';
import * as lark from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The official Lark/Feishu Node SDK, unchanged, against a real Kite server (reference/feishu-openapi.md
 * §10 steps 1–2, the contact v3 surface, tokens, OIDC, limits). What the SDK relies on is a contract.
 */

/** The SDK logs every failed call; tests assert on the failures themselves, so keep the output clean. */
const sdkLogs: unknown[] = [];
const quietLogger = {
  error: (...msg: unknown[]) => void sdkLogs.push(msg),
  warn: (...msg: unknown[]) => void sdkLogs.push(msg),
  info: () => {},
  debug: () => {},
  trace: () => {},
};

function sdkClient(
  server: TestServer,
  appId: string,
  appSecret: string,
  extra: Partial<ConstructorParameters<typeof lark.Client>[0]> = {},
) {
  return new lark.Client({
    appId,
    appSecret,
    domain: server.url,
    loggerLevel: lark.LoggerLevel.error,
    logger: quietLogger,
    // A fresh cache per client: the default one is process-global per appId.
    cache: new lark.DefaultCache(),
    ...extra,
  });
}

/** How a call failed: the SDK throws (axios) on non-2xx, and resolves with code≠0 on HTTP 200. */
async function failure(call: Promise<unknown>): Promise<{ status: number; code: number; msg: string; headers: Record<string, string> }> {
  try {
    const body = (await call) as { code: number; msg: string };
    expect(body.code, `expected a failure, got ${JSON.stringify(body)}`).not.toBe(0);
    return { status: 200, code: body.code, msg: body.msg, headers: {} };
  } catch (error) {
    const response = (error as { response?: { status: number; data: { code: number; msg: string }; headers: Record<string, string> } })
      .response;
    if (!response) throw error;
    return { status: response.status, code: response.data.code, msg: response.data.msg, headers: response.headers };
  }
}

async function collect<T>(iterator: AsyncIterable<T | null>): Promise<T[]> {
  const pages: T[] = [];
  for await (const page of iterator) {
    expect(page, 'the SDK iterator yields null when a page fails').not.toBeNull();
    if (page) pages.push(page);
  }
  return pages;
}

/** The redirect URL the test app registers (a `redirect_uri` may add a query string). */
const REDIRECT_URL = 'http://app.test/callback';

let mobileCounter = 0;
const nextMobile = () => `1380000${String(1000 + mobileCounter++).padStart(4, '0')}`;

describe.each(testEngines())('open platform through the official SDK (%s)', (engine) => {
  let server: TestServer;
  let admin: WebClient;
  let tenant: { id: string; tenantKey: string };
  let app: { appId: string; appSecret: string; botOpenId: string };
  let client: lark.Client;

  async function createApp(name: string, scopes?: string[], redirectUrls?: string[]) {
    const { app: created, appSecret } = await server.kite.openPlatform.createApp(
      { tenantId: tenant.id, actor: { type: 'system', name: 'test' } },
      { name, ...(scopes ? { scopes: scopes as never } : {}), ...(redirectUrls ? { redirectUrls } : {}) },
    );
    return { appId: created.appId, appSecret, botOpenId: created.botOpenId };
  }

  async function countTenantTokens(appId: string): Promise<number> {
    const db = server.kite.database.db as unknown as import('kysely').Kysely<{ op_token: { app_id: string; kind: string } }>;
    const rows = await db.selectFrom('op_token').select('app_id').where('app_id', '=', appId).where('kind', '=', 'tenant').execute();
    return rows.length;
  }

  async function newUser(name: string, extra: Record<string, unknown> = {}, params: Record<string, string> = {}) {
    const response = await client.contact.v3.user.create({
      params: params as never,
      data: { name, mobile: nextMobile(), department_ids: [], employee_type: 1, ...extra } as never,
    });
    expect(response.code, response.msg).toBe(0);
    return response.data!.user!;
  }

  beforeAll(async () => {
    server = await startTestServer({ engine });
    ({ admin, tenant } = await setUpTenant(server));
    // The OIDC tests sign in to this app; `authorize` only returns to a registered URL.
    app = await createApp('Bot', undefined, [REDIRECT_URL]);
    client = sdkClient(server, app.appId, app.appSecret);
  });
  afterAll(async () => {
    await server?.close();
  });

  describe('tokens (§10 step 1)', () => {
    it('issues a tenant access token at the top level with expire > 180, explicitly and implicitly', async () => {
      const explicit = (await client.auth.v3.tenantAccessToken.internal({
        data: { app_id: app.appId, app_secret: app.appSecret },
      })) as unknown as {
        code: number;
        tenant_access_token: string;
        expire: number;
      };
      expect(explicit.code).toBe(0);
      expect(explicit.tenant_access_token).toMatch(/^t-/);
      expect(explicit.expire).toBeGreaterThan(180);

      const appToken = (await client.auth.v3.appAccessToken.internal({
        data: { app_id: app.appId, app_secret: app.appSecret },
      })) as unknown as {
        code: number;
        app_access_token: string;
        expire: number;
      };
      expect(appToken.code).toBe(0);
      expect(appToken.app_access_token).toMatch(/^a-/);

      // Implicit: a fresh client fetches one token and reuses it for every call.
      const fresh = sdkClient(server, app.appId, app.appSecret);
      const before = await countTenantTokens(app.appId);
      for (let i = 0; i < 5; i++) expect((await fresh.contact.v3.department.children({ path: { department_id: '0' } })).code).toBe(0);
      expect(await countTenantTokens(app.appId)).toBe(before + 1);
    });

    it('rejects a bad secret with "failed to get tenant_access_token"', async () => {
      const wrong = sdkClient(server, app.appId, 'not-the-secret');
      await expect(wrong.contact.v3.department.children({ path: { department_id: '0' } })).rejects.toThrow(
        /failed to get tenant_access_token/,
      );
      const unknown = sdkClient(server, 'cli_0123456789abcdef', 'whatever');
      await expect(unknown.contact.v3.department.children({ path: { department_id: '0' } })).rejects.toThrow(
        /failed to get tenant_access_token/,
      );
    });

    it('answers a forged tenant token with code 99991663', async () => {
      // The SDK only sends a caller's token when it does not manage tokens itself.
      const manual = sdkClient(server, app.appId, app.appSecret, { disableTokenCache: true });
      const result = await failure(manual.contact.v3.department.children({ path: { department_id: '0' } }, lark.withTenantToken('t-bad')));
      expect(result.status).toBe(400);
      expect(result.code).toBe(99_991_663);
      const token = (await client.auth.v3.tenantAccessToken.internal({
        data: { app_id: app.appId, app_secret: app.appSecret },
      })) as unknown as {
        tenant_access_token: string;
      };
      const good = await manual.contact.v3.department.children(
        { path: { department_id: '0' } },
        lark.withTenantToken(token.tenant_access_token),
      );
      expect(good.code).toBe(0);
    });
  });

  describe('contact v3 (§10 step 2 and around)', () => {
    it('creates a department and users, reads them back, pages by department and maps e-mails to ids', async () => {
      const department = await client.contact.v3.department.create({ data: { name: 'Conformance', parent_department_id: '0' } });
      expect(department.code, department.msg).toBe(0);
      const openDepartmentId = department.data!.department!.open_department_id!;
      expect(openDepartmentId).toBeTruthy();

      const first = await newUser('Conformance One', { email: 'one@sdk.test', department_ids: [openDepartmentId] });
      expect(first.open_id).toMatch(/^ou_/);
      expect(first.union_id).toMatch(/^on_/);
      expect(first.department_ids).toEqual([openDepartmentId]);
      const second = await newUser('Conformance Two', { email: 'two@sdk.test', department_ids: [openDepartmentId] });
      const third = await newUser('Conformance Three', { email: 'three@sdk.test', department_ids: [openDepartmentId] });

      const got = await client.contact.v3.user.get({ path: { user_id: first.open_id! }, params: { user_id_type: 'open_id' } });
      expect(got.code).toBe(0);
      expect(got.data!.user).toMatchObject({ open_id: first.open_id, name: 'Conformance One', email: 'one@sdk.test' });

      const pages = await collect(
        await client.contact.v3.user.findByDepartmentWithIterator({ params: { department_id: openDepartmentId, page_size: 1 } }),
      );
      expect(pages.length).toBeGreaterThanOrEqual(2);
      const paged = pages.flatMap((page) => page.items ?? []).map((user) => user.open_id);
      expect(paged.sort()).toEqual([first.open_id, second.open_id, third.open_id].sort());

      const ids = await client.contact.v3.user.batchGetId({
        params: { user_id_type: 'open_id' },
        data: { emails: ['one@sdk.test', 'nobody@sdk.test'] },
      });
      expect(ids.code).toBe(0);
      expect(ids.data!.user_list).toEqual([
        expect.objectContaining({ email: 'one@sdk.test', user_id: first.open_id }),
        { email: 'nobody@sdk.test' },
      ]);
      const byMobile = await client.contact.v3.user.batchGetId({
        params: { user_id_type: 'union_id' },
        data: { mobiles: [second.mobile!] },
      });
      expect(byMobile.data!.user_list).toEqual([expect.objectContaining({ mobile: second.mobile, user_id: second.union_id })]);
    });

    it('gets, lists, walks, patches and deletes departments', async () => {
      const parent = (
        await client.contact.v3.department.create({
          data: { name: 'Walk Parent', parent_department_id: '0', department_id: 'walk-parent' },
        })
      ).data!.department!;
      const childA = (
        await client.contact.v3.department.create({ data: { name: 'Walk Child A', parent_department_id: parent.open_department_id! } })
      ).data!.department!;
      const childB = (
        await client.contact.v3.department.create({ data: { name: 'Walk Child B', parent_department_id: parent.open_department_id! } })
      ).data!.department!;
      const grandchild = (
        await client.contact.v3.department.create({ data: { name: 'Walk Grandchild', parent_department_id: childA.open_department_id! } })
      ).data!.department!;
      expect(grandchild.parent_department_id).toBe(childA.open_department_id);

      const got = await client.contact.v3.department.get({ path: { department_id: parent.open_department_id! } });
      expect(got.data!.department).toMatchObject({ name: 'Walk Parent', department_id: 'walk-parent', parent_department_id: '0' });
      const root = await client.contact.v3.department.get({ path: { department_id: '0' } });
      expect(root.code).toBe(0);

      const direct = await client.contact.v3.department.children({
        path: { department_id: parent.open_department_id! },
        params: { fetch_child: false },
      });
      expect(direct.data!.items!.map((d) => d.name)).toEqual(['Walk Child A', 'Walk Child B']);
      const all = await client.contact.v3.department.children({
        path: { department_id: parent.open_department_id! },
        params: { fetch_child: true },
      });
      expect(all.data!.items!.map((d) => d.name).sort()).toEqual(['Walk Child A', 'Walk Child B', 'Walk Grandchild']);
      const walked = await collect(
        await client.contact.v3.department.childrenWithIterator({
          path: { department_id: parent.open_department_id! },
          params: { fetch_child: true, page_size: 1 },
        }),
      );
      expect(walked.length).toBe(3);
      expect(walked.flatMap((page) => page.items ?? []).map((d) => d.name)).toEqual(['Walk Child A', 'Walk Child B', 'Walk Grandchild']);

      const listed = await client.contact.v3.department.list({
        params: { parent_department_id: parent.open_department_id!, fetch_child: false },
      });
      expect(listed.data!.items!.map((d) => d.name)).toEqual(['Walk Child A', 'Walk Child B']);
      const listedAll = await collect(
        await client.contact.v3.department.listWithIterator({ params: { parent_department_id: '0', fetch_child: true, page_size: 2 } }),
      );
      const everywhere = listedAll.flatMap((page) => page.items ?? []).map((d) => d.open_department_id);
      expect(everywhere).toEqual(
        expect.arrayContaining([parent.open_department_id, childA.open_department_id, grandchild.open_department_id]),
      );
      expect(new Set(everywhere).size).toBe(everywhere.length);

      const patched = await client.contact.v3.department.patch({
        path: { department_id: childB.open_department_id! },
        data: { name: 'Walk Child B2', order: '7' },
      });
      expect(patched.code).toBe(0);
      // A patch changes what it names and nothing else (the parent stays).
      expect(patched.data!.department).toMatchObject({
        name: 'Walk Child B2',
        order: '7',
        parent_department_id: parent.open_department_id,
      });
      const moved = await client.contact.v3.department.patch({
        path: { department_id: grandchild.open_department_id! },
        data: { parent_department_id: childB.open_department_id! },
      });
      expect(moved.data!.department!.parent_department_id).toBe(childB.open_department_id);

      const cycle = await failure(
        client.contact.v3.department.patch({
          path: { department_id: parent.open_department_id! },
          data: { parent_department_id: childB.open_department_id! },
        }),
      );
      expect(cycle.status).toBe(409);
      expect(cycle.code).not.toBe(0);

      const notEmpty = await failure(client.contact.v3.department.delete({ path: { department_id: childB.open_department_id! } }));
      expect(notEmpty.status).toBe(409);
      expect((await client.contact.v3.department.delete({ path: { department_id: grandchild.open_department_id! } })).code).toBe(0);
      expect((await client.contact.v3.department.delete({ path: { department_id: childB.open_department_id! } })).code).toBe(0);
      const gone = await failure(client.contact.v3.department.get({ path: { department_id: childB.open_department_id! } }));
      expect(gone.status).toBe(404);
      const root0 = await failure(client.contact.v3.department.delete({ path: { department_id: '0' } }));
      expect(root0.status).toBe(403);
    });

    it('patches, lists and deletes users', async () => {
      const team = (await client.contact.v3.department.create({ data: { name: 'User Team', parent_department_id: '0' } })).data!
        .department!;
      const lead = await newUser('Team Lead', { email: 'lead@sdk.test', department_ids: [team.open_department_id!] });
      const member = await newUser('Team Member', {
        email: 'member@sdk.test',
        department_ids: [team.open_department_id!],
        leader_user_id: lead.open_id,
      });
      expect(member.leader_user_id).toBe(lead.open_id);

      const patched = await client.contact.v3.user.patch({
        path: { user_id: member.open_id! },
        data: { name: 'Team Member Renamed', job_title: 'Engineer', en_name: 'Member' },
      });
      expect(patched.code).toBe(0);
      expect(patched.data!.user).toMatchObject({
        name: 'Team Member Renamed',
        job_title: 'Engineer',
        en_name: 'Member',
        leader_user_id: lead.open_id,
      });

      const listed = await client.contact.v3.user.list({ params: { department_id: team.open_department_id!, page_size: 10 } });
      expect(listed.code).toBe(0);
      expect(listed.data!.items!.map((u) => u.name).sort()).toEqual(['Team Lead', 'Team Member Renamed']);
      const everyone = await collect(await client.contact.v3.user.listWithIterator({ params: { page_size: 3 } }));
      const allIds = everyone.flatMap((page) => page.items ?? []).map((u) => u.open_id);
      expect(allIds).toEqual(expect.arrayContaining([lead.open_id, member.open_id]));
      expect(new Set(allIds).size).toBe(allIds.length);

      const deleted = await client.contact.v3.user.delete({ path: { user_id: member.open_id! } });
      expect(deleted.code).toBe(0);
      const after = await client.contact.v3.user.get({ path: { user_id: member.open_id! } });
      expect(after.data!.user!.status).toMatchObject({ is_resigned: true, is_activated: false });
      const remaining = await client.contact.v3.user.findByDepartment({ params: { department_id: team.open_department_id! } });
      expect(remaining.data!.items!.map((u) => u.open_id)).toEqual([lead.open_id]);

      // The tenant's last administrator cannot be removed, not even by an app.
      const session = await admin.get<{ user: { openId: string } }>('/api/auth/session');
      const lastAdmin = await failure(client.contact.v3.user.delete({ path: { user_id: session.body.user.openId } }));
      expect(lastAdmin.status).toBe(409);
      expect((await client.contact.v3.user.get({ path: { user_id: session.body.user.openId } })).data!.user!.status!.is_activated).toBe(
        true,
      );
    });

    it('speaks every id type: user_id, union_id and department_id', async () => {
      const department = (
        await client.contact.v3.department.create({
          params: { department_id_type: 'department_id' },
          data: { name: 'Typed Department', parent_department_id: '0', department_id: 'typed-dept' },
        })
      ).data!.department!;
      expect(department.department_id).toBe('typed-dept');
      expect(department.parent_department_id).toBe('0');

      const boss = await newUser(
        'Typed Boss',
        { user_id: 'typed-boss', department_ids: ['typed-dept'] },
        { user_id_type: 'user_id', department_id_type: 'department_id' },
      );
      expect(boss.user_id).toBe('typed-boss');
      expect(boss.department_ids).toEqual(['typed-dept']);
      const worker = await newUser('Typed Worker', { user_id: 'typed-worker', leader_user_id: 'typed-boss' }, { user_id_type: 'user_id' });
      expect(worker.leader_user_id).toBe('typed-boss');

      const byUserId = await client.contact.v3.user.get({ path: { user_id: 'typed-worker' }, params: { user_id_type: 'user_id' } });
      expect(byUserId.data!.user).toMatchObject({ name: 'Typed Worker', leader_user_id: 'typed-boss' });
      const byUnionId = await client.contact.v3.user.get({ path: { user_id: worker.union_id! }, params: { user_id_type: 'union_id' } });
      expect(byUnionId.data!.user).toMatchObject({ user_id: 'typed-worker', leader_user_id: boss.union_id });
      const byOpenId = await client.contact.v3.user.get({
        path: { user_id: worker.open_id! },
        params: { user_id_type: 'open_id', department_id_type: 'department_id' },
      });
      expect(byOpenId.data!.user!.leader_user_id).toBe(boss.open_id);

      const typedDepartment = await client.contact.v3.department.get({
        path: { department_id: 'typed-dept' },
        params: { department_id_type: 'department_id' },
      });
      expect(typedDepartment.data!.department).toMatchObject({
        name: 'Typed Department',
        open_department_id: department.open_department_id,
      });
      const members = await client.contact.v3.user.findByDepartment({
        params: { department_id: 'typed-dept', department_id_type: 'department_id', user_id_type: 'user_id' },
      });
      expect(members.data!.items!.map((u) => u.user_id)).toEqual(['typed-boss']);
      expect(members.data!.items![0]!.department_ids).toEqual(['typed-dept']);
      const patched = await client.contact.v3.user.patch({
        path: { user_id: 'typed-worker' },
        params: { user_id_type: 'user_id', department_id_type: 'department_id' },
        data: { department_ids: ['typed-dept'] },
      });
      expect(patched.data!.user!.department_ids).toEqual(['typed-dept']);
      const unknownOfType = await failure(
        client.contact.v3.user.get({ path: { user_id: worker.open_id! }, params: { user_id_type: 'user_id' } }),
      );
      expect(unknownOfType.status).toBe(404);
    });

    it('accepts (and ignores) the {} body the SDK sends with GET and DELETE', async () => {
      const department = (await client.contact.v3.department.create({ data: { name: 'Body Check', parent_department_id: '0' } })).data!
        .department!;
      const token = (
        (await client.auth.v3.tenantAccessToken.internal({ data: { app_id: app.appId, app_secret: app.appSecret } })) as unknown as {
          tenant_access_token: string;
        }
      ).tenant_access_token;
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' };
      const get = await rawRequest(server.url, {
        method: 'GET',
        path: `/open-apis/contact/v3/departments/${department.open_department_id}`,
        headers,
        body: '{}',
      });
      expect(get.status).toBe(200);
      expect((get.json as { code: number }).code).toBe(0);
      const list = await rawRequest(server.url, { method: 'GET', path: '/open-apis/contact/v3/users?page_size=1', headers, body: '{}' });
      expect((list.json as { code: number }).code).toBe(0);
      const removed = await rawRequest(server.url, {
        method: 'DELETE',
        path: `/open-apis/contact/v3/departments/${department.open_department_id}`,
        headers,
        body: '{}',
      });
      expect(removed.status).toBe(200);
      expect(removed.json).toEqual({ code: 0, msg: 'success', data: {} });
    });
  });

  describe('scopes and limits', () => {
    it('enforces scopes: a read-only app reads but cannot write; an app without contact scopes cannot read', async () => {
      const readOnly = await createApp('Reader', ['contact:contact:readonly']);
      const reader = sdkClient(server, readOnly.appId, readOnly.appSecret);
      expect((await reader.contact.v3.user.list({ params: { page_size: 5 } })).code).toBe(0);
      const before = (await admin.get<{ items: unknown[] }>('/api/contact/users?status=all&limit=200')).body.items.length;
      const denied = await failure(
        reader.contact.v3.user.create({ data: { name: 'Not Allowed', mobile: nextMobile(), department_ids: [], employee_type: 1 } }),
      );
      expect(denied.status).toBe(403);
      expect(denied.code).toBe(99_991_672);
      expect((await failure(reader.contact.v3.department.create({ data: { name: 'Not Allowed', parent_department_id: '0' } }))).code).toBe(
        99_991_672,
      );
      expect((await admin.get<{ items: unknown[] }>('/api/contact/users?status=all&limit=200')).body.items.length).toBe(before);

      const chatOnly = await createApp('Chatter', ['im:message']);
      const chatter = sdkClient(server, chatOnly.appId, chatOnly.appSecret);
      expect((await failure(chatter.contact.v3.user.list({ params: { page_size: 5 } }))).code).toBe(99_991_672);
    });

    it('limits a flood on one route with HTTP 429, code 99991400 and x-ogw-ratelimit-reset', async () => {
      const clock = new ManualClock(Date.now());
      const limited = await startTestServer({ engine, clock, env: { KITE_OPENAPI_RATE_LIMIT: '5' } });
      try {
        const { tenant: limitedTenant } = await setUpTenant(limited);
        const { app: floodApp, appSecret } = await limited.kite.openPlatform.createApp(
          { tenantId: limitedTenant.id, actor: { type: 'system', name: 'test' } },
          { name: 'Flood' },
        );
        const flood = sdkClient(limited, floodApp.appId, appSecret);
        // One token first, so the flood is only API calls.
        expect((await flood.contact.v3.department.children({ path: { department_id: '0' } })).code).toBe(0);

        const results = await Promise.allSettled(
          Array.from({ length: 20 }, () => flood.contact.v3.user.list({ params: { page_size: 1 } })),
        );
        const passed = results.filter((result) => result.status === 'fulfilled');
        const limitedCalls = await Promise.all(
          results.filter((result) => result.status === 'rejected').map((result) => failure(Promise.reject(result.reason))),
        );
        // The window does not move (manual clock): exactly the limit gets through.
        expect(passed).toHaveLength(5);
        expect(limitedCalls).toHaveLength(15);
        for (const call of limitedCalls) {
          expect(call.status).toBe(429);
          expect(call.code).toBe(99_991_400);
          expect(Number(call.headers['x-ogw-ratelimit-reset'])).toBeGreaterThan(0);
          expect(call.headers['x-ogw-ratelimit-limit']).toBe('5');
        }
        // Per route: another route still answers; the same route again once the window has passed.
        expect((await flood.contact.v3.department.children({ path: { department_id: '0' } })).code).toBe(0);
        clock.advance(1000);
        expect((await flood.contact.v3.user.list({ params: { page_size: 1 } })).code).toBe(0);
      } finally {
        await limited.close();
      }
    });
  });

  describe('user identity', () => {
    let member: WebClient;
    let memberOpenId: string;

    beforeAll(async () => {
      const created = await admin.post<{ user: { openId: string } }>('/api/contact/users', {
        name: 'OIDC Member',
        email: 'oidc@acme.test',
        password: 'oidc-member-pw',
      });
      memberOpenId = created.body.user.openId;
      member = new WebClient(server.url);
      await member.login('oidc@acme.test', 'oidc-member-pw');
    });

    async function authorize(web: WebClient, state = 'xyz'): Promise<string> {
      const response = await web.get(
        `/open-apis/authen/v1/authorize?app_id=${app.appId}&redirect_uri=${encodeURIComponent('http://app.test/callback?from=kite')}&state=${state}`,
      );
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe('http://app.test/callback');
      expect(location.searchParams.get('from')).toBe('kite');
      expect(location.searchParams.get('state')).toBe(state);
      return location.searchParams.get('code')!;
    }

    it('runs the OIDC flow: authorize → code → user token → user info → refresh', async () => {
      const anonymous = await new WebClient(server.url).get(
        `/open-apis/authen/v1/authorize?app_id=${app.appId}&redirect_uri=${encodeURIComponent('http://app.test/callback')}`,
      );
      expect(anonymous.status).toBe(302);
      expect(anonymous.headers.get('location')).toMatch(/^\/login\?next=%2Fopen-apis%2Fauthen%2Fv1%2Fauthorize/);

      const code = await authorize(member);
      const exchanged = await client.authen.v1.oidcAccessToken.create({ data: { grant_type: 'authorization_code', code } });
      expect(exchanged.code).toBe(0);
      const tokens = exchanged.data!;
      expect(tokens.access_token).toMatch(/^u-/);
      expect(tokens.refresh_token).toBeTruthy();
      expect(tokens.token_type).toBe('Bearer');
      expect(tokens.expires_in).toBeGreaterThan(180);
      expect(tokens.refresh_expires_in).toBeGreaterThan(tokens.expires_in!);

      const reused = await failure(client.authen.v1.oidcAccessToken.create({ data: { grant_type: 'authorization_code', code } }));
      expect(reused.code).toBe(20_003);

      const info = await client.authen.v1.userInfo.get({}, lark.withUserAccessToken(tokens.access_token!));
      expect(info.code).toBe(0);
      expect(info.data).toMatchObject({
        open_id: memberOpenId,
        email: 'oidc@acme.test',
        name: 'OIDC Member',
        tenant_key: tenant.tenantKey,
      });

      const refreshed = await client.authen.v1.oidcRefreshAccessToken.create({
        data: { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! },
      });
      expect(refreshed.code).toBe(0);
      expect(refreshed.data!.access_token).toMatch(/^u-/);
      expect(refreshed.data!.access_token).not.toBe(tokens.access_token);
      const again = await client.authen.v1.userInfo.get({}, lark.withUserAccessToken(refreshed.data!.access_token!));
      expect(again.data!.open_id).toBe(memberOpenId);
      // A refresh token works once.
      const replayed = await failure(
        client.authen.v1.oidcRefreshAccessToken.create({ data: { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! } }),
      );
      expect(replayed.code).toBe(99_991_669);
    });

    it('acts with the user’s own permissions under a user token', async () => {
      const memberToken = (
        await client.authen.v1.oidcAccessToken.create({ data: { grant_type: 'authorization_code', code: await authorize(member) } })
      ).data!.access_token!;
      const asMember = lark.withUserAccessToken(memberToken);
      expect((await client.contact.v3.user.list({ params: { page_size: 5 } }, asMember)).code).toBe(0);
      const denied = await failure(
        client.contact.v3.user.create(
          { data: { name: 'Member Made', mobile: nextMobile(), department_ids: [], employee_type: 1 } },
          asMember,
        ),
      );
      expect(denied.status).toBe(403);
      expect(
        (await failure(client.contact.v3.department.create({ data: { name: 'Member Made', parent_department_id: '0' } }, asMember))).status,
      ).toBe(403);

      const adminToken = (
        await client.authen.v1.oidcAccessToken.create({ data: { grant_type: 'authorization_code', code: await authorize(admin) } })
      ).data!.access_token!;
      const made = await client.contact.v3.user.create(
        { data: { name: 'Admin Made', mobile: nextMobile(), department_ids: [], employee_type: 1 } },
        lark.withUserAccessToken(adminToken),
      );
      expect(made.code).toBe(0);
      await server.kite.dispatcher.settle();
      const audit = await admin.get<{ items: Array<{ subjectId: string; actor: { type: string; name: string } }> }>(
        '/api/admin/audit?action=contact.user.created',
      );
      const entry = audit.body.items.find((item) => item.actor?.name === 'Admin');
      expect(entry?.actor.type).toBe('user');

      // A tenant token cannot read user info; a user token is not a tenant token.
      expect((await failure(client.authen.v1.userInfo.get({}))).code).toBe(99_991_668);
    });

    it('accepts a personal access token from `kite token` until an administrator revokes it', async () => {
      // The CLI's path into a running server: the admin channel runs the same command.
      const cli = await rawRequest(server.url, {
        method: 'POST',
        path: '/api/_cli',
        headers: { 'content-type': 'application/json', 'x-kite-admin-secret': 'test-admin-secret' },
        body: JSON.stringify({ command: 'token', app: app.appId, user: 'oidc@acme.test', name: 'nightly sync' }),
      });
      expect(cli.status).toBe(200);
      const issued = cli.json as { user_access_token: string; open_id: string; expires_in: number };
      expect(issued.user_access_token).toMatch(/^u-/);
      expect(issued.open_id).toBe(memberOpenId);
      const asScript = lark.withUserAccessToken(issued.user_access_token);

      const info = await client.authen.v1.userInfo.get({}, asScript);
      expect(info.data!.open_id).toBe(memberOpenId);
      expect((await client.contact.v3.department.children({ path: { department_id: '0' } }, asScript)).code).toBe(0);

      const listed = await admin.get<{
        items: Array<{ id: string; name: string; user: { name: string }; appId: string; lastUsedAt: string | null }>;
      }>('/api/admin/tokens');
      const entry = listed.body.items.find((item) => item.name === 'nightly sync');
      expect(entry).toMatchObject({ user: { name: 'OIDC Member' }, appId: app.appId });
      expect(entry!.lastUsedAt).not.toBeNull();

      expect((await admin.delete(`/api/admin/tokens/${entry!.id}`)).status).toBe(200);
      const revoked = await failure(client.authen.v1.userInfo.get({}, asScript));
      expect(revoked.status).toBe(400);
      expect(revoked.code).toBe(99_991_668);
      expect((await failure(client.contact.v3.department.children({ path: { department_id: '0' } }, asScript))).code).toBe(99_991_668);
      expect((await admin.get<{ items: Array<{ id: string }> }>('/api/admin/tokens')).body.items.map((item) => item.id)).not.toContain(
        entry!.id,
      );
    });

    it('refuses a redirect_uri the app did not register: HTTP 400 redirect_uri_not_allowed, no redirect, no code', async () => {
      const db = server.kite.database.db as unknown as import('kysely').Kysely<{ op_auth_code: { code_hash: string } }>;
      const codes = async () => (await db.selectFrom('op_auth_code').select('code_hash').execute()).length;
      const codesBefore = await codes();
      const authorizeUrl = (appId: string, redirectUri: string) =>
        `/open-apis/authen/v1/authorize?app_id=${appId}&redirect_uri=${encodeURIComponent(redirectUri)}&state=s1`;
      const unregistered = [
        'http://evil.test/callback',
        'https://app.test/callback', // another scheme
        'http://app.test:8080/callback', // another port
        'http://app.test/callback/more', // another path
        'http://app.test.evil.test/callback', // a look-alike host
        'http://someone@app.test/callback', // credentials
      ];
      // Signed in or not: an anonymous visitor is not sent to the sign-in page either.
      for (const web of [member, new WebClient(server.url)]) {
        for (const uri of unregistered) {
          const refused = await web.get<{ code: number; error: { code: string } }>(authorizeUrl(app.appId, uri));
          expect(refused.status, uri).toBe(400);
          expect(refused.headers.get('location'), uri).toBeNull();
          expect(refused.body).toMatchObject({ code: 20_029, error: { code: 'redirect_uri_not_allowed' } });
        }
      }
      // A browser gets a page that says what happened, in both languages, and no redirect.
      const page = await fetch(`${server.url}${authorizeUrl(app.appId, 'http://evil.test/callback')}`, {
        headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8', cookie: member.cookieHeader() },
        redirect: 'manual',
      });
      expect(page.status).toBe(400);
      expect(page.headers.get('location')).toBeNull();
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await page.text();
      expect(html).toContain('redirect_uri_not_allowed');
      expect(html).toContain('此登录链接不被允许');
      expect(await codes()).toBe(codesBefore);

      // An app that registered nothing (as every app after the upgrade) refuses every redirect_uri
      // until an administrator registers its URL in the console.
      const bare = await createApp('No redirect URLs yet');
      expect((await member.get(authorizeUrl(bare.appId, 'https://sso.test/kite/callback'))).status).toBe(400);
      const patched = await admin.patch<{ redirectUrls: string[] }>(`/api/admin/apps/${bare.appId}`, {
        redirectUrls: ['https://sso.test/kite/callback', 'https://sso.test/kite/callback', 'http://127.0.0.1:8080/cb'],
      });
      expect(patched.status).toBe(200);
      expect(patched.body.redirectUrls).toEqual(['https://sso.test/kite/callback', 'http://127.0.0.1:8080/cb']);
      const allowed = await member.get(authorizeUrl(bare.appId, 'https://sso.test/kite/callback?tab=2'));
      expect(allowed.status).toBe(302);
      const location = new URL(allowed.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe('https://sso.test/kite/callback');
      expect(location.searchParams.get('tab')).toBe('2');
      expect(location.searchParams.get('code')).toBeTruthy();

      // Only absolute http(s) URLs without a fragment, at most 20.
      for (const redirectUrls of [
        ['ftp://sso.test/cb'],
        ['javascript:alert(1)'],
        ['/relative/cb'],
        ['https://sso.test/cb#fragment'],
        Array.from({ length: 21 }, (_, i) => `https://sso.test/cb${i}`),
      ]) {
        const invalid = await admin.patch<{ error: { code: string } }>(`/api/admin/apps/${bare.appId}`, { redirectUrls });
        expect(invalid.status, JSON.stringify(redirectUrls)).toBe(400);
        expect(invalid.body.error.code).toBe('validation_failed');
      }
      const listed = await admin.get<{ items: Array<{ appId: string; redirectUrls: string[] }> }>('/api/admin/apps');
      expect(listed.body.items.find((item) => item.appId === bare.appId)?.redirectUrls).toEqual(patched.body.redirectUrls);
    });

    describe('when a person’s password is reset or they are deactivated', () => {
      /** A signed-in person's OIDC token pair, an unused authorization code and a personal access token. */
      async function credentialsOf(name: string, email: string) {
        const password = `${name.toLowerCase().replace(/\W/g, '-')}-password`;
        const created = await admin.post<{ user: { id: string } }>('/api/contact/users', { name, email, password });
        expect(created.status).toBe(200);
        const web = new WebClient(server.url);
        await web.login(email, password);
        const exchanged = await client.authen.v1.oidcAccessToken.create({
          data: { grant_type: 'authorization_code', code: await authorize(web) },
        });
        const unusedCode = await authorize(web);
        const cli = await rawRequest(server.url, {
          method: 'POST',
          path: '/api/_cli',
          headers: { 'content-type': 'application/json', 'x-kite-admin-secret': 'test-admin-secret' },
          body: JSON.stringify({ command: 'token', app: app.appId, user: email, name: `${name} script` }),
        });
        return {
          userId: created.body.user.id,
          accessToken: exchanged.data!.access_token!,
          refreshToken: exchanged.data!.refresh_token!,
          unusedCode,
          personalToken: (cli.json as { user_access_token: string }).user_access_token,
        };
      }

      async function expectWorking(credentials: Awaited<ReturnType<typeof credentialsOf>>) {
        for (const token of [credentials.accessToken, credentials.personalToken]) {
          expect((await client.authen.v1.userInfo.get({}, lark.withUserAccessToken(token))).code).toBe(0);
        }
      }

      async function expectRevoked(credentials: Awaited<ReturnType<typeof credentialsOf>>) {
        for (const token of [credentials.accessToken, credentials.personalToken]) {
          const info = await failure(client.authen.v1.userInfo.get({}, lark.withUserAccessToken(token)));
          expect(info.status).toBe(400);
          expect(info.code).toBe(99_991_668);
          const list = await failure(client.contact.v3.user.list({ params: { page_size: 1 } }, lark.withUserAccessToken(token)));
          expect(list.code).toBe(99_991_668);
        }
        const refreshed = await failure(
          client.authen.v1.oidcRefreshAccessToken.create({
            data: { grant_type: 'refresh_token', refresh_token: credentials.refreshToken },
          }),
        );
        expect(refreshed.code).toBe(99_991_669);
        const exchanged = await failure(
          client.authen.v1.oidcAccessToken.create({ data: { grant_type: 'authorization_code', code: credentials.unusedCode } }),
        );
        expect(exchanged.code).toBe(20_003);
        // The app's own tenant token is not the person's: it keeps working.
        expect((await client.contact.v3.department.children({ path: { department_id: '0' } })).code).toBe(0);
      }

      it('revokes their user, refresh and personal tokens on a password reset', async () => {
        const credentials = await credentialsOf('Reset Person', 'reset-tokens@acme.test');
        await expectWorking(credentials);
        expect((await admin.post(`/api/contact/users/${credentials.userId}/reset-password`, {})).status).toBe(200);
        await server.kite.dispatcher.settle();
        await expectRevoked(credentials);
        const tokens = await admin.get<{ items: Array<{ name: string }> }>('/api/admin/tokens');
        expect(tokens.body.items.map((item) => item.name)).not.toContain('Reset Person script');
      });

      it('revokes them on deactivation, and reactivating the person does not bring them back', async () => {
        const credentials = await credentialsOf('Leaving Person', 'leaving-tokens@acme.test');
        await expectWorking(credentials);
        expect((await admin.post(`/api/contact/users/${credentials.userId}/deactivate`)).status).toBe(200);
        await server.kite.dispatcher.settle();
        expect((await admin.post(`/api/contact/users/${credentials.userId}/reactivate`)).status).toBe(200);
        await server.kite.dispatcher.settle();
        await expectRevoked(credentials);
      });
    });
  });
});
