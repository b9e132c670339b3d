import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UserView } from '@kite/contact/contract';
import type { Clock, ManualClock } from '@kite/kernel/clock';
import pg from 'pg';
import { loadConfig } from '../../../apps/server/src/config.ts';
import { createKite, type Kite } from '../../../apps/server/src/kite.ts';

export type Engine = 'pglite' | 'postgres';

/** Engines the integration suite runs on: PGlite always, PostgreSQL when KITE_TEST_PG_URL is set. */
export function testEngines(): Engine[] {
  return process.env.KITE_TEST_PG_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestServer {
  kite: Kite;
  url: string;
  clock: Clock;
  close(): Promise<void>;
}

let databaseCounter = 0;

/**
 * A real Kite server on 127.0.0.1 with a fresh database: an in-memory PGlite, or a new database on
 * the PostgreSQL server named by KITE_TEST_PG_URL (dropped on close).
 */
export async function startTestServer(
  options: { engine?: Engine; clock?: ManualClock; env?: Record<string, string>; webDist?: string } = {},
): Promise<TestServer> {
  const engine = options.engine ?? 'pglite';
  const dataDir = mkdtempSync(join(tmpdir(), 'kite-test-'));
  let databaseUrl: string | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  if (engine === 'postgres') {
    const adminUrl = process.env.KITE_TEST_PG_URL;
    if (!adminUrl) throw new Error('KITE_TEST_PG_URL is not set');
    const name = `kite_test_${process.pid}_${Date.now()}_${databaseCounter++}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDatabase = async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    };
  }
  const config = {
    ...loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      KITE_DATA_DIR: dataDir,
      KITE_LOG_LEVEL: process.env.KITE_LOG_LEVEL ?? 'silent',
      ...options.env,
    }),
    databaseUrl,
    dataDir: engine === 'pglite' ? 'memory://' : dataDir,
    webDist: options.webDist ?? join(dataDir, 'no-web'),
  };
  const clock = options.clock;
  let kite: Kite | undefined;
  let url: string;
  try {
    kite = await createKite(config, { lockDataDir: false, ...(clock ? { clock } : {}), adminSecret: 'test-admin-secret' });
    url = await kite.listen();
  } catch (error) {
    // A server that fails to start leaves no database or directory behind.
    await kite?.close().catch(() => undefined);
    await dropDatabase?.();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    kite,
    url,
    clock: clock ?? { now: () => new Date() },
    async close() {
      await kite.close();
      await dropDatabase?.();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A cookie-keeping client for the internal API, as the web app uses it. */
export class WebClient {
  private cookies = new Map<string, string>();
  csrfToken = '';

  constructor(readonly baseUrl: string) {}

  async request<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
        ...(this.csrfToken && method !== 'GET' ? { 'x-csrf-token': this.csrfToken } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      redirect: 'manual',
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const index = pair!.indexOf('=');
      const name = pair!.slice(0, index);
      const value = pair!.slice(index + 1);
      if (value) this.cookies.set(name, value);
      else this.cookies.delete(name);
    }
    const text = await response.text();
    const json = text ? (JSON.parse(text) as T) : ({} as T);
    return { status: response.status, body: json, headers: response.headers };
  }

  get<T = Record<string, unknown>>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = Record<string, unknown>>(path: string, body: unknown = {}) {
    return this.request<T>('POST', path, body);
  }
  patch<T = Record<string, unknown>>(path: string, body: unknown = {}) {
    return this.request<T>('PATCH', path, body);
  }
  delete<T = Record<string, unknown>>(path: string, body?: unknown) {
    return this.request<T>('DELETE', path, body);
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** Signs in and keeps the session + CSRF token. */
  async login(email: string, password: string) {
    const response = await this.post<{ csrfToken: string }>('/api/auth/login', { email, password });
    if (response.status !== 200) throw new Error(`login failed: ${response.status} ${JSON.stringify(response.body)}`);
    this.csrfToken = response.body.csrfToken;
    return response;
  }
}

/** Runs first-run setup and returns a signed-in admin client. */
export async function setUpTenant(server: TestServer, input: { tenantName?: string; adminEmail?: string; adminPassword?: string } = {}) {
  const admin = new WebClient(server.url);
  const body = {
    tenantName: input.tenantName ?? 'Acme',
    adminName: 'Admin',
    adminEmail: input.adminEmail ?? 'admin@acme.test',
    adminPassword: input.adminPassword ?? 'correct-horse-battery',
  };
  const response = await admin.post<{ csrfToken: string; tenant: { id: string; tenantKey: string } }>('/api/setup', body);
  if (response.status !== 200) throw new Error(`setup failed: ${JSON.stringify(response.body)}`);
  admin.csrfToken = response.body.csrfToken;
  return { admin, tenant: response.body.tenant, password: body.adminPassword, email: body.adminEmail };
}

/**
 * A person created by `admin` in their tenant (`fields`: anything else `POST /api/contact/users`
 * takes), signed in on a client of their own.
 */
export async function signedInPerson<User extends { id: string }>(
  admin: WebClient,
  name: string,
  email: string,
  fields: Record<string, unknown> = {},
): Promise<{ client: WebClient; user: User }> {
  const password = 'person-password-1';
  const created = await admin.post<{ user: User }>('/api/contact/users', { name, email, password, ...fields });
  if (created.status !== 200) throw new Error(`creating ${email} failed: ${created.status} ${JSON.stringify(created.body)}`);
  const client = new WebClient(admin.baseUrl);
  await client.login(email, password);
  return { client, user: created.body.user };
}

/**
 * A second tenant on the same server (deployments host many): created through the CLI command path
 * with the system actor, then its admin signs in.
 */
export async function createSecondTenant(server: TestServer, name = 'Other Corp') {
  const { kite } = server;
  const tenantId = crypto.randomUUID();
  const tenantKey = `t${Date.now().toString(16)}`;
  const email = `admin@${tenantKey}.test`;
  const password = 'another-strong-password';
  await kite.commands.run({ tenantId, actor: { type: 'system', name: 'test' } }, async (trx, emit) => {
    await trx.insertInto('tenant').values({ id: tenantId, tenant_key: tenantKey, name }).execute();
    await kite.contacts.createUserUnchecked({ trx, emit }, tenantId, { name: 'Other Admin', email, password, isAdmin: true });
  });
  const admin = new WebClient(server.url);
  await admin.login(email, password);
  return { admin, tenantId, tenantKey, email, password };
}

/** A person in the admin's tenant, created through the contact API and signed in on a client of their own. */
export async function addSignedInPerson(
  server: TestServer,
  admin: WebClient,
  name: string,
  email = `${name.toLowerCase()}@acme.test`,
): Promise<{ client: WebClient; user: UserView }> {
  const password = 'person-password-1';
  const created = await admin.post<{ user: UserView }>('/api/contact/users', { name, email, password });
  if (created.status !== 200) throw new Error(`could not create ${name}: ${JSON.stringify(created.body)}`);
  const client = new WebClient(server.url);
  await client.login(email, password);
  return { client, user: created.body.user };
}

/** Polls `read` until it returns a value (events, sockets, deliveries); fails after `timeoutMs`. */
export async function waitFor<T>(read: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Someone signed in on a client of their own. */
export interface SignedIn {
  client: WebClient;
  user: UserView;
}

/** A started server whose first tenant is set up: the server and the admin's client. */
export async function startTenant(options: Parameters<typeof startTestServer>[0] = {}): Promise<{ server: TestServer; admin: WebClient }> {
  const server = await startTestServer(options);
  const { admin } = await setUpTenant(server);
  return { server, admin };
}

/** What most feature tests start from: {@link startTenant} with two signed-in people, Alice and Bob. */
export async function startTwoPeople(
  options: Parameters<typeof startTestServer>[0] = {},
): Promise<{ server: TestServer; admin: WebClient; alice: SignedIn; bob: SignedIn }> {
  const { server, admin } = await startTenant(options);
  const alice = await addSignedInPerson(server, admin, 'Alice');
  const bob = await addSignedInPerson(server, admin, 'Bob');
  return { server, admin, alice, bob };
}

/** An app the tenant's admin creates in the console (`settings`: anything else `POST /api/admin/apps` takes). */
export async function createApp(
  admin: WebClient,
  name: string,
  settings: Record<string, unknown> = {},
): Promise<{ appId: string; appSecret: string }> {
  const made = await admin.post<{ app: { appId: string }; appSecret: string }>('/api/admin/apps', { name, ...settings });
  if (made.status !== 200) throw new Error(`could not create app ${name}: ${made.status} ${JSON.stringify(made.body)}`);
  return { appId: made.body.app.appId, appSecret: made.body.appSecret };
}
