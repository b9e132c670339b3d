import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { createPostgresDatabase, freePort } from '../packages/testing/src/server-process.ts';

export const root = join(import.meta.dirname, '..');

export { freePort };

/** Starts a server in its own process (the load generator keeps the other core). */
export async function startProcess(
  args: string[],
  env: Record<string, string>,
  readyUrl: string,
  timeoutMs = 30_000,
  alsoReady: () => boolean = () => true,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  for (const started = Date.now(); Date.now() - started < timeoutMs; ) {
    try {
      if ((await fetch(readyUrl)).ok && alsoReady()) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not become ready at ${readyUrl}`);
}

/**
 * Starts `servers/kite-seeded.ts` in its own process on a free port and a fresh data dir, and waits
 * until it has written its seed file (which can take an hour for a million messages on PGlite).
 */
export async function startSeededKite(
  prefix: string,
  env: Record<string, string>,
  options: { databaseUrl?: string; timeoutMs?: number; nodeArgs?: string[] } = {},
): Promise<{ child: ChildProcess; port: number; dataDir: string; seedFile: string }> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const seedFile = join(dataDir, 'seed.json');
  const child = await startProcess(
    [...(options.nodeArgs ?? []), '--import', 'tsx', 'bench/servers/kite-seeded.ts'],
    {
      PORT: String(port),
      KITE_DATA_DIR: dataDir,
      KITE_LOG_LEVEL: 'error',
      KITE_WEB_DIST: join(dataDir, 'none'),
      BENCH_SEED_FILE: seedFile,
      ...env,
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    },
    `http://127.0.0.1:${port}/healthz`,
    options.timeoutMs ?? 3_600_000,
    () => {
      try {
        return Boolean(readFileSync(seedFile, 'utf8'));
      } catch {
        return false;
      }
    },
  );
  return { child, port, dataDir, seedFile };
}

/** Stops a server cleanly (SIGTERM), so its PGlite directory can be opened after it; SIGKILL after 30 s. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(null);
    }, 30_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(null);
    });
  });
}

export interface Measurement {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** Runs autocannon against one request shape and keeps the figures we report. */
export async function measure(
  name: string,
  options: {
    url: string;
    method?: 'GET' | 'POST';
    headers?: Record<string, string>;
    body?: string;
    connections?: number;
    duration?: number;
  },
): Promise<Measurement> {
  const result = await autocannon({
    url: options.url,
    method: options.method ?? 'GET',
    headers: options.headers,
    body: options.body,
    connections: options.connections ?? 20,
    duration: options.duration ?? 8,
  });
  return {
    name,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

export function report(benchName: string, context: Record<string, unknown>, rows: Measurement[], baseline: Measurement): string {
  const lines = [
    `| scenario | req/s | ratio to baseline | p50 ms | p90 ms | p99 ms | errors | non-2xx |`,
    `|---|---:|---:|---:|---:|---:|---:|---:|`,
    ...[baseline, ...rows].map(
      (row) =>
        `| ${row.name} | ${row.requestsPerSecond} | ${(row.requestsPerSecond / baseline.requestsPerSecond).toFixed(2)} | ${row.p50} | ${row.p90} | ${row.p99} | ${row.errors} | ${row.non2xx} |`,
    ),
  ];
  const table = lines.join('\n');
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  writeFileSync(
    join(dir, `${benchName}-${stamp}.json`),
    JSON.stringify({ bench: benchName, at: new Date().toISOString(), context, baseline, rows }, null, 2),
  );
  writeFileSync(join(dir, `${benchName}-${stamp}.md`), `${table}\n`);
  return table;
}

/** A fresh PostgreSQL database for one run (KITE_TEST_PG_URL, default the local server). */
export function createBenchDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  process.env.KITE_TEST_PG_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
  return createPostgresDatabase(prefix);
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (100/s)
}

/**
 * CPU seconds the PostgreSQL backends of one database (on this machine) use between `start` and
 * `stop`. The backends are listed from pg_stat_activity every 250 ms while it runs, so a pooled
 * connection opened meanwhile counts from its start. Asks through the server in KITE_TEST_PG_URL,
 * whose own backend is in another database and so not counted.
 */
export class BackendCpu {
  private readonly database: string;
  private readonly admin: pg.Client;
  private connected?: Promise<unknown>;
  private readonly seen = new Map<number, { first: number; last: number }>();
  private timer?: NodeJS.Timeout;

  constructor(databaseUrl: string) {
    this.database = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
    this.admin = new pg.Client({ connectionString: process.env.KITE_TEST_PG_URL });
  }

  async start(): Promise<void> {
    this.connected ??= this.admin.connect();
    await this.connected;
    this.seen.clear();
    await this.sample(true);
    this.timer = setInterval(() => void this.sample(false), 250);
  }

  async stop(): Promise<number> {
    clearInterval(this.timer);
    await this.sample(false);
    let total = 0;
    for (const { first, last } of this.seen.values()) total += last - first;
    return total;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    if (this.connected) await this.admin.end();
  }

  private async sample(atStart: boolean): Promise<void> {
    const { rows } = await this.admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [this.database]);
    for (const { pid } of rows) {
      let cpu: number;
      try {
        cpu = cpuSeconds(pid);
      } catch {
        continue; // ended between the listing and the read
      }
      const entry = this.seen.get(pid);
      if (entry) entry.last = cpu;
      else this.seen.set(pid, { first: atStart ? cpu : 0, last: cpu });
    }
  }
}

/** Resident memory of a process, from /proc. */
export function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.replace(/\D+/g, '')) * 1024;
}

/** The p-th percentile of an ascending list (NaN when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Writes a run's JSON and markdown to bench/results/ (not committed). */
export function saveResults(benchName: string, data: unknown, markdown: string): void {
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  writeFileSync(join(dir, `${benchName}-${stamp}.json`), JSON.stringify(data, null, 2));
  writeFileSync(join(dir, `${benchName}-${stamp}.md`), `${markdown}\n`);
}
