/**
 * Baseline for `bench/im-chat.ts`: the least a durable chat send can do on the same engine. Kite's own
 * migrations create the tables; a send is ONE raw SQL statement (driver level, no Kysely) that takes
 * the chat's next `seq` and inserts the message row into `im_message`, then a bare `ws` broadcast of
 * the row (serialised once) to the chat's sockets. No sessions, validation, outbox or events.
 *
 * Env: PORT; DATABASE_URL (PostgreSQL) or BENCH_DATA_DIR (PGlite files); BENCH_CHATS (how many chats).
 * Clients follow a chat with `ws://…/?chat=ID`; `POST /send?chat=ID` with `{"sender","text"}`.
 * Writes `{chats: [id…]}` to BENCH_SEED_FILE once ready. Bench-only: nothing here runs in the product.
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
import { platformMigrations } from '@kite/platform/platform-migrations';
import pg from 'pg';
import { type WebSocket, WebSocketServer } from 'ws';

const chatCount = Number(process.env.BENCH_CHATS ?? 20);
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
if (url) {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  query = async (text, values) => (await pool.query(text, values)).rows;
} else {
  const pglite = await PGlite.create(dataDir);
  query = async (text, values) => (await pglite.query<Record<string, unknown>>(text, values)).rows;
}

const tenantId = randomUUID();
await query(`insert into tenant (id, tenant_key, name) values ($1, $2, 'Bench')`, [tenantId, tenantId.slice(0, 8)]);
const chats: string[] = [];
for (let i = 0; i < chatCount; i++) {
  const id = randomUUID();
  await query(`insert into im_chat (id, tenant_id, chat_id, chat_type, name, settings) values ($1, $2, $3, 'group', $4, '{}')`, [
    id,
    tenantId,
    `oc_${id.replaceAll('-', '')}`,
    `Group ${i}`,
  ]);
  chats.push(id);
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
      const [row] = await query(SEND, [chatId, id, `om_${id.replaceAll('-', '')}`, sender, JSON.stringify({ text }), text]);
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
  const chat = new URL(request.url ?? '/', 'http://localhost').searchParams.get('chat') ?? '';
  const set = sockets.get(chat) ?? new Set<WebSocket>();
  sockets.set(chat, set);
  set.add(socket);
  socket.on('close', () => set.delete(socket));
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => {
  if (process.env.BENCH_SEED_FILE) writeFileSync(process.env.BENCH_SEED_FILE, JSON.stringify({ chats }));
});
