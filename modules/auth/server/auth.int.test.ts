import { ManualClock } from '@kite/kernel/clock';
import { createSecondTenant, setUpTenant, startTestServer, type TestServer, testEngines, WebClient } from '@kite/testing/test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}
interface SessionBody {
  user: { id: string; email: string; name: string; isAdmin: boolean; locale: string; departments: Array<{ id: string; name: string }> };
  tenant: { id: string; tenantKey: string; name: string };
  csrfToken: string;
  isAdmin: boolean;
}
interface InvitationBody {
  id: string;
  url: string;
  token: string;
  expiresAt: string;
  maxUses: number;
  uses: number;
  department: { id: string; name: string } | null;
  createdBy: { id: string; name: string } | null;
}

const ADMIN = { tenantName: 'Acme', adminName: 'Admin', adminEmail: 'admin@acme.test', adminPassword: 'correct-horse-battery' };

describe.each(testEngines())('auth (%s)', (engine) => {
  const clock = new ManualClock(Date.now());
  let server: TestServer;
  let admin: WebClient;

  beforeAll(async () => {
    server = await startTestServer({ engine, clock });
    admin = new WebClient(server.url);
  });
  afterAll(async () => {
    await server?.close();
  });

  /** Creates an active member with a known password through the admin API. */
  async function createMember(name: string, email: string, password = 'member-password-1') {
    const response = await admin.post<{ user: { id: string } }>('/api/contact/users', { name, email, password });
    expect(response.status).toBe(200);
    return { id: response.body.user.id, email, password };
  }

  async function signedIn(email: string, password: string) {
    const client = new WebClient(server.url);
    await client.login(email, password);
    return client;
  }

  /** A realtime connection with the client's session; resolves once the server said hello. */
  async function openSocket(
    client: WebClient,
  ): Promise<{ closed: Promise<number>; socket: WebSocket; frames: Array<{ t: string; type?: string }> }> {
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws/client`, { headers: { cookie: client.cookieHeader() } });
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    const frames: Array<{ t: string; type?: string }> = [];
    socket.on('message', (data) => frames.push(JSON.parse(String(data))));
    await new Promise<void>((resolve, reject) => {
      socket.once('message', () => resolve());
      socket.once('error', reject);
    });
    return { closed, socket, frames };
  }

  /** The close code, or 'open' when the socket is still open after `ms`. */
  function closeCodeWithin(socket: { closed: Promise<number> }, ms = 5000): Promise<number | 'open'> {
    return Promise.race([socket.closed, new Promise<'open'>((resolve) => setTimeout(() => resolve('open'), ms))]);
  }

  async function userCount() {
    const response = await admin.get<{ items: unknown[] }>('/api/contact/users?status=all&limit=200');
    return response.body.items.length;
  }

  describe('first-run setup', () => {
    it('reports that setup is needed on a fresh server', async () => {
      const response = await new WebClient(server.url).get('/api/setup/status');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ needsSetup: true });
    });

    it('rejects invalid setup input and stays unset', async () => {
      const anonymous = new WebClient(server.url);
      const response = await anonymous.post<ErrorBody>('/api/setup', { ...ADMIN, adminPassword: 'short' });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('validation_failed');
      expect(response.body.error.message).toMatch(/adminPassword/);
      expect((await anonymous.get('/api/setup/status')).body).toEqual({ needsSetup: true });
    });

    it('creates exactly one tenant and administrator even when setup races, signed in with secure cookies', async () => {
      // Five browsers submit the first-run form at once: one wins, the others are told it is done.
      const racers = Array.from({ length: 5 }, () => new WebClient(server.url));
      const answers = await Promise.all(racers.map((racer) => racer.post<SessionBody & ErrorBody>('/api/setup', ADMIN)));
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409, 409, 409, 409]);
      for (const lost of answers.filter((answer) => answer.status === 409)) expect(lost.body.error.code).toBe('already_set_up');
      const tenants = await server.kite.database.db.selectFrom('tenant').select('id').execute();
      expect(tenants).toHaveLength(1);

      const winner = answers.findIndex((answer) => answer.status === 200);
      admin = racers[winner]!;
      const response = answers[winner]!;
      expect(response.body.user).toMatchObject({ name: 'Admin', email: 'admin@acme.test', isAdmin: true });
      expect(response.body.isAdmin).toBe(true);
      expect(response.body.tenant.name).toBe('Acme');
      expect(response.body.csrfToken).toEqual(expect.any(String));
      admin.csrfToken = response.body.csrfToken;

      const cookies = response.headers.getSetCookie();
      const session = cookies.find((line) => line.startsWith('kite_session='));
      const csrf = cookies.find((line) => line.startsWith('kite_csrf='));
      expect(session).toMatch(/HttpOnly/i);
      expect(session).toMatch(/SameSite=Lax/i);
      expect(csrf).not.toMatch(/HttpOnly/i);
      expect(csrf).toContain(`kite_csrf=${response.body.csrfToken}`);

      expect((await admin.get('/api/setup/status')).body).toEqual({ needsSetup: false });
    });

    it('refuses a second setup with 409 already_set_up and changes nothing', async () => {
      const before = await userCount();
      const response = await new WebClient(server.url).post<ErrorBody>('/api/setup', {
        ...ADMIN,
        tenantName: 'Evil',
        adminEmail: 'evil@evil.test',
      });
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe('already_set_up');
      expect(await userCount()).toBe(before);
      const login = await new WebClient(server.url).post<ErrorBody>('/api/auth/login', {
        email: 'evil@evil.test',
        password: ADMIN.adminPassword,
      });
      expect(login.status).toBe(401);
    });
  });

  describe('sign-in and sessions', () => {
    it('answers the session endpoint for a signed-in user and 401 unauthenticated otherwise', async () => {
      const mine = await admin.get<SessionBody>('/api/auth/session');
      expect(mine.status).toBe(200);
      expect(mine.body.user.email).toBe('admin@acme.test');
      expect(mine.body.csrfToken).toBe(admin.csrfToken);

      const anonymous = await new WebClient(server.url).get<ErrorBody>('/api/auth/session');
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.error.code).toBe('unauthenticated');

      const forged = await new WebClient(server.url).request<ErrorBody>('GET', '/api/auth/session', undefined, {
        cookie: 'kite_session=forged-token',
      });
      expect(forged.status).toBe(401);
    });

    it('signs in with the right password (e-mail case-insensitive) and keeps sessions independent', async () => {
      const other = new WebClient(server.url);
      const response = await other.post<SessionBody>('/api/auth/login', { email: 'ADMIN@Acme.Test', password: ADMIN.adminPassword });
      expect(response.status).toBe(200);
      expect(response.body.user.email).toBe('admin@acme.test');
      expect(response.body.csrfToken).not.toBe(admin.csrfToken);
      expect((await admin.get('/api/auth/session')).status).toBe(200);
      expect((await other.get('/api/auth/session')).status).toBe(200);
    });

    it('answers a wrong password and an unknown e-mail alike with 401 invalid_credentials', async () => {
      const wrong = await new WebClient(server.url).post<ErrorBody>('/api/auth/login', {
        email: ADMIN.adminEmail,
        password: 'not-the-password',
      });
      const unknown = await new WebClient(server.url).post<ErrorBody>('/api/auth/login', {
        email: 'nobody@acme.test',
        password: 'whatever-it-is',
      });
      expect(wrong.status).toBe(401);
      expect(wrong.body.error.code).toBe('invalid_credentials');
      expect(unknown.status).toBe(401);
      expect(unknown.body.error).toEqual(wrong.body.error);
      expect(wrong.headers.getSetCookie()).toEqual([]);
    });

    it('rejects malformed sign-in input with 400 validation_failed', async () => {
      const response = await new WebClient(server.url).post<ErrorBody>('/api/auth/login', { email: 'not-an-email', password: '' });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('validation_failed');
    });

    it('logs out: needs the CSRF token, ends only that session and clears the cookies', async () => {
      const client = await signedIn(ADMIN.adminEmail, ADMIN.adminPassword);
      const cookie = client.cookieHeader();

      const withoutToken = await client.request<ErrorBody>('POST', '/api/auth/logout', {}, { 'x-csrf-token': '' });
      expect(withoutToken.status).toBe(403);
      expect(withoutToken.body.error.code).toBe('csrf_failed');
      expect((await client.get('/api/auth/session')).status).toBe(200);

      const response = await client.post('/api/auth/logout');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({});
      const cleared = response.headers.getSetCookie();
      expect(cleared.some((line) => line.startsWith('kite_session=;'))).toBe(true);
      expect(cleared.some((line) => line.startsWith('kite_csrf=;'))).toBe(true);

      // The old cookie is dead on the server too, not only forgotten by the client.
      const replayed = await new WebClient(server.url).request<ErrorBody>('GET', '/api/auth/session', undefined, { cookie });
      expect(replayed.status).toBe(401);
      expect((await admin.get('/api/auth/session')).status).toBe(200);
    });

    it('closes the signed-out session’s live connections (4001) and keeps the user’s other sessions connected', async () => {
      const member = await createMember('Two Devices', 'two-devices@acme.test');
      const laptop = await signedIn(member.email, member.password);
      const phone = await signedIn(member.email, member.password);
      const laptopTab = await openSocket(laptop);
      const laptopOtherTab = await openSocket(laptop);
      const phoneTab = await openSocket(phone);
      const laptopToken = /kite_session=([^;]+)/.exec(laptop.cookieHeader())![1]!;

      expect((await laptop.post('/api/auth/logout')).status).toBe(200);
      expect(await closeCodeWithin(laptopTab)).toBe(4001);
      expect(await closeCodeWithin(laptopOtherTab)).toBe(4001);
      await server.kite.dispatcher.settle();

      // The phone stays signed in and connected: it still gets the tenant's events after the sign-out.
      expect(phoneTab.socket.readyState).toBe(WebSocket.OPEN);
      expect((await phone.get('/api/auth/session')).status).toBe(200);
      await createMember('After Sign-out', 'after-sign-out@acme.test');
      for (let waited = 0; !phoneTab.frames.some((frame) => frame.type === 'contact.user.created'); waited += 20) {
        expect(waited, 'the phone’s socket got no event after the other session signed out').toBeLessThan(10_000);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(phoneTab.socket.readyState).toBe(WebSocket.OPEN);
      // The sign-out is audited with the session id, never the session token.
      const audit = await admin.get<{ items: Array<{ action: string; detail: { id: string; sessionId?: string } }> }>(
        '/api/admin/audit?action=auth.logout',
      );
      const entry = audit.body.items.find((item) => item.detail.id === member.id);
      expect(entry?.detail.sessionId).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(audit.body)).not.toContain(laptopToken);
      phoneTab.socket.close();
    });

    it('saves the own language with PATCH /api/me and validates it', async () => {
      const member = await createMember('Locale Person', 'locale@acme.test');
      const client = await signedIn(member.email, member.password);
      const response = await client.patch<SessionBody>('/api/me', { locale: 'en-US' });
      expect(response.status).toBe(200);
      expect(response.body.user.locale).toBe('en-US');
      expect((await client.get<SessionBody>('/api/auth/session')).body.user.locale).toBe('en-US');
      const bad = await client.patch<ErrorBody>('/api/me', { locale: 'fr-FR' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('validation_failed');
    });

    it('asks which organisation when one e-mail signs in to several, and signs in with tenantKey', async () => {
      const password = 'shared-password-1';
      await createMember('Twin One', 'twin@shared.test', password);
      const second = await createSecondTenant(server, 'Twin Corp');
      const created = await second.admin.post('/api/contact/users', { name: 'Twin Two', email: 'twin@shared.test', password });
      expect(created.status).toBe(200);

      const ambiguous = await new WebClient(server.url).post<ErrorBody>('/api/auth/login', { email: 'twin@shared.test', password });
      expect(ambiguous.status).toBe(409);
      expect(ambiguous.body.error.code).toBe('tenant_required');
      const tenants = (ambiguous.body.error.details as { tenants: Array<{ tenantKey: string; name: string }> }).tenants;
      expect(tenants.map((tenant) => tenant.name).sort()).toEqual(['Acme', 'Twin Corp']);

      const chosen = await new WebClient(server.url).post<SessionBody>('/api/auth/login', {
        email: 'twin@shared.test',
        password,
        tenantKey: second.tenantKey,
      });
      expect(chosen.status).toBe(200);
      expect(chosen.body.tenant.name).toBe('Twin Corp');
      expect(chosen.body.user.name).toBe('Twin Two');
    });
  });

  describe('lockout', () => {
    it('locks sign-in after 5 failures (429 login_locked with retry-after) until the lock passes', async () => {
      const member = await createMember('Locked Out', 'locked@acme.test', 'the-right-password');
      const client = new WebClient(server.url);
      for (let attempt = 1; attempt <= 5; attempt++) {
        const response = await client.post<ErrorBody>('/api/auth/login', { email: member.email, password: `wrong-${attempt}` });
        expect(response.status).toBe(401);
        expect(response.body.error.code).toBe('invalid_credentials');
      }
      const locked = await client.post<ErrorBody>('/api/auth/login', { email: member.email, password: member.password });
      expect(locked.status).toBe(429);
      expect(locked.body.error.code).toBe('login_locked');
      const retryAfter = (locked.body.error.details as { retryAfterSeconds: number }).retryAfterSeconds;
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      expect(locked.headers.get('retry-after')).toBe(String(retryAfter));

      // The lock is per account: the administrator still signs in.
      expect(
        (await new WebClient(server.url).post('/api/auth/login', { email: ADMIN.adminEmail, password: ADMIN.adminPassword })).status,
      ).toBe(200);

      clock.advance((retryAfter - 5) * 1000);
      expect((await client.post('/api/auth/login', { email: member.email, password: member.password })).status).toBe(429);
      clock.advance(10 * 1000);
      const after = await client.post<SessionBody>('/api/auth/login', { email: member.email, password: member.password });
      expect(after.status).toBe(200);
      expect(after.body.user.email).toBe(member.email);
    });

    it('does not let a burst of parallel guesses get past the limit', async () => {
      const member = await createMember('Burst Target', 'burst@acme.test', 'the-right-password');
      const guesses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          new WebClient(server.url).post<ErrorBody>('/api/auth/login', { email: member.email, password: `guess-${i}` }),
        ),
      );
      const statuses = guesses.map((guess) => guess.status);
      expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(5);
      expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(15);
      expect(
        (await new WebClient(server.url).post<ErrorBody>('/api/auth/login', { email: member.email, password: member.password })).status,
      ).toBe(429);
    });

    it('forgets earlier failures after a successful sign-in', async () => {
      const member = await createMember('Sometimes Wrong', 'sometimes@acme.test', 'the-right-password');
      const client = new WebClient(server.url);
      const fail = () => client.post('/api/auth/login', { email: member.email, password: 'nope-nope-nope' });
      for (let attempt = 0; attempt < 4; attempt++) expect((await fail()).status).toBe(401);
      expect((await client.post('/api/auth/login', { email: member.email, password: member.password })).status).toBe(200);
      for (let attempt = 0; attempt < 4; attempt++) expect((await fail()).status).toBe(401);
      expect((await client.post('/api/auth/login', { email: member.email, password: member.password })).status).toBe(200);
    });
  });

  describe('behind a TLS-terminating proxy', () => {
    let proxied: TestServer;
    let proxiedAdmin: WebClient;

    beforeAll(async () => {
      proxied = await startTestServer({ engine, clock, env: { KITE_PUBLIC_URL: 'https://kite.example' } });
      ({ admin: proxiedAdmin } = await setUpTenant(proxied));
    });
    afterAll(async () => {
      await proxied?.close();
    });

    it('takes the address the proxy saw, so a client cannot choose its own (lockout, audit)', async () => {
      const created = await proxiedAdmin.post('/api/contact/users', {
        name: 'Proxied',
        email: 'proxied@acme.test',
        password: 'proxied-password',
      });
      expect(created.status).toBe(200);
      const login = (password: string, forwardedFor: string) =>
        new WebClient(proxied.url).request<ErrorBody>(
          'POST',
          '/api/auth/login',
          { email: 'proxied@acme.test', password },
          { 'x-forwarded-for': forwardedFor },
        );

      // The client makes up a new address each time; the proxy appends the one it saw.
      for (let attempt = 0; attempt < 5; attempt++)
        expect((await login('wrong-password', `10.0.0.${attempt}, 198.51.100.7`)).status).toBe(401);
      const locked = await login('proxied-password', '10.9.9.9, 198.51.100.7');
      expect(locked.status).toBe(429);
      expect(locked.body.error.code).toBe('login_locked');

      // Someone else behind the same proxy is a different address.
      expect((await login('proxied-password', '198.51.100.8')).status).toBe(200);
      await proxied.kite.dispatcher.settle();
      const audit = await proxiedAdmin.get<{ items: Array<{ ip: string }> }>('/api/admin/audit?action=auth.login&limit=1');
      expect(audit.body.items[0]?.ip).toBe('198.51.100.8');
    });
  });

  describe('CSRF', () => {
    it('requires x-csrf-token on every unsafe method (403 csrf_failed) and changes nothing without it', async () => {
      const departmentsBefore = (await admin.get<{ items: unknown[] }>('/api/contact/departments')).body.items.length;
      const groupsBefore = (await admin.get<{ items: unknown[] }>('/api/contact/groups')).body.items.length;
      const other = await signedIn(ADMIN.adminEmail, ADMIN.adminPassword);
      const me = (await admin.get<SessionBody>('/api/auth/session')).body.user;

      const attempts: Array<[string, string, unknown]> = [
        ['POST', '/api/contact/departments', { name: 'Sneaky' }],
        ['POST', '/api/contact/groups', { name: 'Sneaky' }],
        ['PATCH', `/api/contact/users/${me.id}`, { title: 'Owned' }],
        ['POST', '/api/contact/users', { name: 'Sneaky', email: 'sneaky@acme.test' }],
        ['POST', '/api/admin/invitations', {}],
        ['POST', '/api/admin/apps', { name: 'Sneaky' }],
        ['PATCH', '/api/me', { locale: 'en-US' }],
        ['DELETE', '/api/contact/groups/whatever', undefined],
      ];
      for (const [method, path, body] of attempts) {
        for (const token of ['', 'wrong-token', other.csrfToken]) {
          const response = await admin.request<ErrorBody>(method, path, body, { 'x-csrf-token': token });
          expect(response.status, `${method} ${path} with token "${token}"`).toBe(403);
          expect(response.body.error.code).toBe('csrf_failed');
        }
      }

      expect((await admin.get<{ items: unknown[] }>('/api/contact/departments')).body.items).toHaveLength(departmentsBefore);
      expect((await admin.get<{ items: unknown[] }>('/api/contact/groups')).body.items).toHaveLength(groupsBefore);
      expect((await admin.get<SessionBody>('/api/auth/session')).body.user.locale).toBe(me.locale);
      expect((await admin.get<{ items: unknown[] }>('/api/admin/apps')).body.items).toHaveLength(0);
      // Safe methods need no token.
      expect((await admin.request('GET', '/api/contact/departments', undefined, { 'x-csrf-token': '' })).status).toBe(200);
    });
  });

  describe('invitations', () => {
    let sales: { id: string; name: string };

    beforeAll(async () => {
      const response = await admin.post<{ id: string; name: string }>('/api/contact/departments', { name: 'Sales' });
      expect(response.status).toBe(200);
      sales = response.body;
    });

    it('creates, lists and describes an invitation; accepting it joins the department and signs in', async () => {
      const created = await admin.post<InvitationBody>('/api/admin/invitations', { departmentId: sales.id, maxUses: 3, expiresInDays: 2 });
      expect(created.status).toBe(200);
      const invitation = created.body;
      expect(invitation).toMatchObject({ maxUses: 3, uses: 0, department: { id: sales.id, name: 'Sales' }, createdBy: { name: 'Admin' } });
      expect(invitation.url.endsWith(`/invite/${invitation.token}`)).toBe(true);
      expect(Date.parse(invitation.expiresAt) - clock.now().getTime()).toBe(2 * 86_400_000);

      const listed = await admin.get<{ items: InvitationBody[] }>('/api/admin/invitations');
      expect(listed.body.items.map((item) => item.id)).toContain(invitation.id);

      const visitor = new WebClient(server.url);
      const described = await visitor.get(`/api/invitations/${invitation.token}`);
      expect(described.status).toBe(200);
      expect(described.body).toEqual({ tenantName: 'Acme', expiresAt: invitation.expiresAt });

      const accepted = await visitor.post<SessionBody>(`/api/invitations/${invitation.token}/accept`, {
        name: 'New Joiner',
        email: 'joiner@acme.test',
        password: 'joiner-password-1',
      });
      expect(accepted.status).toBe(200);
      expect(accepted.body.user).toMatchObject({ name: 'New Joiner', email: 'joiner@acme.test', isAdmin: false });
      expect(accepted.body.user.departments).toEqual([{ id: sales.id, name: 'Sales' }]);
      expect(accepted.body.tenant.name).toBe('Acme');
      visitor.csrfToken = accepted.body.csrfToken;
      expect((await visitor.get<SessionBody>('/api/auth/session')).body.user.email).toBe('joiner@acme.test');

      const members = await admin.get<{ items: Array<{ email: string }> }>(`/api/contact/users?departmentId=${sales.id}`);
      expect(members.body.items.map((user) => user.email)).toEqual(['joiner@acme.test']);
      const after = await admin.get<{ items: InvitationBody[] }>('/api/admin/invitations');
      expect(after.body.items.find((item) => item.id === invitation.id)?.uses).toBe(1);

      // The new member may sign in with the password chosen at joining, and is not an administrator.
      const again = await signedIn('joiner@acme.test', 'joiner-password-1');
      const forbidden = await again.post<ErrorBody>('/api/admin/invitations', {});
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.error.code).toBe('forbidden');
      for (const path of ['/api/admin/invitations', '/api/admin/apps', '/api/admin/tokens', '/api/admin/audit']) {
        expect((await again.get<ErrorBody>(path)).status, path).toBe(403);
      }
      expect((await again.post<ErrorBody>('/api/admin/apps', { name: 'Member App' })).status).toBe(403);
      expect((await again.delete<ErrorBody>(`/api/admin/invitations/${invitation.id}`)).status).toBe(403);
    });

    it('rejects an acceptance that fails validation or reuses an e-mail without using the invitation up', async () => {
      const invitation = (await admin.post<InvitationBody>('/api/admin/invitations', { maxUses: 1 })).body;
      const visitor = new WebClient(server.url);
      const weak = await visitor.post<ErrorBody>(`/api/invitations/${invitation.token}/accept`, {
        name: 'Weak',
        email: 'weak@acme.test',
        password: 'short',
      });
      expect(weak.status).toBe(400);
      expect(weak.body.error.code).toBe('validation_failed');
      const taken = await visitor.post<ErrorBody>(`/api/invitations/${invitation.token}/accept`, {
        name: 'Copycat',
        email: ADMIN.adminEmail,
        password: 'copycat-password',
      });
      expect(taken.status).toBe(409);
      expect(taken.body.error.code).toBe('email_taken');
      const listed = await admin.get<{ items: InvitationBody[] }>('/api/admin/invitations');
      expect(listed.body.items.find((item) => item.id === invitation.id)?.uses).toBe(0);
      expect(visitor.cookieHeader()).toBe('');

      // The one use is still there; after it, the link is used up.
      const first = await visitor.post(`/api/invitations/${invitation.token}/accept`, {
        name: 'Only One',
        email: 'only@acme.test',
        password: 'only-password-1',
      });
      expect(first.status).toBe(200);
      const second = await new WebClient(server.url).post<ErrorBody>(`/api/invitations/${invitation.token}/accept`, {
        name: 'Too Late',
        email: 'late@acme.test',
        password: 'late-password-1',
      });
      expect(second.status).toBe(404);
      expect(second.body.error.code).toBe('invitation_invalid');
      expect((await new WebClient(server.url).get<ErrorBody>(`/api/invitations/${invitation.token}`)).status).toBe(404);
    });

    it('revokes an invitation: gone from the list, and its link no longer works', async () => {
      const invitation = (await admin.post<InvitationBody>('/api/admin/invitations', {})).body;
      const revoked = await admin.delete(`/api/admin/invitations/${invitation.id}`);
      expect(revoked.status).toBe(200);
      expect(revoked.body).toEqual({});
      const listed = await admin.get<{ items: InvitationBody[] }>('/api/admin/invitations');
      expect(listed.body.items.map((item) => item.id)).not.toContain(invitation.id);

      const described = await new WebClient(server.url).get<ErrorBody>(`/api/invitations/${invitation.token}`);
      expect(described.status).toBe(404);
      expect(described.body.error.code).toBe('invitation_invalid');
      const before = await userCount();
      const accepted = await new WebClient(server.url).post<ErrorBody>(`/api/invitations/${invitation.token}/accept`, {
        name: 'Revoked Visitor',
        email: 'revoked@acme.test',
        password: 'revoked-password',
      });
      expect(accepted.status).toBe(404);
      expect(await userCount()).toBe(before);
      expect((await admin.delete<ErrorBody>(`/api/admin/invitations/${invitation.id}`)).status).toBe(404);
    });

    it('validates invitation input and refuses unknown departments', async () => {
      for (const body of [{ expiresInDays: 0 }, { expiresInDays: 31 }, { maxUses: 0 }, { maxUses: 'many' }]) {
        const response = await admin.post<ErrorBody>('/api/admin/invitations', body);
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(response.body.error.code).toBe('validation_failed');
      }
      const unknown = await admin.post<ErrorBody>('/api/admin/invitations', { departmentId: 'no-such-department' });
      expect(unknown.status).toBe(404);
      expect((await new WebClient(server.url).get<ErrorBody>('/api/invitations/no-such-token-at-all')).body.error.code).toBe(
        'invitation_invalid',
      );
    });

    it('still works when its department was deleted meanwhile (the newcomer joins without one)', async () => {
      const doomed = (await admin.post<{ id: string }>('/api/contact/departments', { name: 'Short-lived' })).body;
      const invitation = (await admin.post<InvitationBody>('/api/admin/invitations', { departmentId: doomed.id })).body;
      expect((await admin.delete(`/api/contact/departments/${doomed.id}`)).status).toBe(200);
      const listed = await admin.get<{ items: InvitationBody[] }>('/api/admin/invitations');
      expect(listed.body.items.find((item) => item.id === invitation.id)?.department).toBeNull();
      const accepted = await new WebClient(server.url).post<SessionBody>(`/api/invitations/${invitation.token}/accept`, {
        name: 'Late Joiner',
        email: 'late-joiner@acme.test',
        password: 'late-joiner-pw',
      });
      expect(accepted.status).toBe(200);
      expect(accepted.body.user.departments).toEqual([]);
    });

    it('expires an invitation after its lifetime', async () => {
      const invitation = (await admin.post<InvitationBody>('/api/admin/invitations', { expiresInDays: 1 })).body;
      expect((await new WebClient(server.url).get(`/api/invitations/${invitation.token}`)).status).toBe(200);
      clock.advance(86_400_000 + 1000);
      const expired = await new WebClient(server.url).get<ErrorBody>(`/api/invitations/${invitation.token}`);
      expect(expired.status).toBe(404);
      expect(expired.body.error.code).toBe('invitation_invalid');
    });
  });

  describe('deactivation and password reset', () => {
    it('ends the sessions of a deactivated user and refuses their sign-in until reactivated', async () => {
      const member = await createMember('Leaving Soon', 'leaving@acme.test');
      const client = await signedIn(member.email, member.password);
      expect((await client.get('/api/auth/session')).status).toBe(200);
      const socket = await openSocket(client);

      const deactivated = await admin.post<{ status: string }>(`/api/contact/users/${member.id}/deactivate`);
      expect(deactivated.status).toBe(200);
      expect(deactivated.body.status).toBe('deactivated');

      expect((await client.get<ErrorBody>('/api/auth/session')).status).toBe(401);
      expect((await client.get<ErrorBody>('/api/contact/users')).status).toBe(401);
      // The live connection ends too: no more events for someone who has left.
      expect(await socket.closed).toBe(4001);
      const login = await new WebClient(server.url).post<ErrorBody>('/api/auth/login', { email: member.email, password: member.password });
      expect(login.status).toBe(401);
      expect(login.body.error.code).toBe('invalid_credentials');

      expect((await admin.post(`/api/contact/users/${member.id}/reactivate`)).status).toBe(200);
      expect((await new WebClient(server.url).post('/api/auth/login', { email: member.email, password: member.password })).status).toBe(
        200,
      );
    });

    it('resets a password: a temporary one works, the old one and old sessions do not', async () => {
      const member = await createMember('Forgetful', 'forgetful@acme.test', 'original-password');
      const client = await signedIn(member.email, member.password);
      const socket = await openSocket(client);

      const reset = await admin.post<{ temporaryPassword: string }>(`/api/contact/users/${member.id}/reset-password`, {});
      expect(reset.status).toBe(200);
      expect(reset.body.temporaryPassword).toMatch(/^Kite-.{8,}/);

      expect((await client.get('/api/auth/session')).status).toBe(401);
      expect(await socket.closed).toBe(4001);
      expect((await new WebClient(server.url).post('/api/auth/login', { email: member.email, password: 'original-password' })).status).toBe(
        401,
      );
      expect(
        (await new WebClient(server.url).post('/api/auth/login', { email: member.email, password: reset.body.temporaryPassword })).status,
      ).toBe(200);

      const chosen = await admin.post(`/api/contact/users/${member.id}/reset-password`, { password: 'chosen-by-admin' });
      expect(chosen.status).toBe(200);
      expect(chosen.body).toEqual({});
      expect((await new WebClient(server.url).post('/api/auth/login', { email: member.email, password: 'chosen-by-admin' })).status).toBe(
        200,
      );
      expect(
        (await new WebClient(server.url).post('/api/auth/login', { email: member.email, password: reset.body.temporaryPassword })).status,
      ).toBe(401);

      // Only administrators reset passwords, and a reset password must still be a real one.
      const self = await signedIn(member.email, 'chosen-by-admin');
      const forbidden = await self.post<ErrorBody>(`/api/contact/users/${member.id}/reset-password`, { password: 'my-own-choice' });
      expect(forbidden.status).toBe(403);
      expect((await admin.post<ErrorBody>(`/api/contact/users/${member.id}/reset-password`, { password: 'short' })).status).toBe(400);
      expect((await admin.post<ErrorBody>('/api/contact/users/no-such-user/reset-password', {})).status).toBe(404);
    });
  });
});
