import { ManualClock } from '@kite/kernel/clock';
import { type RawResponse, rawRequest } from '@kite/testing/raw-request';
import { setUpTenant, startTestServer, type TestServer, testEngines, type WebClient } from '@kite/testing/test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Garbage in: every bad request gets a 4xx with a stable code and a readable message, in the shape of
 * its API (internal `{error:{code,message}}`, open platform `{code,msg}`), never a 500 and never a
 * stack trace, and it changes nothing.
 */

const MIB = 1024 * 1024;
/** What a leaked stack trace or internal path looks like. */
const INTERNALS = /\bat [\w$.<>]+ \(|node_modules\/|\.[cm]?[jt]s:\d+:\d+|\bstack\b/;

interface Case {
  name: string;
  method: string;
  path: string;
  body?: string | Buffer;
  /** Content type; JSON unless told. */
  type?: string | null;
  auth?: 'session' | 'none' | 'token' | { bearer: string } | { header: string } | { cookie: string };
  status: number;
  /** Internal API: the string code; open platform: the numeric code. */
  code: string | number;
  /** The message must mention this. */
  mentions?: RegExp;
}

describe.each(testEngines())('bad input (%s)', (engine) => {
  const clock = new ManualClock(Date.now());
  let server: TestServer;
  let admin: WebClient;
  let adminId: string;
  let appId: string;
  let appSecret: string;
  let token: string;

  async function tenantToken(id = appId, secret = appSecret): Promise<string> {
    const response = await rawRequest(server.url, {
      method: 'POST',
      path: '/open-apis/auth/v3/tenant_access_token/internal',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ app_id: id, app_secret: secret }),
    });
    return (response.json as { tenant_access_token: string }).tenant_access_token;
  }

  async function send(c: Omit<Case, 'status' | 'code' | 'name'>): Promise<RawResponse> {
    const headers: Record<string, string> = {};
    if (c.body !== undefined && c.type !== null) headers['content-type'] = c.type ?? 'application/json';
    const auth = c.auth ?? (c.path.startsWith('/open-apis/') ? 'token' : 'session');
    if (auth === 'session') {
      headers.cookie = admin.cookieHeader();
      headers['x-csrf-token'] = admin.csrfToken;
    } else if (auth === 'token') {
      headers.authorization = `Bearer ${token}`;
    } else if (typeof auth === 'object' && 'cookie' in auth) {
      headers.cookie = auth.cookie;
    } else if (auth !== 'none') {
      headers.authorization = 'bearer' in auth ? `Bearer ${auth.bearer}` : auth.header;
    }
    return rawRequest(server.url, { method: c.method, path: c.path, headers, body: c.body });
  }

  function expectClearError(c: Case, response: RawResponse): void {
    const label = `${c.name}: ${c.method} ${c.path.slice(0, 80)} → ${response.status} ${response.text.slice(0, 300)}`;
    expect(response.status, label).toBe(c.status);
    expect(response.headers['content-type'], label).toMatch(/^application\/json/);
    expect(response.text, label).not.toMatch(INTERNALS);
    if (c.path.startsWith('/open-apis/')) {
      const body = response.json as { code: number; msg: string; error?: { log_id: string } };
      expect(body.code, label).toBe(c.code);
      expect(body.msg, label).toEqual(expect.any(String));
      expect(body.msg.length, label).toBeGreaterThan(3);
      if (c.mentions) expect(body.msg, label).toMatch(c.mentions);
    } else {
      const body = response.json as { error: { code: string; message: string } };
      expect(body.error?.code, label).toBe(c.code);
      expect(body.error.message, label).toEqual(expect.any(String));
      expect(body.error.message.length, label).toBeGreaterThan(3);
      if (c.mentions) expect(body.error.message, label).toMatch(c.mentions);
    }
  }

  /** Everything the bad requests could have touched. */
  async function state() {
    await server.kite.dispatcher.settle();
    const get = async (path: string) => (await admin.get(path)).body;
    return {
      outboxHead: await server.kite.dispatcher.headSeq(),
      users: await get('/api/contact/users?status=all&limit=200'),
      departments: await get('/api/contact/departments'),
      groups: await get('/api/contact/groups'),
      invitations: await get('/api/admin/invitations'),
      apps: await get('/api/admin/apps'),
      tokens: await get('/api/admin/tokens'),
      audit: await get('/api/admin/audit?limit=200'),
      session: await get('/api/auth/session'),
    };
  }

  beforeAll(async () => {
    server = await startTestServer({ engine, clock });
    ({ admin } = await setUpTenant(server));
    adminId = (await admin.get<{ user: { id: string } }>('/api/auth/session')).body.user.id;
    const app = await admin.post<{ app: { appId: string }; appSecret: string }>('/api/admin/apps', {
      name: 'Bad Input Bot',
      redirectUrls: ['http://app.test/cb'],
    });
    ({ appSecret } = app.body);
    appId = app.body.app.appId;
    token = await tenantToken();
    await admin.post('/api/contact/departments', { name: 'Existing Department' });
    await admin.post('/api/contact/groups', { name: 'Existing Group' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers malformed, mistyped, incomplete, oversize and unknown requests with clear 4xx errors and changes nothing', async () => {
    const groupId = (await admin.get<{ items: Array<{ id: string }> }>('/api/contact/groups')).body.items[0]!.id;
    const before = await state();
    const user = (extra: Record<string, unknown>) => JSON.stringify({ name: 'Valid Name', email: 'valid@acme.test', ...extra });
    const cases: Case[] = [
      // Malformed bodies.
      { name: 'truncated JSON', method: 'POST', path: '/api/contact/users', body: '{"name":', status: 400, code: 'invalid_json' },
      { name: 'not JSON at all', method: 'POST', path: '/api/contact/users', body: 'name=Eve', status: 400, code: 'invalid_json' },
      {
        name: 'binary garbage',
        method: 'POST',
        path: '/api/contact/departments',
        body: Buffer.from([0xff, 0xfe, 0x00, 0x81]),
        status: 400,
        code: 'invalid_json',
      },
      { name: 'empty JSON body', method: 'POST', path: '/api/contact/users', body: '', status: 400, code: 'invalid_json' },
      {
        name: 'prototype pollution',
        method: 'POST',
        path: '/api/contact/departments',
        body: '{"name":"x","__proto__":{"isAdmin":true}}',
        status: 400,
        code: 'invalid_json',
      },
      {
        name: 'constructor pollution',
        method: 'POST',
        path: '/api/contact/departments',
        body: '{"name":"x","constructor":{"prototype":{"a":1}}}',
        status: 400,
        code: 'invalid_json',
      },
      {
        name: 'form body',
        method: 'POST',
        path: '/api/contact/users',
        body: 'name=Eve',
        type: 'application/x-www-form-urlencoded',
        status: 415,
        code: 'unsupported_media_type',
      },
      {
        name: 'xml body',
        method: 'POST',
        path: '/api/auth/login',
        body: '<login/>',
        type: 'application/xml',
        auth: 'none',
        status: 415,
        code: 'unsupported_media_type',
      },
      {
        name: 'deeply nested JSON',
        method: 'POST',
        path: '/api/contact/departments',
        body: `${'['.repeat(50_000)}${']'.repeat(50_000)}`,
        status: 400,
        code: 'validation_failed',
      },
      // Wrong shapes and types.
      { name: 'null body', method: 'POST', path: '/api/contact/users', body: 'null', status: 400, code: 'validation_failed' },
      { name: 'array body', method: 'POST', path: '/api/contact/users', body: '[]', status: 400, code: 'validation_failed' },
      { name: 'string body', method: 'POST', path: '/api/contact/users', body: '"Eve"', status: 400, code: 'validation_failed' },
      {
        name: 'text/plain body',
        method: 'POST',
        path: '/api/contact/users',
        body: user({}),
        type: 'text/plain',
        status: 400,
        code: 'validation_failed',
      },
      {
        name: 'missing fields',
        method: 'POST',
        path: '/api/contact/users',
        body: '{}',
        status: 400,
        code: 'validation_failed',
        mentions: /name/,
      },
      {
        name: 'number for name',
        method: 'POST',
        path: '/api/contact/users',
        body: '{"name":123,"email":"n@acme.test"}',
        status: 400,
        code: 'validation_failed',
        mentions: /name/,
      },
      {
        name: 'bad e-mail',
        method: 'POST',
        path: '/api/contact/users',
        body: user({ email: 'not-an-email' }),
        status: 400,
        code: 'validation_failed',
        mentions: /email/,
      },
      {
        name: 'string for list',
        method: 'POST',
        path: '/api/contact/users',
        body: user({ departmentIds: 'all' }),
        status: 400,
        code: 'validation_failed',
        mentions: /departmentIds/,
      },
      {
        name: 'string for boolean',
        method: 'POST',
        path: '/api/contact/users',
        body: user({ isAdmin: 'yes' }),
        status: 400,
        code: 'validation_failed',
        mentions: /isAdmin/,
      },
      {
        name: 'too long name',
        method: 'POST',
        path: '/api/contact/users',
        body: user({ name: 'x'.repeat(101) }),
        status: 400,
        code: 'validation_failed',
        mentions: /name/,
      },
      {
        name: 'blank name',
        method: 'POST',
        path: '/api/contact/users',
        body: user({ name: '   ' }),
        status: 400,
        code: 'validation_failed',
        mentions: /name/,
      },
      {
        name: 'short password',
        method: 'POST',
        path: '/api/contact/users',
        body: user({ password: 'short' }),
        status: 400,
        code: 'validation_failed',
        mentions: /password/,
      },
      {
        name: 'NUL in a name',
        method: 'POST',
        path: '/api/contact/users',
        body: user({ name: 'Eve\u0000Admin' }),
        status: 400,
        code: 'validation_failed',
        mentions: /name/,
      },
      {
        name: 'NUL in a CSV',
        method: 'POST',
        path: '/api/contact/import',
        body: JSON.stringify({ csv: 'name,email\nEve\u0000,eve@acme.test' }),
        status: 400,
        code: 'validation_failed',
        mentions: /csv/,
      },
      {
        name: 'fractional order',
        method: 'POST',
        path: '/api/contact/departments',
        body: '{"name":"x","order":1.5}',
        status: 400,
        code: 'validation_failed',
        mentions: /order/,
      },
      {
        name: 'infinite order',
        method: 'POST',
        path: '/api/contact/departments',
        body: '{"name":"x","order":1e999}',
        status: 400,
        code: 'validation_failed',
        mentions: /order/,
      },
      {
        name: 'number for managerId',
        method: 'PATCH',
        path: `/api/contact/users/${adminId}`,
        body: '{"managerId":42}',
        status: 400,
        code: 'validation_failed',
        mentions: /managerId/,
      },
      {
        name: 'empty member list',
        method: 'POST',
        path: `/api/contact/groups/${groupId}/members`,
        body: '{"userIds":[]}',
        status: 400,
        code: 'validation_failed',
      },
      {
        name: 'member list of numbers',
        method: 'POST',
        path: `/api/contact/groups/${groupId}/members`,
        body: '{"userIds":[1,2]}',
        status: 400,
        code: 'validation_failed',
      },
      {
        name: 'csv of wrong type',
        method: 'POST',
        path: '/api/contact/import',
        body: '{"csv":123}',
        status: 400,
        code: 'validation_failed',
        mentions: /csv/,
      },
      {
        name: 'dryRun of wrong type',
        method: 'POST',
        path: '/api/contact/import',
        body: '{"csv":"name,email","dryRun":"no"}',
        status: 400,
        code: 'validation_failed',
        mentions: /dryRun/,
      },
      {
        name: 'invitation days as string',
        method: 'POST',
        path: '/api/admin/invitations',
        body: '{"expiresInDays":"7"}',
        status: 400,
        code: 'validation_failed',
      },
      {
        name: 'unknown scope',
        method: 'POST',
        path: '/api/admin/apps',
        body: '{"name":"Bot","scopes":["root:everything"]}',
        status: 400,
        code: 'validation_failed',
        mentions: /scopes/,
      },
      {
        name: 'event URL not a URL',
        method: 'POST',
        path: '/api/admin/apps',
        body: '{"name":"Bot","eventUrl":"not a url"}',
        status: 400,
        code: 'validation_failed',
        mentions: /eventUrl/,
      },
      {
        name: 'redirect URL not http(s)',
        method: 'POST',
        path: '/api/admin/apps',
        body: '{"name":"Bot","redirectUrls":["ftp://app.test/cb"]}',
        status: 400,
        code: 'validation_failed',
        mentions: /redirectUrls/,
      },
      {
        name: 'too many redirect URLs',
        method: 'POST',
        path: '/api/admin/apps',
        body: JSON.stringify({ name: 'Bot', redirectUrls: Array.from({ length: 21 }, (_, i) => `https://app.test/cb${i}`) }),
        status: 400,
        code: 'validation_failed',
        mentions: /redirectUrls/,
      },
      {
        name: 'bad locale',
        method: 'PATCH',
        path: '/api/me',
        body: '{"locale":"xx-XX"}',
        status: 400,
        code: 'validation_failed',
        mentions: /locale/,
      },
      {
        name: 'login without password',
        method: 'POST',
        path: '/api/auth/login',
        body: '{"email":"admin@acme.test"}',
        auth: 'none',
        status: 400,
        code: 'validation_failed',
      },
      {
        name: 'setup again, malformed',
        method: 'POST',
        path: '/api/setup',
        body: '{"tenantName":1}',
        auth: 'none',
        status: 400,
        code: 'validation_failed',
      },
      // Query strings and path parameters.
      { name: 'zero limit', method: 'GET', path: '/api/contact/users?limit=0', status: 400, code: 'validation_failed', mentions: /limit/ },
      {
        name: 'word limit',
        method: 'GET',
        path: '/api/contact/users?limit=ten',
        status: 400,
        code: 'validation_failed',
        mentions: /limit/,
      },
      {
        name: 'repeated limit',
        method: 'GET',
        path: '/api/contact/users?limit=1&limit=2',
        status: 400,
        code: 'validation_failed',
        mentions: /limit/,
      },
      { name: 'repeated query', method: 'GET', path: '/api/contact/users?q=a&q=b', status: 400, code: 'validation_failed', mentions: /q/ },
      {
        name: 'garbage cursor',
        method: 'GET',
        path: '/api/contact/users?cursor=not-a-cursor',
        status: 400,
        code: 'validation_failed',
        mentions: /cursor/,
      },
      {
        name: 'unknown status',
        method: 'GET',
        path: '/api/contact/users?status=fired',
        status: 400,
        code: 'validation_failed',
        mentions: /status/,
      },
      { name: 'NUL in a query', method: 'GET', path: '/api/contact/users?q=%00', status: 400, code: 'validation_failed', mentions: /q/ },
      { name: 'NUL in a path id', method: 'GET', path: '/api/contact/users/%00', status: 400, code: 'validation_failed' },
      {
        name: 'overlong id',
        method: 'GET',
        path: `/api/contact/users/${'x'.repeat(65)}`,
        status: 400,
        code: 'validation_failed',
        mentions: /id/,
      },
      {
        name: 'malformed percent-encoding in the path',
        method: 'GET',
        path: '/api/contact/users/%E0%A4%A',
        status: 400,
        code: 'bad_request',
      },
      { name: 'lone percent sign', method: 'GET', path: '/%', auth: 'none', status: 400, code: 'bad_request' },
      {
        name: 'negative audit cursor',
        method: 'GET',
        path: '/api/admin/audit?cursor=-1',
        status: 400,
        code: 'validation_failed',
        mentions: /cursor/,
      },
      { name: 'short invitation token', method: 'GET', path: '/api/invitations/abc', auth: 'none', status: 400, code: 'validation_failed' },
      // Oversize bodies (> 1 MiB; the CSV import allows more, but not without bound).
      {
        name: 'oversize body',
        method: 'POST',
        path: '/api/contact/users',
        body: user({ title: 'x'.repeat(MIB) }),
        status: 413,
        code: 'body_too_large',
      },
      {
        name: 'oversize anonymous body',
        method: 'POST',
        path: '/api/auth/login',
        body: JSON.stringify({ email: 'a@acme.test', password: 'x'.repeat(MIB + 1) }),
        auth: 'none',
        status: 413,
        code: 'body_too_large',
      },
      {
        name: 'oversize import',
        method: 'POST',
        path: '/api/contact/import',
        body: JSON.stringify({ csv: 'x'.repeat(7 * MIB) }),
        status: 413,
        code: 'body_too_large',
      },
      // Unknown ids.
      { name: 'unknown user', method: 'GET', path: '/api/contact/users/no-such-user', status: 404, code: 'not_found' },
      {
        name: 'patch unknown user',
        method: 'PATCH',
        path: '/api/contact/users/no-such-user',
        body: '{"title":"x"}',
        status: 404,
        code: 'not_found',
      },
      {
        name: 'deactivate unknown user',
        method: 'POST',
        path: '/api/contact/users/no-such-user/deactivate',
        body: '{}',
        status: 404,
        code: 'not_found',
      },
      {
        name: 'reactivate unknown user',
        method: 'POST',
        path: '/api/contact/users/no-such-user/reactivate',
        body: '{}',
        status: 404,
        code: 'not_found',
      },
      {
        name: 'patch unknown department',
        method: 'PATCH',
        path: '/api/contact/departments/no-such-department',
        body: '{"name":"x"}',
        status: 404,
        code: 'not_found',
      },
      {
        name: 'delete unknown department',
        method: 'DELETE',
        path: '/api/contact/departments/no-such-department',
        status: 404,
        code: 'not_found',
      },
      {
        name: 'user in unknown department',
        method: 'POST',
        path: '/api/contact/users',
        body: user({ departmentIds: ['no-such-department'] }),
        status: 404,
        code: 'not_found',
      },
      {
        name: 'user with unknown manager',
        method: 'POST',
        path: '/api/contact/users',
        body: user({ managerId: 'no-such-user' }),
        status: 404,
        code: 'not_found',
      },
      { name: 'unknown group members', method: 'GET', path: '/api/contact/groups/no-such-group/members', status: 404, code: 'not_found' },
      { name: 'delete unknown group', method: 'DELETE', path: '/api/contact/groups/no-such-group', status: 404, code: 'not_found' },
      {
        name: 'revoke unknown invitation',
        method: 'DELETE',
        path: '/api/admin/invitations/no-such-invitation',
        status: 404,
        code: 'not_found',
      },
      {
        name: 'unknown invitation token',
        method: 'GET',
        path: '/api/invitations/no-such-invitation-token',
        auth: 'none',
        status: 404,
        code: 'invitation_invalid',
      },
      {
        name: 'patch unknown app',
        method: 'PATCH',
        path: '/api/admin/apps/cli_0000000000000000',
        body: '{"name":"x"}',
        status: 404,
        code: 'not_found',
      },
      {
        name: 'rotate unknown app',
        method: 'POST',
        path: '/api/admin/apps/cli_0000000000000000/rotate-secret',
        body: '{}',
        status: 404,
        code: 'not_found',
      },
      { name: 'delete unknown app', method: 'DELETE', path: '/api/admin/apps/cli_0000000000000000', status: 404, code: 'not_found' },
      { name: 'revoke unknown token', method: 'DELETE', path: '/api/admin/tokens/no-such-token', status: 404, code: 'not_found' },
      // Unknown routes and methods.
      { name: 'unknown API route', method: 'GET', path: '/api/no/such/route', status: 404, code: 'not_found' },
      { name: 'unknown method', method: 'PUT', path: '/api/contact/users', body: '{}', status: 404, code: 'not_found' },
      { name: 'unknown top-level path', method: 'GET', path: '/no-such-page', auth: 'none', status: 404, code: 'not_found' },
      { name: 'unknown open API', method: 'GET', path: '/open-apis/nothing/v1/here', status: 404, code: 1_000_404 },
      // Sessions and CSRF.
      { name: 'no session', method: 'GET', path: '/api/contact/users', auth: 'none', status: 401, code: 'unauthenticated' },
      {
        name: 'forged session',
        method: 'GET',
        path: '/api/contact/users',
        auth: { cookie: 'kite_session=forged-session-token' },
        status: 401,
        code: 'unauthenticated',
      },
      // Open platform: tokens.
      { name: 'no token', method: 'GET', path: '/open-apis/contact/v3/users', auth: 'none', status: 400, code: 99_991_661 },
      {
        name: 'basic auth',
        method: 'GET',
        path: '/open-apis/contact/v3/users',
        auth: { header: 'Basic YWRtaW46YWRtaW4=' },
        status: 400,
        code: 99_991_661,
      },
      {
        name: 'forged tenant token',
        method: 'GET',
        path: '/open-apis/contact/v3/users',
        auth: { bearer: 't-forged0123456789' },
        status: 400,
        code: 99_991_663,
      },
      {
        name: 'forged user token',
        method: 'GET',
        path: '/open-apis/contact/v3/users',
        auth: { bearer: 'u-forged0123456789' },
        status: 400,
        code: 99_991_668,
      },
      {
        name: 'absurdly long token',
        method: 'GET',
        path: '/open-apis/contact/v3/users',
        auth: { bearer: `t-${'x'.repeat(4000)}` },
        status: 400,
        code: 99_991_663,
      },
      {
        name: 'app secret as token',
        method: 'GET',
        path: '/open-apis/contact/v3/users',
        auth: { bearer: 'APP_SECRET' },
        status: 400,
        code: 99_991_663,
      },
      // Open platform: bodies and parameters.
      {
        name: 'open: truncated JSON',
        method: 'POST',
        path: '/open-apis/contact/v3/users',
        body: '{"name":',
        status: 400,
        code: 99_992_402,
      },
      {
        name: 'open: missing name',
        method: 'POST',
        path: '/open-apis/contact/v3/users',
        body: '{}',
        status: 400,
        code: 99_992_402,
        mentions: /name/,
      },
      {
        name: 'open: number name',
        method: 'POST',
        path: '/open-apis/contact/v3/departments',
        body: '{"name":5}',
        status: 400,
        code: 99_992_402,
        mentions: /name/,
      },
      {
        name: 'open: bad user_id_type',
        method: 'GET',
        path: '/open-apis/contact/v3/users?user_id_type=email',
        status: 400,
        code: 99_992_402,
        mentions: /user_id_type/,
      },
      {
        name: 'open: page_size 0',
        method: 'GET',
        path: '/open-apis/contact/v3/users?page_size=0',
        status: 400,
        code: 99_992_402,
        mentions: /page_size/,
      },
      {
        name: 'open: page_size 1000',
        method: 'GET',
        path: '/open-apis/contact/v3/departments?page_size=1000',
        status: 400,
        code: 99_992_402,
        mentions: /page_size/,
      },
      {
        name: 'open: garbage page_token',
        method: 'GET',
        path: '/open-apis/contact/v3/users?page_token=garbage',
        status: 400,
        code: 99_992_402,
        mentions: /page_token/,
      },
      {
        name: 'open: garbage page_token, all descendants',
        method: 'GET',
        path: '/open-apis/contact/v3/departments?fetch_child=true&page_token=garbage',
        status: 400,
        code: 99_992_402,
        mentions: /page_token/,
      },
      {
        name: 'open: fetch_child not a boolean',
        method: 'GET',
        path: '/open-apis/contact/v3/departments?fetch_child=maybe',
        status: 400,
        code: 99_992_402,
        mentions: /fetch_child/,
      },
      {
        name: 'open: find_by_department without department',
        method: 'GET',
        path: '/open-apis/contact/v3/users/find_by_department',
        status: 400,
        code: 99_992_402,
        mentions: /department_id/,
      },
      {
        name: 'open: unknown user',
        method: 'GET',
        path: '/open-apis/contact/v3/users/ou_00000000000000000000000000000000',
        status: 404,
        code: 1_000_404,
      },
      { name: 'open: unknown department', method: 'GET', path: '/open-apis/contact/v3/departments/od-0000', status: 404, code: 1_000_404 },
      {
        name: 'open: delete the root department',
        method: 'DELETE',
        path: '/open-apis/contact/v3/departments/0',
        body: '{}',
        status: 403,
        code: 99_991_672,
      },
      {
        name: 'open: oversize body',
        method: 'POST',
        path: '/open-apis/contact/v3/users',
        body: JSON.stringify({ name: 'x'.repeat(MIB) }),
        status: 413,
        code: 99_992_413,
      },
      {
        name: 'open: NUL in a name',
        method: 'POST',
        path: '/open-apis/contact/v3/departments',
        body: '{"name":"a\\u0000b"}',
        status: 400,
        code: 99_992_402,
      },
      { name: 'open: malformed path encoding', method: 'GET', path: '/open-apis/contact/v3/users/%E0%A4%A', status: 400, code: 99_992_402 },
      // Open platform: token and OIDC endpoints.
      {
        name: 'token: no credentials',
        method: 'POST',
        path: '/open-apis/auth/v3/tenant_access_token/internal',
        body: '{}',
        auth: 'none',
        status: 400,
        code: 99_992_402,
        mentions: /app_id/,
      },
      {
        name: 'token: malformed JSON',
        method: 'POST',
        path: '/open-apis/auth/v3/app_access_token/internal',
        body: '{"app_id":',
        auth: 'none',
        status: 400,
        code: 99_992_402,
      },
      {
        name: 'oidc: unknown code',
        method: 'POST',
        path: '/open-apis/authen/v1/oidc/access_token',
        body: '{"grant_type":"authorization_code","code":"made-up"}',
        status: 400,
        code: 20_003,
      },
      {
        name: 'oidc: wrong grant',
        method: 'POST',
        path: '/open-apis/authen/v1/oidc/access_token',
        body: '{"grant_type":"password","code":"x"}',
        status: 400,
        code: 99_992_402,
        mentions: /grant_type/,
      },
      {
        name: 'oidc: unknown refresh token',
        method: 'POST',
        path: '/open-apis/authen/v1/oidc/refresh_access_token',
        body: '{"grant_type":"refresh_token","refresh_token":"ur-made-up"}',
        status: 400,
        code: 99_991_669,
      },
      { name: 'oidc: user_info with a tenant token', method: 'GET', path: '/open-apis/authen/v1/user_info', status: 400, code: 99_991_668 },
      {
        name: 'authorize: no app',
        method: 'GET',
        path: '/open-apis/authen/v1/authorize?redirect_uri=http%3A%2F%2Fapp.test%2F',
        status: 400,
        code: 99_992_402,
        mentions: /app_id/,
      },
      {
        name: 'authorize: unknown app',
        method: 'GET',
        path: '/open-apis/authen/v1/authorize?app_id=cli_0000000000000000&redirect_uri=http%3A%2F%2Fapp.test%2F',
        status: 400,
        code: 20_001,
      },
      {
        name: 'authorize: script URL',
        method: 'GET',
        path: `/open-apis/authen/v1/authorize?app_id=APP&redirect_uri=${encodeURIComponent('javascript:alert(1)')}`,
        status: 400,
        code: 99_992_402,
        mentions: /redirect_uri/,
      },
      {
        name: 'authorize: unregistered redirect URL',
        method: 'GET',
        path: `/open-apis/authen/v1/authorize?app_id=APP&redirect_uri=${encodeURIComponent('http://evil.test/cb')}`,
        status: 400,
        code: 20_029,
        mentions: /redirect_uri/,
      },
    ];

    for (const c of cases) {
      const path = c.path.replace('APP', appId);
      const auth =
        c.auth && typeof c.auth === 'object' && 'bearer' in c.auth && c.auth.bearer === 'APP_SECRET' ? { bearer: appSecret } : c.auth;
      const resolved = { ...c, path, auth };
      expectClearError(resolved, await send(resolved));
    }

    // A text body the import accepts in size (up to 6 MiB) is still checked row by row.
    const large = await send({
      method: 'POST',
      path: '/api/contact/import',
      body: JSON.stringify({ csv: `name,email,title\nBig,big@acme.test,${'x'.repeat(2 * MIB)}` }),
    });
    expect(large.status).toBe(200);
    expect(large.json).toMatchObject({ ok: false, created: { users: 0, departments: 0 }, errors: [{ row: 2, column: 'title' }] });

    // Valid requests still work, and nothing above changed any state.
    expect(await state()).toEqual(before);
  });

  it('rejects expired and revoked tokens and sessions with their codes', async () => {
    const userToken = async () => {
      const cli = await rawRequest(server.url, {
        method: 'POST',
        path: '/api/_cli',
        headers: { 'content-type': 'application/json', 'x-kite-admin-secret': 'test-admin-secret' },
        body: JSON.stringify({ command: 'token', app: appId, user: 'admin@acme.test', days: 1 }),
      });
      return (cli.json as { user_access_token: string }).user_access_token;
    };
    const usersWith = (bearer: string) => send({ method: 'GET', path: '/open-apis/contact/v3/users', auth: { bearer } });

    // A tenant token lives two hours.
    const shortLived = await tenantToken();
    expect((await usersWith(shortLived)).status).toBe(200);
    clock.advance(7200 * 1000 + 1000);
    const expired = await usersWith(shortLived);
    expectClearError(
      { name: 'expired tenant token', method: 'GET', path: '/open-apis/contact/v3/users', status: 400, code: 99_991_663 },
      expired,
    );

    // A personal token lives its days.
    const personal = await userToken();
    expect((await usersWith(personal)).status).toBe(200);
    clock.advance(86_400 * 1000 + 1000);
    expectClearError(
      { name: 'expired personal token', method: 'GET', path: '/open-apis/contact/v3/users', status: 400, code: 99_991_668 },
      await usersWith(personal),
    );

    // Rotating the secret ends the tenant tokens issued with the old one; the old secret stops working.
    const beforeRotation = await tenantToken();
    const rotated = await admin.post<{ appSecret: string }>(`/api/admin/apps/${appId}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expectClearError(
      { name: 'token of a rotated secret', method: 'GET', path: '/open-apis/contact/v3/users', status: 400, code: 99_991_663 },
      await usersWith(beforeRotation),
    );
    expect(await tenantToken(appId, appSecret)).toBeUndefined();
    appSecret = rotated.body.appSecret;
    token = await tenantToken();
    expect((await usersWith(token)).status).toBe(200);

    // An authorization code lives five minutes and works once; a user token two hours, then refresh.
    const authorize = async () => {
      const response = await admin.get(
        `/open-apis/authen/v1/authorize?app_id=${appId}&redirect_uri=${encodeURIComponent('http://app.test/cb')}`,
      );
      return new URL(response.headers.get('location')!).searchParams.get('code')!;
    };
    const exchange = (code: string) =>
      send({
        method: 'POST',
        path: '/open-apis/authen/v1/oidc/access_token',
        body: JSON.stringify({ grant_type: 'authorization_code', code }),
      });
    const staleCode = await authorize();
    clock.advance(301 * 1000);
    expectClearError(
      { name: 'expired code', method: 'POST', path: '/open-apis/authen/v1/oidc/access_token', status: 400, code: 20_003 },
      await exchange(staleCode),
    );
    const pair = ((await exchange(await authorize())).json as { data: { access_token: string; refresh_token: string } }).data;
    const userInfo = (bearer: string) => send({ method: 'GET', path: '/open-apis/authen/v1/user_info', auth: { bearer } });
    expect((await userInfo(pair.access_token)).status).toBe(200);
    clock.advance(7200 * 1000 + 1000);
    expectClearError(
      { name: 'expired user token', method: 'GET', path: '/open-apis/authen/v1/user_info', status: 400, code: 99_991_668 },
      await userInfo(pair.access_token),
    );
    token = await tenantToken();
    const refreshed = await send({
      method: 'POST',
      path: '/open-apis/authen/v1/oidc/refresh_access_token',
      body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: pair.refresh_token }),
    });
    expect((await userInfo((refreshed.json as { data: { access_token: string } }).data.access_token)).status).toBe(200);

    // Deleting the app ends all its tokens, user tokens included.
    const personalOfDeleted = await userToken();
    expect((await admin.delete(`/api/admin/apps/${appId}`)).status).toBe(200);
    expectClearError(
      { name: 'token of a deleted app', method: 'GET', path: '/open-apis/contact/v3/users', status: 400, code: 99_991_663 },
      await usersWith(token),
    );
    expectClearError(
      { name: 'user token of a deleted app', method: 'GET', path: '/open-apis/contact/v3/users', status: 400, code: 99_991_668 },
      await usersWith(personalOfDeleted),
    );
    const deletedSecret = await rawRequest(server.url, {
      method: 'POST',
      path: '/open-apis/auth/v3/tenant_access_token/internal',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ app_id: appId, app_secret: appSecret }),
    });
    expect(deletedSecret.json).toEqual({ code: 10_014, msg: 'app secret invalid' });

    // A session in use slides; one left idle for 14 days ends.
    for (let fortnight = 0; fortnight < 2; fortnight++) {
      clock.advance(13 * 86_400 * 1000);
      expect((await admin.get('/api/auth/session')).status).toBe(200);
    }
    clock.advance(15 * 86_400 * 1000);
    expectClearError(
      { name: 'expired session', method: 'GET', path: '/api/auth/session', status: 401, code: 'unauthenticated' },
      await send({ method: 'GET', path: '/api/auth/session' }),
    );
  });
});
