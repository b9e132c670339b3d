/**
 * `npm run bench -- auth [--duration S] [--users N] [--pg]`: token issuance and contact-list
 * throughput of a real Kite server (its own process, PGlite; PostgreSQL with --pg and
 * KITE_TEST_PG_URL), next to a bare Fastify "hello" server measured in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createBenchDatabase, freePort, measure, report, startProcess } from './harness.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '8' },
    users: { type: 'string', default: '2000' },
    pg: { type: 'boolean', default: false },
  },
});
const duration = Number(values.duration);
const userCount = Number(values.users);

async function json(url: string, init: RequestInit & { cookie?: string; csrf?: string } = {}) {
  const response = await fetch(url, {
    ...init,
    headers: {
      'content-type': 'application/json',
      ...(init.cookie ? { cookie: init.cookie } : {}),
      ...(init.csrf ? { 'x-csrf-token': init.csrf } : {}),
    },
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`${url}: ${response.status} ${JSON.stringify(body)}`);
  return {
    body,
    cookie: response.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; '),
  };
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'kite-bench-'));
  const database = values.pg ? await createBenchDatabase('kite_bench') : undefined;
  const databaseUrl = database?.url;
  const dropDatabase = database?.drop;
  const basePort = await freePort();
  const kitePort = await freePort();
  const baselineServer = await startProcess(
    ['bench/servers/fastify-hello.mjs'],
    { PORT: String(basePort) },
    `http://127.0.0.1:${basePort}/hello`,
  );
  const kite = await startProcess(
    ['--import', 'tsx', 'apps/server/src/main.ts'],
    {
      PORT: String(kitePort),
      KITE_DATA_DIR: dataDir,
      KITE_LOG_LEVEL: 'error',
      KITE_OPENAPI_RATE_LIMIT: '1000000000',
      KITE_TOKEN_RATE_LIMIT: '1000000000',
      KITE_WEB_DIST: join(dataDir, 'none'),
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    `http://127.0.0.1:${kitePort}/healthz`,
  );
  try {
    const kiteUrl = `http://127.0.0.1:${kitePort}`;
    const setup = await json(`${kiteUrl}/api/setup`, {
      method: 'POST',
      body: JSON.stringify({ tenantName: 'Bench', adminName: 'Admin', adminEmail: 'admin@bench.test', adminPassword: 'bench-password-1' }),
    });
    const session = { cookie: setup.cookie, csrf: setup.body.csrfToken as string };
    const rows = ['name,email,department'];
    for (let i = 0; i < userCount; i++) rows.push(`用户${i},user${i}@bench.test,Company/Team ${i % 20}`);
    await json(`${kiteUrl}/api/contact/import`, { method: 'POST', body: JSON.stringify({ csv: rows.join('\n') }), ...session });
    const created = await json(`${kiteUrl}/api/admin/apps`, { method: 'POST', body: JSON.stringify({ name: 'Bench bot' }), ...session });
    const credentials = JSON.stringify({ app_id: created.body.app.appId, app_secret: created.body.appSecret });
    const token = (await json(`${kiteUrl}/open-apis/auth/v3/tenant_access_token/internal`, { method: 'POST', body: credentials })).body
      .tenant_access_token as string;
    const departments = (await json(`${kiteUrl}/api/contact/departments`, { cookie: session.cookie })).body.items as Array<{
      name: string;
      openDepartmentId: string;
    }>;
    const team = departments.find((d) => d.name === 'Team 1')!;

    const baseline = await measure('baseline: bare Fastify GET /hello', { url: `http://127.0.0.1:${basePort}/hello`, duration });
    const results = [
      await measure('POST tenant_access_token/internal', {
        url: `${kiteUrl}/open-apis/auth/v3/tenant_access_token/internal`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: credentials,
        duration,
      }),
      await measure(`GET contact/v3 find_by_department (50 of ${userCount / 20})`, {
        url: `${kiteUrl}/open-apis/contact/v3/users/find_by_department?department_id=${team.openDepartmentId}&page_size=50`,
        headers: { authorization: `Bearer ${token}` },
        duration,
      }),
      await measure(`GET /api/contact/users (50 of ${userCount + 1}, session)`, {
        url: `${kiteUrl}/api/contact/users?limit=50`,
        headers: { cookie: session.cookie },
        duration,
      }),
      await measure('GET /api/contact/users?q=yh (pinyin search, session)', {
        url: `${kiteUrl}/api/contact/users?limit=20&q=yh`,
        headers: { cookie: session.cookie },
        duration,
      }),
    ];
    const engine = databaseUrl ? 'PostgreSQL 15' : 'PGlite (embedded)';
    const table = report('auth', { engine, users: userCount, duration, connections: 20, node: process.version }, results, baseline);
    process.stdout.write(
      `\nKite auth & contact benchmark — ${engine}, ${userCount} users, ${duration}s per scenario, 20 connections\n\n${table}\n`,
    );
  } finally {
    kite.kill('SIGTERM');
    baselineServer.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await dropDatabase?.();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
