/**
 * Baseline for `bench/im-chat.ts`, and the durable floor of `bench/im-fanout.ts`: the least a durable
 * chat send can do on the same engine. Kite's own migrations create the tables; a send is ONE raw SQL
 * statement (driver level, no Kysely) that takes the chat's next `seq` and inserts the message row
 * into `im_message`, then a bare `ws` broadcast of the row (serialised once) to the chat's sockets.
 * No sessions, validation, outbox or events.
 *
 * Env: PORT; DATABASE_URL (PostgreSQL) or BENCH_DATA_DIR (PGlite files); BENCH_CHATS (how many chats),
 * or BENCH_GROUPS (`10,100,1000`) with BENCH_USERS (5000): ⌊users/size⌋ chats of each size, named
 * `size-index`; BENCH_PREPARED=1 runs the send as a prepared statement (PGlite through Kite's
 * `PGliteStatements`, PostgreSQL as a named statement), as Kite runs its own.
 * Clients follow chats with `ws://…/?chat=ID&chat=ID…`; `POST /send?chat=ID` with `{"sender","text"}`;
 * `POST /gc` (with --expose-gc) collects garbage and answers the RSS.
 * Writes `{chats: [id…], groups: {"size-index": id}}` to BENCH_SEED_FILE once ready. Bench-only:
 * nothing here runs in the product.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { PGlite } from '@electric-sql/pglite';
import { authMigrations } from '@kite/auth/server';
import { contactMigrations } from '@kite/contact/server';
import { eventsMigrations } from '@kite/events/server';
import { imMigrations } from '@kite/im/server';
import { openPlatformMigrations } from '@kite/openplatform/server';
import { openDatabase } from '@kite/platform/database';
import { migrateToLatest } from '@kite/platform/migrations';
import { PGliteStatements } from '@kite/platform/pglite-statements';
import { platformMigrations } from '@kite/platform/platform-migrations';
import pg from 'pg';
import { type WebSocket, WebSocketServer } from 'ws';

const groupSizes = process.env.BENCH_GROUPS?.split(',').map(Number) ?? [];
const userCount = Number(process.env.BENCH_USERS ?? 5000);
/** The chats to create, by name: `size-index` for groups, else their number. */
const chatNames = groupSizes.length
  ? groupSizes.flatMap((size) => Array.from({ length: Math.floor(userCount / size) }, (_, index) => `${size}-${index}`))
  : Array.from({ length: Number(process.env.BENCH_CHATS ?? 20) }, (_, index) => String(index));
const prepared = process.env.BENCH_PREPARED === '1';
const url = process.env.DATABASE_URL;
const dataDir = process.env.BENCH_DATA_DIR ?? '/tmp/kite-bench-baseline';

// The schema exactly as Kite has it.
const migrating = await openDatabase(url ? { url } : { dataDir });
await migrateToLatest(
  migrating.db as never,
  platformMigrations,
  contactMigrations,
  authMigrations,
  openPlatformMigrations,
  eventsMigrations,
  imMigrations,
);
await migrating.close();

type Query = (text: string, values: unknown[]) => Promise<Array<Record<string, unknown>>>;
let query: Query;
/** The send statement: prepared with BENCH_PREPARED=1, else as `query` runs any other. */
let querySend: Query;
if (url) {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  query = async (text, values) => (await pool.query(text, values)).rows;
  querySend = prepared ? async (text, values) => (await pool.query({ name: 'send', text, values })).rows : query;
} else {
  const pglite = await PGlite.create(dataDir);
  query = async (text, values) => (await pglite.query<Record<string, unknown>>(text, values)).rows;
  const statements = new PGliteStatements(pglite);
  // PGlite runs one statement at a time; PGliteStatements expects its callers to take turns.
  let turn: Promise<unknown> = Promise.resolve();
  const inTurn = (text: string, values: unknown[]) => {
    const run = turn.then(() => statements.query(text, values));
    turn = run.catch(() => undefined);
    return run;
  };
  querySend = prepared ? async (text, values) => (await inTurn(text, values)).rows as Array<Record<string, unknown>> : query;
}

const tenantId = randomUUID();
await query(`insert into tenant (id, tenant_key, name) values ($1, $2, 'Bench')`, [tenantId, tenantId.slice(0, 8)]);
const chats: string[] = [];
const groups: Record<string, string> = {};
for (const name of chatNames) {
  const id = randomUUID();
  await query(`insert into im_chat (id, tenant_id, chat_id, chat_type, name, settings) values ($1, $2, $3, 'group', $4, '{}')`, [
    id,
    tenantId,
    `oc_${id.replaceAll('-', '')}`,
    `Group ${name}`,
  ]);
  chats.push(id);
  groups[name] = id;
}

/** One statement, one round trip: next seq under the row lock the UPDATE takes, and the message row. */
const SEND = `
  with chat as (
    update im_chat set last_seq = last_seq + 1, last_message_at = now(), updated_at = now()
    where id = $1 returning id, tenant_id, last_seq
  )
  insert into im_message (id, tenant_id, chat_id, message_id, seq, sender_kind, sender_id, msg_type, content, search_text)
  select $2, chat.tenant_id, chat.id, $3, chat.last_seq, 'user', $4, 'text', $5, $6 from chat
  returning id, message_id, chat_id, seq, sender_id, msg_type, content, created_at`;

const sockets = new Map<string, Set<WebSocket>>();
const server = createServer((request, response) => {
  const address = new URL(request.url ?? '/', 'http://localhost');
  if (address.pathname === '/healthz') return void response.end('ok');
  if (request.method === 'POST' && address.pathname === '/gc') {
    globalThis.gc?.();
    globalThis.gc?.();
    return void response.end(JSON.stringify({ rss: process.memoryUsage().rss }));
  }
  if (request.method !== 'POST' || address.pathname !== '/send') {
    response.statusCode = 404;
    return void response.end();
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', async () => {
    try {
      const chatId = address.searchParams.get('chat') ?? '';
      const { sender, text } = JSON.parse(Buffer.concat(chunks).toString()) as { sender: string; text: string };
      const id = randomUUID();
      const [row] = await querySend(SEND, [chatId, id, `om_${id.replaceAll('-', '')}`, sender, JSON.stringify({ text }), text]);
      if (!row) throw new Error('no such chat');
      const frame = JSON.stringify({ t: 'event', type: 'message', payload: row });
      for (const socket of sockets.get(chatId) ?? []) socket.send(frame);
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(row));
    } catch (error) {
      response.statusCode = 500;
      response.end(String(error));
    }
  });
});
const wss = new WebSocketServer({ server });
wss.on('connection', (socket, request) => {
  for (const chat of new URL(request.url ?? '/', 'http://localhost').searchParams.getAll('chat')) {
    const set = sockets.get(chat) ?? new Set<WebSocket>();
    sockets.set(chat, set);
    set.add(socket);
    socket.on('close', () => set.delete(socket));
  }
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => {
  if (process.env.BENCH_SEED_FILE) writeFileSync(process.env.BENCH_SEED_FILE, JSON.stringify({ chats, groups }));
});
