/**
 * `npm run bench -- im-history [--pg] [--messages 1000000] [--chats 100] [--members 10] [--seconds 5] [--connections 8]`
 *
 * Message history at scale: the seeded server (bench/servers/kite-seeded.ts) creates the chats
 * through the API, then bulk-loads N messages into the real tables (created by the migrations) with
 * raw SQL `insert … select generate_series`, one statement per chat. Then it times
 * `GET /api/im/chats/:id/messages?limit=50&before=SEQ` at random chats and positions, first with one
 * reader (latency), then with several at once (throughput), counting the SQL statements the server
 * sends per page (its control port, BENCH_STATS_PORT) and listing which. Baseline, same data, same run: the keyset
 * query alone in raw SQL (driver level) — run after the server has stopped, on the same database.
 * PGlite by default (its data directory on disk); `--pg` uses a fresh database of KITE_TEST_PG_URL.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { createBenchDatabase, freePort, percentile, saveResults, startSeededKite, stopProcess } from './harness.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    chats: { type: 'string', default: '100' },
    members: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '8' },
    pg: { type: 'boolean', default: false },
  },
});
const messages = Number(values.messages);
const chatCount = Number(values.chats);
const members = Number(values.members);
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const PAGE = 50;

interface Row {
  name: string;
  readers: number;
  requests: number;
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
  /** SQL statements the server sent per page (Kite rows only; the outbox dispatcher's poll included). */
  statements?: number;
}

/** `readers` loops, each asking for one random page after another for `seconds`. */
async function measure(
  name: string,
  readers: number,
  perChat: number,
  chats: string[],
  page: (chat: string, before: number) => Promise<void>,
): Promise<Row> {
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: readers }, async () => {
      while (performance.now() < end) {
        const chat = chats[Math.floor(Math.random() * chats.length)]!;
        // A page ending anywhere in the chat: `before` from 51 to the newest + 1.
        const before = PAGE + 1 + Math.floor(Math.random() * (perChat - PAGE + 1));
        const started = performance.now();
        try {
          await page(chat, before);
          latencies.push(performance.now() - started);
        } catch {
          errors++;
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const round = (n: number) => Number(n.toFixed(2));
  return {
    name,
    readers,
    requests: latencies.length,
    perSecond: Math.round(latencies.length / seconds),
    p50: round(percentile(latencies, 50)),
    p90: round(percentile(latencies, 90)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies[latencies.length - 1] ?? Number.NaN),
    errors,
  } satisfies Row;
}

/** The keyset query `listMessages` runs for a history page, as plain SQL. */
const KEYSET = 'select * from im_message where chat_id = $1 and seq < $2 order by seq desc limit $3';

async function main() {
  const engine = values.pg ? 'PostgreSQL' : 'PGlite';
  const database = values.pg ? await createBenchDatabase('kite_history') : undefined;
  const loadStarted = performance.now();
  const statsPort = await freePort();
  const { child, port, dataDir, seedFile } = await startSeededKite(
    'kite-history-',
    {
      BENCH_STATS_PORT: String(statsPort),
      BENCH_USERS: String(members),
      BENCH_GROUP_SIZE: String(members),
      BENCH_CHATS: String(chatCount),
      BENCH_MESSAGES: String(messages),
    },
    { databaseUrl: database?.url },
  );
  const rows: Row[] = [];
  let seed: { admin: { cookie: string }; chats: Array<{ chatId: string }>; perChat: number; loadSeconds: number };
  try {
    seed = JSON.parse(readFileSync(seedFile, 'utf8'));
    process.stdout.write(
      `loaded ${seed.perChat * seed.chats.length} messages in ${seed.loadSeconds}s (server ready after ${((performance.now() - loadStarted) / 1000).toFixed(0)}s)\n`,
    );
    const page = async (chat: string, before: number) => {
      const response = await fetch(`http://127.0.0.1:${port}/api/im/chats/${chat}/messages?limit=${PAGE}&before=${before}`, {
        headers: { cookie: seed.admin.cookie },
      });
      if (!response.ok) throw new Error(`history failed: ${response.status}`);
      const body = (await response.json()) as { items: unknown[] };
      if (body.items.length !== PAGE) throw new Error(`expected ${PAGE} messages, got ${body.items.length}`);
    };
    const ids = seed.chats.map((chat) => chat.chatId);
    const stats = async () => {
      const response = await fetch(`http://127.0.0.1:${statsPort}/stats`);
      return (await response.json()) as { statements: number; byText: Record<string, number> };
    };
    // Statements per page, and which: the server's count before and after each row.
    const counted = async (readers: number) => {
      const before = await stats();
      const row = await measure('Kite: GET /api/im/chats/:id/messages?limit=50&before=…', readers, seed.perChat, ids, page);
      const after = await stats();
      row.statements = Number(((after.statements - before.statements) / Math.max(1, row.requests)).toFixed(2));
      if (readers === 1) {
        process.stdout.write(`statements per page (${row.requests} pages, ${readers} reader):\n`);
        for (const [text, count] of Object.entries(after.byText)) {
          const perPage = (count - (before.byText[text] ?? 0)) / Math.max(1, row.requests);
          if (perPage >= 0.01) process.stdout.write(`  ${perPage.toFixed(2)}  ${text}\n`);
        }
      }
      return row;
    };
    await measure('warm-up', connections, seed.perChat, ids, page);
    rows.push(await counted(1));
    rows.push(await counted(connections));
  } finally {
    // A clean stop, so the baseline can open the PGlite directory after it.
    await stopProcess(child);
  }

  const internal = seed.chats.map((chat) => chat.chatId);
  let query: (chat: string, before: number) => Promise<void>;
  let close: () => Promise<void>;
  if (database) {
    const pool = new pg.Pool({ connectionString: database.url, max: connections });
    query = async (chat, before) => {
      const { rows: found } = await pool.query(KEYSET, [chat, before, PAGE + 1]);
      if (found.length < PAGE) throw new Error('short page');
    };
    close = () => pool.end();
  } else {
    const pglite = await PGlite.create(join(dataDir, 'pg'));
    query = async (chat, before) => {
      const { rows: found } = await pglite.query(KEYSET, [chat, before, PAGE + 1]);
      if (found.length < PAGE) throw new Error('short page');
    };
    close = () => pglite.close();
  }
  await measure('warm-up', connections, seed.perChat, internal, query);
  const base1 = await measure('baseline: the keyset query in raw SQL', 1, seed.perChat, internal, query);
  const baseN = await measure('baseline: the keyset query in raw SQL', connections, seed.perChat, internal, query);
  await close();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });

  const all = [base1, rows[0]!, baseN, rows[1]!];
  const table = [
    '| query | readers | requests/s | p50 ms | p90 ms | p99 ms | max ms | SQL statements per page | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...all.map(
      (r) =>
        `| ${r.name} | ${r.readers} | ${r.perSecond} | ${r.p50} | ${r.p90} | ${r.p99} | ${r.max} | ${r.statements ?? 1} | ${r.errors} |`,
    ),
  ].join('\n');
  const heading = `Message history — ${engine}, ${seed.perChat * seed.chats.length} messages in the tenant (${seed.chats.length} chats × ${seed.perChat}, loaded in ${seed.loadSeconds}s), pages of ${PAGE} at random positions, ${seconds}s per row`;
  saveResults(
    'im-history',
    { engine, messages: seed.perChat * seed.chats.length, chats: seed.chats.length, loadSeconds: seed.loadSeconds, rows: all },
    `${heading}\n\n${table}`,
  );
  process.stdout.write(`\n${heading}\n\n${table}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
