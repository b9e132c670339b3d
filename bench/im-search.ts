/**
 * `npm run bench -- im-search [--pg] [--messages 1000000] [--chats 500] [--members 10] [--users 200] [--queries 200] [--baseline-queries 20]`
 *
 * Message search at scale: the seeded server (bench/servers/kite-seeded.ts, BENCH_CORPUS=chat)
 * creates the people and chats through the API, then bulk-loads N chat-like messages (60 % Chinese,
 * bench/servers/chat-corpus.ts) with their search terms and builds the index. The first person is in
 * every tenth chat, so sees a tenth of the messages. Timed, one request at a time, as that person:
 * `GET /api/im/search?q=…&limit=20` over all their chats and within one of them, for Latin words,
 * one Chinese character and two, drawn evenly from the vocabularies (common and rare words alike).
 * Baseline, same data, same run: the ILIKE scan search was before (raw SQL at the driver, so without
 * Kite's HTTP, session and presentation costs) — run after the server has stopped, on the same
 * database. PGlite by default (its data directory on disk); `--pg` uses a fresh database of
 * KITE_TEST_PG_URL.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { createBenchDatabase, percentile, rssBytes, saveResults, startSeededKite, stopProcess } from './harness.ts';
import { searchQueries, seededRandom } from './servers/chat-corpus.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    chats: { type: 'string', default: '500' },
    members: { type: 'string', default: '10' },
    users: { type: 'string', default: '200' },
    queries: { type: 'string', default: '200' },
    'baseline-queries': { type: 'string', default: '20' },
    pg: { type: 'boolean', default: false },
  },
});
const PAGE = 20;
/** The baseline stops a row after this long even if it has not run all its queries. */
const BASELINE_BUDGET_MS = 90_000;

interface Seed {
  sessions: Array<{ cookie: string }>;
  userIds: string[];
  chats: Array<{ chatId: string; members: number[] }>;
  perChat: number;
  loadSeconds: number;
}

interface Timing {
  samples: number;
  p50: number;
  p99: number;
  meanHits: number;
  errors: number;
}

type Scope = 'all chats' | 'one chat';
type Run = (query: string, chatId: string | undefined) => Promise<number>;

/** Runs each query once, one after another; returns latency percentiles and the mean hit count. */
async function time(queries: readonly string[], chats: readonly string[], scope: Scope, run: Run, budgetMs = Infinity): Promise<Timing> {
  const latencies: number[] = [];
  let hits = 0;
  let errors = 0;
  const stopAt = performance.now() + budgetMs;
  for (const [index, query] of queries.entries()) {
    if (performance.now() > stopAt) break;
    const chatId = scope === 'one chat' ? chats[index % chats.length] : undefined;
    const started = performance.now();
    try {
      hits += await run(query, chatId);
      latencies.push(performance.now() - started);
    } catch {
      errors++;
    }
  }
  latencies.sort((a, b) => a - b);
  const round = (n: number) => Number(n.toFixed(1));
  return {
    samples: latencies.length,
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    meanHits: round(hits / Math.max(1, latencies.length)),
    errors,
  };
}

/** The search as it was: ILIKE over the caller's chats, newest first (removed `imRepository.search`). */
const ILIKE_SCAN = `
  select msg.* from im_message msg
  join im_member m on m.chat_id = msg.chat_id and m.member_kind = 'user' and m.member_id = $1
  join im_chat c on c.id = msg.chat_id
  where m.tenant_id = c.tenant_id and c.dissolved = false and msg.recalled = false and msg.search_text ilike $2
    and ($3::text is null or msg.chat_id = $3)
  order by msg.created_at desc, msg.id desc
  limit ${PAGE}`;

const SIZES = `
  select relname as name, pg_relation_size(oid) as bytes from pg_class
  where relname in ('im_message', 'im_message_search', 'im_message_recent', 'im_message_time') order by relname`;

async function main() {
  const engine = values.pg ? 'PostgreSQL' : 'PGlite';
  const database = values.pg ? await createBenchDatabase('kite_search') : undefined;
  const started = performance.now();
  const { child, port, dataDir, seedFile } = await startSeededKite(
    'kite-search-',
    {
      BENCH_CORPUS: 'chat',
      BENCH_USERS: values.users,
      BENCH_GROUP_SIZE: values.members,
      BENCH_CHATS: values.chats,
      BENCH_MESSAGES: values.messages,
    },
    { databaseUrl: database?.url, timeoutMs: 4 * 3_600_000 },
  );
  const seed = JSON.parse(readFileSync(seedFile, 'utf8')) as Seed;
  const total = seed.perChat * seed.chats.length;
  const searcherChats = seed.chats.filter((chat) => chat.members.includes(0)).map((chat) => chat.chatId);
  process.stdout.write(
    `loaded ${total} messages and built the index in ${seed.loadSeconds}s (ready after ${((performance.now() - started) / 1000).toFixed(0)}s)\n`,
  );
  const queries = searchQueries(seededRandom(7), Number(values.queries));
  const kite: Record<string, Timing> = {};
  let serverRss = 0;
  try {
    const search: Run = async (query, chatId) => {
      const params = new URLSearchParams({ q: query, limit: String(PAGE), ...(chatId ? { chatId } : {}) });
      const response = await fetch(`http://127.0.0.1:${port}/api/im/search?${params}`, { headers: { cookie: seed.sessions[0]!.cookie } });
      if (!response.ok) throw new Error(`search failed: ${response.status}`);
      return ((await response.json()) as { items: unknown[] }).items.length;
    };
    await time(queries['Latin word'].slice(0, 50), searcherChats, 'all chats', search);
    for (const [kind, list] of Object.entries(queries)) {
      for (const scope of ['all chats', 'one chat'] as const) kite[`${kind}|${scope}`] = await time(list, searcherChats, scope, search);
    }
    serverRss = rssBytes(child.pid!);
  } finally {
    await stopProcess(child);
  }

  let scan: Run;
  let sizes: Array<{ name: string; bytes: number }>;
  let close: () => Promise<void>;
  const searcher = seed.userIds[0]!;
  if (database) {
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    scan = async (query, chatId) => (await pool.query(ILIKE_SCAN, [searcher, `%${query}%`, chatId ?? null])).rows.length;
    sizes = (await pool.query(SIZES)).rows;
    close = () => pool.end();
  } else {
    const pglite = await PGlite.create(join(dataDir, 'pg'));
    scan = async (query, chatId) => (await pglite.query(ILIKE_SCAN, [searcher, `%${query}%`, chatId ?? null])).rows.length;
    sizes = (await pglite.query<{ name: string; bytes: number }>(SIZES)).rows;
    close = () => pglite.close();
  }
  const baseline: Record<string, Timing> = {};
  const baselineQueries = Number(values['baseline-queries']);
  for (const [kind, list] of Object.entries(queries)) {
    for (const scope of ['all chats', 'one chat'] as const) {
      baseline[`${kind}|${scope}`] = await time(list.slice(0, baselineQueries), searcherChats, scope, scan, BASELINE_BUDGET_MS);
    }
  }
  await close();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });

  const cell = (timing: Timing) => `${timing.p50} / ${timing.p99} (${timing.samples}${timing.errors ? `, ${timing.errors} errors` : ''})`;
  const table = [
    '| query | scope | ILIKE scan, raw SQL: p50 / p99 ms (queries) | **Kite** `GET /api/im/search`: p50 / p99 ms (queries) | hits per page |',
    '|---|---|---:|---:|---:|',
    ...Object.keys(kite).map((key) => {
      const [kind, scope] = key.split('|');
      return `| ${kind} | ${scope} | ${cell(baseline[key]!)} | **${cell(kite[key]!)}** | ${kite[key]!.meanHits} |`;
    }),
  ].join('\n');
  const mib = (bytes: number) => `${(Number(bytes) / 1_048_576).toFixed(0)} MiB`;
  const sizeLine = sizes.map((size) => `${size.name} ${mib(size.bytes)}`).join(', ');
  const heading =
    `Message search — ${engine}, ${total} messages in the tenant (${seed.chats.length} chats × ${seed.perChat}; the searcher is in ` +
    `${searcherChats.length} of them), loaded and indexed in ${seed.loadSeconds}s; pages of ${PAGE}, one request at a time`;
  const footer = `Sizes: ${sizeLine}. Server RSS after the run: ${mib(serverRss)}.`;
  saveResults(
    'im-search',
    { engine, total, chats: seed.chats.length, loadSeconds: seed.loadSeconds, kite, baseline, sizes, serverRss },
    `${heading}\n\n${table}\n\n${footer}`,
  );
  process.stdout.write(`\n${heading}\n\n${table}\n\n${footer}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
