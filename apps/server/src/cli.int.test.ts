import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPostgresDatabase, freePort } from '@kite/testing/server-process';
import { type Engine, testEngines } from '@kite/testing/test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The real `kite` command and the real server process, on one data dir: the CLI works on its own,
 * then through a running server (PGlite allows one process), and a second server is turned away.
 */

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function collect(child: ChildProcess): Promise<Run> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.each(testEngines())('kite CLI and server process (%s)', (engine: Engine) => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let database: { url: string; drop(): Promise<void> } | undefined;
  let server: ChildProcess | undefined;
  let serverExited: Promise<Run> | undefined;
  let serverUrl: string;
  let app: { app_id: string; app_secret: string; tenant_key: string };
  let token: { user_access_token: string; open_id: string };
  let admin: { tenant_key: string; admin_open_id: string };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kite-cli-'));
    database = engine === 'postgres' ? await createPostgresDatabase('kite_cli') : undefined;
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TZ: 'UTC',
      NO_PROXY: '127.0.0.1,localhost',
      KITE_DATA_DIR: dataDir,
      KITE_LOG_LEVEL: 'error',
      ...(database ? { DATABASE_URL: database.url } : {}),
    };
  });
  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await serverExited;
    }
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  function kite(...args: string[]): Promise<Run> {
    return collect(spawn(process.execPath, ['bin/kite.mjs', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  function json(run: Run): Record<string, string> {
    expect(run.code, `exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`).toBe(0);
    return JSON.parse(run.stdout.trim()) as Record<string, string>;
  }

  /** Starts `main.ts` on a fixed free port; resolves once it says it is running (or exits). */
  async function startServer(port: number): Promise<{ child: ChildProcess; exited: Promise<Run>; url?: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
      cwd: ROOT,
      env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = collect(child);
    let output = '';
    const url = await new Promise<string | undefined>((resolve) => {
      child.stdout?.on('data', (chunk) => {
        output += chunk;
        const match = /Kite is running at (\S+)/.exec(output);
        if (match) resolve(match[1]);
      });
      void exited.then(() => resolve(undefined));
    });
    return { child, exited, ...(url ? { url } : {}) };
  }

  it('runs first-run setup with --json, and refuses a second one with a clear message and a nonzero exit', async () => {
    const first = await kite(
      'setup',
      '--tenant-name',
      'CLI Corp',
      '--admin-email',
      'Admin@CLI.test',
      '--admin-password',
      'cli-admin-password',
      '--json',
    );
    const result = json(first);
    expect(result).toMatchObject({ tenant_name: 'CLI Corp', admin_email: 'admin@cli.test' });
    expect(result.tenant_key).toMatch(/^[0-9a-f]+$/);
    expect(result.admin_open_id).toMatch(/^ou_/);
    admin = { tenant_key: result.tenant_key!, admin_open_id: result.admin_open_id! };

    const second = await kite(
      'setup',
      '--tenant-name',
      'Again',
      '--admin-email',
      'other@cli.test',
      '--admin-password',
      'cli-admin-password',
      '--json',
    );
    expect(second.code).not.toBe(0);
    expect(second.stdout).toBe('');
    expect(second.stderr).toMatch(/already set up/i);
    expect(second.stderr).not.toMatch(/\bat .+:\d+:\d+/);
  });

  it('rejects bad arguments with usage and exit code 64', async () => {
    const badScope = await kite('app', 'create', '--name', 'X', '--scopes', 'root:everything', '--json');
    expect(badScope.code).toBe(64);
    expect(badScope.stderr).toMatch(/--scopes/);
    const badRedirect = await kite('app', 'create', '--name', 'X', '--redirect-url', 'ftp://files.test/cb', '--json');
    expect(badRedirect.code).toBe(64);
    expect(badRedirect.stderr).toMatch(/--redirect-url/);
    const unknown = await kite('frobnicate');
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toMatch(/Usage/);
  });

  it('creates an app and issues a personal token without a running server', async () => {
    const created = json(
      await kite(
        'app',
        'create',
        '--name',
        'X',
        '--scopes',
        'contact:contact',
        // Repeatable, and comma-separated.
        '--redirect-url',
        'http://app.test/callback',
        '--redirect-url',
        'https://sso.app.test/oidc, https://sso.app.test/oidc',
        '--json',
      ),
    );
    expect(created.redirect_urls).toEqual(['http://app.test/callback', 'https://sso.app.test/oidc']);
    expect(created.app_id).toMatch(/^cli_[0-9a-f]{16}$/);
    expect(created.app_secret).toEqual(expect.any(String));
    expect(created.app_secret!.length).toBeGreaterThanOrEqual(16);
    expect(created.tenant_key).toBe(admin.tenant_key);
    app = created as typeof app;

    const issued = json(await kite('token', '--app', app.app_id, '--user', 'admin@cli.test', '--json'));
    expect(issued.user_access_token).toMatch(/^u-/);
    expect(issued.open_id).toBe(admin.admin_open_id);
    token = issued as unknown as typeof token;
  });

  it('serves what the CLI created, and the CLI works through the running server', async () => {
    const port = await freePort();
    const started = await startServer(port);
    expect(started.url, 'the server did not start').toBe(`http://127.0.0.1:${port}`);
    server = started.child;
    serverExited = started.exited;
    serverUrl = started.url!;

    const health = await fetch(`${serverUrl}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });

    // The CLI's app and token work against the server.
    const tokenResponse = await fetch(`${serverUrl}/open-apis/auth/v3/tenant_access_token/internal`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ app_id: app.app_id, app_secret: app.app_secret }),
    });
    const tenantToken = (await tokenResponse.json()) as { code: number; tenant_access_token: string };
    expect(tenantToken.code).toBe(0);
    const info = await fetch(`${serverUrl}/open-apis/authen/v1/user_info`, {
      headers: { authorization: `Bearer ${token.user_access_token}` },
    });
    expect(((await info.json()) as { data: { open_id: string } }).data.open_id).toBe(admin.admin_open_id);

    // The redirect URL registered by the CLI is the one OIDC sign-in may return to.
    const login = await fetch(`${serverUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@cli.test', password: 'cli-admin-password' }),
    });
    const cookie = login.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');
    const authorize = (redirectUri: string) =>
      fetch(`${serverUrl}/open-apis/authen/v1/authorize?app_id=${app.app_id}&redirect_uri=${encodeURIComponent(redirectUri)}`, {
        headers: { cookie },
        redirect: 'manual',
      });
    const allowed = await authorize('https://sso.app.test/oidc?next=home');
    expect(allowed.status).toBe(302);
    expect(allowed.headers.get('location')).toMatch(/^https:\/\/sso\.app\.test\/oidc\?next=home&code=/);
    expect((await authorize('https://elsewhere.test/oidc')).status).toBe(400);

    // With the server running, the CLI goes through it (PGlite would refuse a second process).
    const second = json(await kite('app', 'create', '--name', 'Y', '--json'));
    expect(second.app_id).toMatch(/^cli_[0-9a-f]{16}$/);
    expect(second.app_id).not.toBe(app.app_id);
    const secondToken = await fetch(`${serverUrl}/open-apis/auth/v3/tenant_access_token/internal`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ app_id: second.app_id, app_secret: second.app_secret }),
    });
    expect(((await secondToken.json()) as { code: number }).code).toBe(0);

    const unknownUser = await kite('token', '--app', app.app_id, '--user', 'nobody@cli.test', '--json');
    expect(unknownUser.code).not.toBe(0);
    expect(unknownUser.stderr).toMatch(/nobody@cli\.test.*not found/i);

    const again = await kite(
      'setup',
      '--tenant-name',
      'Again',
      '--admin-email',
      'other@cli.test',
      '--admin-password',
      'cli-admin-password',
    );
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already set up/i);

    if (engine === 'pglite') {
      const lock = JSON.parse(readFileSync(join(dataDir, 'kite.lock'), 'utf8')) as { pid: number; adminUrl: string };
      expect(lock.pid).toBe(server.pid);
      expect(lock.adminUrl).toBe(serverUrl);
    }
  });

  it.runIf(engine === 'pglite')('turns a second server on the same data dir away with exit code 2 and a clear message', async () => {
    const other = await startServer(await freePort());
    expect(other.url).toBeUndefined();
    const run = await other.exited;
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/in use by another Kite process/);
    expect(run.stderr).toContain(dataDir);
    expect(run.stderr).not.toMatch(/\bat .+:\d+:\d+/);
    // The first server is unaffected.
    expect((await fetch(`${serverUrl}/healthz`)).status).toBe(200);
  });

  it('stops cleanly on SIGTERM and releases the data dir', async () => {
    server!.kill('SIGTERM');
    const run = (await serverExited)!;
    expect(run.code).toBe(0);
    expect(existsSync(join(dataDir, 'kite.lock'))).toBe(false);
  });
});
