/**
 * `npm run bench -- im-chat [--pg] [--senders 20] [--members 5] [--seconds 10] [--warmup 3]`
 *
 * Chat end to end: S concurrent senders, each in its own group of M members, send 300-byte texts in
 * a closed loop (the next send as soon as the previous one is answered): HTTP send → commit →
 * delivered on the WebSocket of every other member (all connected). Reports messages/s, send→deliver
 * and HTTP answer percentiles, server CPU per message, and SQL statements per message (the server
 * counts what it sends to the database: the request and the outbox dispatch after it).
 *
 * Baseline, same engine, same run (bench/servers/sql-ws-chat.ts): one raw SQL statement taking the
 * chat's next seq and inserting the same message row into Kite's tables, then a bare `ws` broadcast.
 * PGlite by default; `--pg` runs both on fresh databases of the PostgreSQL server in KITE_TEST_PG_URL.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { cpuSeconds, createBenchDatabase, freePort, percentile, saveResults, startProcess, startSeededKite } from './harness.ts';

const { values } = parseArgs({
  options: {
    senders: { type: 'string', default: '20' },
    members: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    pg: { type: 'boolean', default: false },
  },
});
const senders = Number(values.senders);
const members = Number(values.members);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const PAYLOAD_BYTES = 300;

interface Target {
  name: string;
  pid: number;
  /** Sockets of every member but the sender, per chat. */
  connect(chat: number, member: number): WebSocket;
  nonceOf(frame: string): string | undefined;
  send(chat: number, text: string): Promise<void>;
  statements?(): Promise<number>;
}

interface Result {
  server: string;
  messages: number;
  messagesPerSecond: number;
  delivered: string;
  deliverP50: number;
  deliverP99: number;
  answerP50: number;
  answerP99: number;
  cpuSeconds: number;
  messagesPerCpuSecond: number;
  statementsPerMessage: number | null;
  errors: number;
}

async function run(target: Target): Promise<Result> {
  const sentAt = new Map<string, number>();
  const deliveries: number[] = [];
  const sockets: WebSocket[] = [];
  for (let chat = 0; chat < senders; chat++) {
    for (let member = 1; member < members; member++) {
      const socket = target.connect(chat, member);
      socket.on('message', (data) => {
        const nonce = target.nonceOf(data.toString());
        const at = nonce === undefined ? undefined : sentAt.get(nonce);
        if (at !== undefined) deliveries.push(performance.now() - at);
      });
      sockets.push(socket);
    }
  }
  await Promise.all(
    sockets.map((s) =>
      s.readyState === WebSocket.OPEN ? null : new Promise((resolve, reject) => s.once('open', resolve).once('error', reject)),
    ),
  );
  await new Promise((resolve) => setTimeout(resolve, 500));

  const started = performance.now();
  const measureFrom = started + warmup * 1000;
  const end = measureFrom + seconds * 1000;
  let cpuStart = Number.NaN;
  let statementsStart: number | null = null;
  const answers: number[] = [];
  let measured = 0;
  let errors = 0;
  const window = setTimeout(async () => {
    cpuStart = cpuSeconds(target.pid);
    statementsStart = (await target.statements?.()) ?? null;
  }, measureFrom - performance.now());
  const loops = Array.from({ length: senders }, async (_, chat) => {
    for (let k = 0; performance.now() < end; k++) {
      const at = performance.now();
      const inWindow = at >= measureFrom;
      const nonce = `n${chat}_${k}x`;
      if (inWindow) sentAt.set(nonce, at);
      try {
        await target.send(chat, `${nonce} ${'x'.repeat(PAYLOAD_BYTES - nonce.length - 1)}`);
        if (inWindow) {
          answers.push(performance.now() - at);
          measured++;
        }
      } catch {
        errors++;
        sentAt.delete(nonce);
      }
    }
  });
  await Promise.all(loops);
  clearTimeout(window);
  const cpu = cpuSeconds(target.pid) - cpuStart;
  const statementsEnd = (await target.statements?.()) ?? null;
  const expected = measured * (members - 1);
  const deadline = performance.now() + 10_000;
  while (deliveries.length < expected && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  for (const socket of sockets) socket.terminate();
  deliveries.sort((a, b) => a - b);
  answers.sort((a, b) => a - b);
  const round = (n: number) => Number(n.toFixed(1));
  return {
    server: target.name,
    messages: measured,
    messagesPerSecond: Math.round(measured / seconds),
    delivered: `${deliveries.length} / ${expected}`,
    deliverP50: round(percentile(deliveries, 50)),
    deliverP99: round(percentile(deliveries, 99)),
    answerP50: round(percentile(answers, 50)),
    answerP99: round(percentile(answers, 99)),
    cpuSeconds: round(cpu),
    messagesPerCpuSecond: Math.round(measured / cpu),
    statementsPerMessage:
      statementsStart !== null && statementsEnd !== null ? Number(((statementsEnd - statementsStart) / measured).toFixed(1)) : null,
    errors,
  };
}

async function baseline(databaseUrl: string | undefined): Promise<Result> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'kite-chat-base-'));
  const seedFile = join(dataDir, 'seed.json');
  const child = await startProcess(
    ['--import', 'tsx', 'bench/servers/sql-ws-chat.ts'],
    {
      PORT: String(port),
      BENCH_CHATS: String(senders),
      BENCH_DATA_DIR: join(dataDir, 'pg'),
      BENCH_SEED_FILE: seedFile,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    `http://127.0.0.1:${port}/healthz`,
    120_000,
    () => readable(seedFile),
  );
  try {
    const { chats } = JSON.parse(readFileSync(seedFile, 'utf8')) as { chats: string[] };
    return await run({
      name: 'baseline: raw SQL insert + bare ws',
      pid: child.pid!,
      connect: (chat) => new WebSocket(`ws://127.0.0.1:${port}/?chat=${chats[chat]}`),
      nonceOf: (frame) => /(n\d+_\d+x) /.exec(frame)?.[1],
      async send(chat, text) {
        const response = await fetch(`http://127.0.0.1:${port}/send?chat=${chats[chat]}`, {
          method: 'POST',
          body: JSON.stringify({ sender: `user-${chat}`, text }),
        });
        if (!response.ok) throw new Error(`send failed: ${response.status}`);
        await response.arrayBuffer();
      },
    });
  } finally {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function kite(databaseUrl: string | undefined): Promise<Result> {
  const statsPort = await freePort();
  const { child, port, dataDir, seedFile } = await startSeededKite(
    'kite-chat-',
    { BENCH_USERS: String(senders * members), BENCH_GROUP_SIZE: String(members), BENCH_STATS_PORT: String(statsPort) },
    { databaseUrl, timeoutMs: 600_000 },
  );
  try {
    const seed = JSON.parse(readFileSync(seedFile, 'utf8')) as {
      sessions: Array<{ cookie: string; csrf: string }>;
      chats: Array<{ chatId: string; members: number[] }>;
    };
    return await run({
      name: 'Kite: HTTP send → commit → outbox → gateway',
      pid: child.pid!,
      connect: (chat, member) =>
        new WebSocket(`ws://127.0.0.1:${port}/ws/client`, {
          headers: { cookie: seed.sessions[seed.chats[chat]!.members[member]!]!.cookie },
        }),
      nonceOf: (frame) => (frame.includes('im.message.created') ? /(n\d+_\d+x) /.exec(frame)?.[1] : undefined),
      async send(chat, text) {
        const sender = seed.sessions[seed.chats[chat]!.members[0]!]!;
        const response = await fetch(`http://127.0.0.1:${port}/api/im/chats/${seed.chats[chat]!.chatId}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: sender.cookie, 'x-csrf-token': sender.csrf },
          body: JSON.stringify({ msgType: 'text', content: JSON.stringify({ text }) }),
        });
        if (!response.ok) throw new Error(`send failed: ${response.status} ${await response.text()}`);
        await response.arrayBuffer();
      },
      async statements() {
        const response = await fetch(`http://127.0.0.1:${statsPort}/stats`);
        return ((await response.json()) as { statements: number }).statements;
      },
    });
  } finally {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function readable(file: string): boolean {
  try {
    return Boolean(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
}

async function main() {
  const engine = values.pg ? 'PostgreSQL' : 'PGlite';
  const baseDb = values.pg ? await createBenchDatabase('kite_chat_base') : undefined;
  const base = await baseline(baseDb?.url);
  await baseDb?.drop();
  const kiteDb = values.pg ? await createBenchDatabase('kite_chat') : undefined;
  const ours = await kite(kiteDb?.url);
  await kiteDb?.drop();
  const rows = [base, ours];
  const table = [
    '| server | messages/s | ratio | delivered / expected | send→deliver p50 / p99 ms | HTTP answer p50 / p99 ms | server CPU s | messages per CPU-s | SQL statements per message | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.server} | ${r.messagesPerSecond} | ${(r.messagesPerSecond / base.messagesPerSecond).toFixed(2)} | ${r.delivered} | ${r.deliverP50} / ${r.deliverP99} | ${r.answerP50} / ${r.answerP99} | ${r.cpuSeconds} | ${r.messagesPerCpuSecond} | ${r.statementsPerMessage ?? (r === base ? 1 : '–')} | ${r.errors} |`,
    ),
  ].join('\n');
  const heading = `Chat end to end — ${engine}, ${senders} concurrent senders (closed loop), groups of ${members} (all online), ${PAYLOAD_BYTES}-byte texts, ${seconds}s measured after ${warmup}s warm-up`;
  saveResults('im-chat', { engine, senders, members, seconds, warmup, rows }, `${heading}\n\n${table}`);
  process.stdout.write(`\n${heading}\n\n${table}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
