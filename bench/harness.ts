import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';

export const root = join(import.meta.dirname, '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

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

/**
 * A fresh PostgreSQL database for one benchmark run (from KITE_TEST_PG_URL, default the local
 * server), dropped by `drop()`.
 */
export async function createBenchDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = process.env.KITE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `${prefix}_${Date.now()}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
