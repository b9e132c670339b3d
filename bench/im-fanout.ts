/**
 * `npm run bench -- im-fanout [--users 5000] [--groups 10,100,1000] [--seconds 10] [--pg]`
 *
 * Messenger fan-out: N WebSocket clients in groups of G; one member of each group sends 300-byte
 * text messages at a fixed rate below saturation. The same load runs against a bare `ws` broadcast
 * server (baseline) and against Kite (HTTP send → commit → outbox → gateway → sockets), each in its
 * own process. Reports delivered messages per server CPU-second (from /proc), the ratio to the
 * baseline, send→deliver latency percentiles, and server RSS per idle connection.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { cpuSeconds, createBenchDatabase, freePort, percentile, root, rssBytes, startProcess, startSeededKite } from './harness.ts';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '5000' },
    groups: { type: 'string', default: '10,100,1000' },
    seconds: { type: 'string', default: '10' },
    deliveries: { type: 'string', default: '8000' },
    pg: { type: 'boolean', default: false },
  },
});
const userCount = Number(values.users);
const groupSizes = values.groups.split(',').map(Number);
const seconds = Number(values.seconds);
/** Target deliveries per second: sends/s = this / group size (kept below saturation). */
const targetDeliveries = Number(values.deliveries);
const PAYLOAD_BYTES = 300;

interface Result {
  server: string;
  groupSize: number;
  sent: number;
  delivered: number;
  expected: number;
  cpuSeconds: number;
  deliveredPerCpuSecond: number;
  p50: number;
  p99: number;
  rssPerConnectionKb: number;
}

/** Connects every client, then sends at a fixed rate and counts deliveries per nonce. */
async function run(
  server: string,
  pid: number,
  groupSize: number,
  connect: (index: number) => WebSocket,
  extractNonce: (frame: string) => string | undefined,
  send: (group: number, text: string) => Promise<void>,
  groups: number,
): Promise<Result> {
  const rssBefore = rssBytes(pid);
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let delivered = 0;
  const sockets: WebSocket[] = [];
  for (let index = 0; index < userCount; index++) {
    const socket = connect(index);
    socket.on('message', (data) => {
      const nonce = extractNonce(data.toString());
      if (!nonce) return;
      const at = sentAt.get(nonce);
      if (at !== undefined) {
        delivered++;
        latencies.push(performance.now() - at);
      }
    });
    sockets.push(socket);
    if (index % 200 === 199) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await Promise.all(
    sockets.map((s) =>
      s.readyState === WebSocket.OPEN ? null : new Promise((resolve, reject) => s.once('open', resolve).once('error', reject)),
    ),
  );
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const rssPerConnectionKb = (rssBytes(pid) - rssBefore) / userCount / 1024;

  const sendsPerSecond = Math.max(1, Math.round(targetDeliveries / groupSize));
  const total = sendsPerSecond * seconds;
  const cpuStart = cpuSeconds(pid);
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / sendsPerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const nonce = `n${i}x`;
    const text = `${nonce} ${'x'.repeat(PAYLOAD_BYTES - nonce.length - 1)}`;
    sentAt.set(nonce, performance.now());
    inFlight.push(send(i % groups, text));
    if (inFlight.length > 200) await Promise.all(inFlight.splice(0));
  }
  await Promise.all(inFlight);
  const expected = total * groupSize;
  const deadline = performance.now() + 15_000;
  while (delivered < expected && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  const cpu = cpuSeconds(pid) - cpuStart;
  for (const socket of sockets) socket.terminate();
  latencies.sort((a, b) => a - b);
  return {
    server,
    groupSize,
    sent: total,
    delivered,
    expected,
    cpuSeconds: Number(cpu.toFixed(2)),
    deliveredPerCpuSecond: Math.round(delivered / cpu),
    p50: Number(percentile(latencies, 50).toFixed(1)),
    p99: Number(percentile(latencies, 99).toFixed(1)),
    rssPerConnectionKb: Number(rssPerConnectionKb.toFixed(1)),
  };
}

async function baseline(groupSize: number): Promise<Result> {
  const port = await freePort();
  const child = await startProcess(['bench/servers/ws-broadcast.mjs'], { PORT: String(port) }, `http://127.0.0.1:${port}/healthz`);
  try {
    const groups = Math.floor(userCount / groupSize);
    return await run(
      'bare ws broadcast',
      child.pid!,
      groupSize,
      (index) => new WebSocket(`ws://127.0.0.1:${port}/?group=${Math.floor(index / groupSize) % groups}`),
      (frame) => /(n\d+x) /.exec(frame)?.[1],
      async (group, text) => {
        await fetch(`http://127.0.0.1:${port}/send?group=${group}`, { method: 'POST', body: JSON.stringify({ text }) });
      },
      groups,
    );
  } finally {
    child.kill('SIGKILL');
  }
}

async function kite(groupSize: number, databaseUrl: string | undefined): Promise<Result> {
  const { child, port, dataDir, seedFile } = await startSeededKite(
    'kite-fanout-',
    { BENCH_USERS: String(userCount), BENCH_GROUP_SIZE: String(groupSize) },
    { databaseUrl, timeoutMs: 600_000 },
  );
  try {
    const seed = JSON.parse(readFileSync(seedFile, 'utf8')) as {
      sessions: Array<{ cookie: string; csrf: string }>;
      chats: Array<{ chatId: string; members: number[] }>;
    };
    return await run(
      'Kite (HTTP send → outbox → gateway)',
      child.pid!,
      groupSize,
      (index) => new WebSocket(`ws://127.0.0.1:${port}/ws/client`, { headers: { cookie: seed.sessions[index]!.cookie } }),
      (frame) => (frame.includes('im.message.created') ? /(n\d+x) /.exec(frame)?.[1] : undefined),
      async (group, text) => {
        const chat = seed.chats[group]!;
        const sender = seed.sessions[chat.members[0]!]!;
        const response = await fetch(`http://127.0.0.1:${port}/api/im/chats/${chat.chatId}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: sender.cookie, 'x-csrf-token': sender.csrf },
          body: JSON.stringify({ msgType: 'text', content: JSON.stringify({ text }) }),
        });
        if (!response.ok) throw new Error(`send failed: ${response.status} ${await response.text()}`);
      },
      seed.chats.length,
    );
  } finally {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  const rows: Array<Result & { ratio?: number }> = [];
  for (const groupSize of groupSizes) {
    const database = values.pg ? await createBenchDatabase('kite_fanout') : undefined;
    const base = await baseline(groupSize);
    const ours = await kite(groupSize, database?.url);
    await database?.drop();
    rows.push(base, { ...ours, ratio: Number((ours.deliveredPerCpuSecond / base.deliveredPerCpuSecond).toFixed(2)) });
    process.stdout.write(`group ${groupSize}: baseline ${base.deliveredPerCpuSecond}/cpu-s, kite ${ours.deliveredPerCpuSecond}/cpu-s\n`);
  }
  const engine = values.pg ? 'PostgreSQL' : 'PGlite';
  const table = [
    '| server | group | sent | delivered / expected | server CPU s | delivered per CPU-s | ratio | p50 ms | p99 ms | RSS/idle conn KB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.server} | ${r.groupSize} | ${r.sent} | ${r.delivered} / ${r.expected} | ${r.cpuSeconds} | ${r.deliveredPerCpuSecond} | ${r.ratio ?? '1.00'} | ${r.p50} | ${r.p99} | ${r.rssPerConnectionKb} |`,
    ),
  ].join('\n');
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  writeFileSync(
    join(dir, `im-fanout-${stamp}.json`),
    JSON.stringify({ engine, users: userCount, seconds, targetDeliveries, rows }, null, 2),
  );
  process.stdout.write(
    `\nMessenger fan-out — ${engine}, ${userCount} clients, ${seconds}s per run, ~${targetDeliveries} deliveries/s, ${PAYLOAD_BYTES}-byte messages\n\n${table}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
