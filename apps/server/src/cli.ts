import { parseArgs } from 'node:util';
import { isAppError } from '@kite/kernel/errors';
import { readDataDirLock } from '@kite/platform/data-dir-lock';
import { CliRequest } from './cli-commands.ts';
import { loadConfig } from './config.ts';

const USAGE = `Usage:
  kite setup --tenant-name NAME --admin-email E --admin-password P [--admin-name N] [--json]
  kite app create --name NAME [--tenant KEY] [--scopes a,b] [--redirect-url URL ...]
                  [--event-url URL --encrypt-key K --verification-token T] [--json]
  kite token --app APP_ID --user EMAIL [--name LABEL] [--days N] [--json]
  kite serve            (same as npm start)

Environment: KITE_DATA_DIR (default ./data), DATABASE_URL, PORT, HOST, KITE_PUBLIC_URL.
With a server running on the same data dir, commands go through it (PGlite allows one process).`;

/** Request fields whose flag is not simply their kebab-case name. */
const FLAG_OF: Record<string, string> = { redirectUrls: 'redirect-url' };

function fail(message: string, code = 1): never {
  process.stderr.write(`kite: ${message}\n`);
  process.exit(code);
}

function toRequest(argv: string[]): { request: unknown; json: boolean } {
  const [command, sub, ...rest] = argv;
  const args = command === 'app' ? rest : [sub, ...rest].filter((a): a is string => a !== undefined);
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      json: { type: 'boolean' },
      'tenant-name': { type: 'string' },
      'admin-email': { type: 'string' },
      'admin-password': { type: 'string' },
      'admin-name': { type: 'string' },
      name: { type: 'string' },
      tenant: { type: 'string' },
      scopes: { type: 'string' },
      'event-url': { type: 'string' },
      'encrypt-key': { type: 'string' },
      'verification-token': { type: 'string' },
      'redirect-url': { type: 'string', multiple: true },
      app: { type: 'string' },
      user: { type: 'string' },
      days: { type: 'string' },
    },
  });
  const json = Boolean(values.json);
  if (command === 'setup') {
    return {
      json,
      request: {
        command: 'setup',
        tenantName: values['tenant-name'],
        adminEmail: values['admin-email'],
        adminPassword: values['admin-password'],
        adminName: values['admin-name'],
      },
    };
  }
  if (command === 'app' && sub === 'create') {
    return {
      json,
      request: {
        command: 'app-create',
        name: values.name,
        tenant: values.tenant,
        scopes: values.scopes
          ?.split(',')
          .map((scope) => scope.trim())
          .filter(Boolean),
        eventUrl: values['event-url'],
        encryptKey: values['encrypt-key'],
        verificationToken: values['verification-token'],
        // Repeatable, and each may be a comma-separated list.
        redirectUrls: values['redirect-url']
          ?.flatMap((value) => value.split(','))
          .map((url) => url.trim())
          .filter(Boolean),
      },
    };
  }
  if (command === 'token') {
    return {
      json,
      request: {
        command: 'token',
        app: values.app,
        user: values.user,
        name: values.name,
        days: values.days ? Number(values.days) : undefined,
      },
    };
  }
  fail(`unknown command.\n${USAGE}`, 64);
}

async function viaServer(adminUrl: string, adminSecret: string, request: CliRequest) {
  const response = await fetch(`${adminUrl}/api/_cli`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-kite-admin-secret': adminSecret },
    body: JSON.stringify(request),
  });
  const body = (await response.json()) as Record<string, unknown> & { error?: { message: string } };
  if (!response.ok) fail(body.error?.message ?? `server answered ${response.status}`);
  return body;
}

async function inProcess(request: CliRequest) {
  const { createKite } = await import('./kite.ts');
  const kite = await createKite({ ...loadConfig(), logLevel: 'error' });
  try {
    const { runCliCommand } = await import('./cli-commands.ts');
    return await runCliCommand(kite, request);
  } finally {
    await kite.close();
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (argv[0] === 'serve') {
    await import('./main.ts');
    return;
  }
  let parsed: { request: unknown; json: boolean };
  try {
    parsed = toRequest(argv);
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`, 64);
  }
  const checked = CliRequest.safeParse(parsed.request);
  if (!checked.success) {
    const problems = checked.error.issues.map((issue) => {
      const field = String(issue.path[0] ?? '');
      return `  --${FLAG_OF[field] ?? field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${issue.message}`;
    });
    fail(`invalid arguments:\n${problems.join('\n')}\n\n${USAGE}`, 64);
  }
  const config = loadConfig();
  const running = config.databaseUrl ? undefined : readDataDirLock(config.dataDir);
  let result: Record<string, unknown>;
  try {
    result =
      running?.adminUrl && running.adminSecret
        ? await viaServer(running.adminUrl, running.adminSecret, checked.data)
        : await inProcess(checked.data);
  } catch (error) {
    if (isAppError(error)) fail(error.message);
    throw error;
  }
  if (parsed.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else for (const [key, value] of Object.entries(result)) process.stdout.write(`${key}: ${value}\n`);
}

main().catch((error) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error)));
