/**
 * `npm run bench -- im-fanout [--users 5000] [--groups 10,100,1000] [--rates 40,20,5] [--seconds 10]
 *   [--phases 3] [--warmup 3] [--pg] [--profile]`
 *
 * Messenger fan-out, Kite against a bare `ws` broadcast server (bench/servers/ws-broadcast.mjs), both
 * running at once, each with N sockets held by two client processes (bench/clients/fanout-clients.ts).
 * Everyone is in one group of each size (consecutive users), on both servers. Per group size, after a
 * warm-up, the servers take turns (ws, Kite; Kite, ws; …) for `phases` phases each: one member of
 * a group after another sends 300-byte texts at a fixed rate (open loop, below saturation). Kite's
 * path is the product's: HTTP send → commit → outbox → gateway → sockets.
 *
 * Reports per group size: delivered messages per server CPU-second (/proc/<pid>/stat, sampled around
 * each phase) for both and their ratio; with `--pg` also Kite with its PostgreSQL backends' CPU
 * (pg_stat_activity pids → /proc); send→deliver p50/p99; SQL statements per send; what Kite spends
 * per send beyond delivering it, against what the 70 % target leaves it. RSS per idle connection is
 * measured after forced GC (servers run with --expose-gc): RSS with the second half of the sockets
 * open minus RSS with the first half, so one-off growth (JIT, caches, WASM heap) is not counted.
 * `--profile` writes a CPU profile of Kite per group size to bench/results/ and prints its top
 * functions (bench/tools/cpuprofile-summary.ts); profiling slows Kite, so its ratios are not figures.
 *
 * A third server takes its turns too, unless `--without-floor`: the durable floor
 * (bench/servers/sql-ws-chat.ts with prepared sends), bare `ws` plus ONE prepared SQL statement per
 * send that stores the message on the same engine before broadcasting it. It shows how much of the
 * bare-ws rate any server that writes each message before delivering it can keep, Kite or not.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  BackendCpu,
  cpuSeconds,
  createBenchDatabase,
  freePort,
  percentile,
  root,
  saveResults,
  startProcess,
  startSeededKite,
  stopProcess,
} from './harness.ts';
import { summarise } from './tools/cpuprofile-summary.ts';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '5000' },
    groups: { type: 'string', default: '10,100,1000' },
    rates: { type: 'string', default: '40,20,5' },
    seconds: { type: 'string', default: '10' },
    phases: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '3' },
    pg: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'without-floor': { type: 'boolean', default: false },
  },
});
const userCount = Number(values.users);
const groupSizes = values.groups.split(',').map(Number);
const rates = values.rates.split(',').map(Number);
const seconds = Number(values.seconds);
const phaseCount = Number(values.phases);
const warmupSeconds = Number(values.warmup);
const PAYLOAD_BYTES = 300;
const CLIENT_PROCESSES = 2;
/** Kite's extra cost per send may be at most this share of what delivering it costs (70 % target). */
const TARGET_RATIO = 0.7;
const engine = values.pg ? 'PostgreSQL' : 'PGlite';
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One client process and its request/answer channel. */
class ClientProcess {
  private nextId = 0;
  private readonly waiting = new Map<number, (result: unknown) => void>();
  readonly child: ChildProcess;

  constructor() {
    this.child = fork(join(root, 'bench/clients/fanout-clients.ts'), [], { cwd: root, execArgv: ['--import', 'tsx'] });
    this.child.on('message', (message: { id: number; result: unknown }) => {
      this.waiting.get(message.id)?.(message.result);
      this.waiting.delete(message.id);
    });
  }

  call<T>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve) => {
      this.waiting.set(id, resolve as (result: unknown) => void);
      this.child.send({ id, op, ...args });
    });
  }
}

/** A server under test, as the phases drive it. */
interface Target {
  name: string;
  pid: number;
  /** Groups of each size, in send order. */
  groupCount(size: number): number;
  send(size: number, group: number, text: string): Promise<void>;
  /** URL (and cookie) of user `index`'s socket. */
  socket(index: number): { url: string; cookie?: string };
  /** Collects garbage twice and answers the RSS. */
  collectGarbage(): Promise<number>;
  statements?(): Promise<Statements>;
  backends?: BackendCpu;
}

/** SQL statements the server sent so far, in all and by text. */
interface Statements {
  statements: number;
  byText: Record<string, number>;
}

interface Phase {
  sent: number;
  errors: number;
  delivered: number;
  expected: number;
  cpu: number;
  backendCpu: number;
  statements: number;
  statementsByText: Record<string, number>;
  latencies: number[];
  seconds: number;
}

let phaseNumber = 0;
let firstError: string | undefined;
/** Where each target's round robin over the groups of a size stands: it goes on across phases. */
const nextGroup = new Map<string, number>();
const started = performance.now();

/** A progress line on stderr, with the time since the bench started. */
function progress(line: string): void {
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
}

/** A text of PAYLOAD_BYTES carrying the phase and the time it was sent. */
function textFor(phase: number): string {
  const marker = `#P${phase}@${now().toFixed(3)}# `;
  return marker + 'x'.repeat(PAYLOAD_BYTES - marker.length);
}

/** One phase: `rate` sends/s for `duration` s over the groups of `size`, then waits for the deliveries. */
async function runPhase(target: Target, clients: ClientProcess[], size: number, rate: number, duration: number): Promise<Phase> {
  const phase = ++phaseNumber;
  const groups = target.groupCount(size);
  const total = Math.round(rate * duration);
  const first = nextGroup.get(`${target.name}/${size}`) ?? 0;
  nextGroup.set(`${target.name}/${size}`, first + total);
  const statementsBefore = await target.statements?.();
  await target.backends?.start();
  const cpuBefore = cpuSeconds(target.pid);
  const phaseStarted = performance.now();
  let errors = 0;
  const sends: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = phaseStarted + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    sends.push(
      target.send(size, (first + i) % groups, textFor(phase)).catch((error: unknown) => {
        errors++;
        firstError ??= String(error);
      }),
    );
  }
  await Promise.all(sends);
  const expected = (total - errors) * size;
  const count = async () => (await Promise.all(clients.map((c) => c.call<number>('count', { phase })))).reduce((a, b) => a + b, 0);
  for (const deadline = performance.now() + 15_000; (await count()) < expected && performance.now() < deadline; ) await sleep(50);
  const cpu = cpuSeconds(target.pid) - cpuBefore;
  const backendCpu = (await target.backends?.stop()) ?? 0;
  const elapsed = (performance.now() - phaseStarted) / 1000;
  const statementsAfter = await target.statements?.();
  const statementsByText = Object.fromEntries(
    Object.entries(statementsAfter?.byText ?? {})
      .map(([text, count]) => [text, count - (statementsBefore?.byText[text] ?? 0)] as const)
      .filter(([, count]) => count > 0),
  );
  const tallies = await Promise.all(clients.map((c) => c.call<{ delivered: number; latencies: number[] }>('collect', { phase })));
  return {
    sent: total,
    errors,
    delivered: tallies.reduce((sum, t) => sum + t.delivered, 0),
    expected,
    cpu,
    backendCpu,
    statements: (statementsAfter?.statements ?? 0) - (statementsBefore?.statements ?? 0),
    statementsByText,
    latencies: tallies.flatMap((t) => t.latencies),
    seconds: elapsed,
  };
}

/** Opens every user's socket to `target` (each client process holds a contiguous half). */
async function connectHalf(target: Target, client: ClientProcess, half: number): Promise<void> {
  const per = Math.ceil(userCount / CLIENT_PROCESSES);
  const sockets = Array.from({ length: Math.min(per, userCount - half * per) }, (_, k) => target.socket(half * per + k));
  const { failed } = await client.call<{ open: number; failed: number }>('connect', { target: target.name, sockets });
  if (failed > 0) throw new Error(`${failed} sockets to ${target.name} failed to open`);
}

/**
 * RSS once garbage is collected and the heap has had a second to give pages back (a first collection
 * after seeding frees tens of MB that leave RSS only gradually).
 */
async function settledRss(target: Target): Promise<number> {
  await target.collectGarbage();
  await sleep(1000);
  return target.collectGarbage();
}

/** Connects both halves; RSS per idle connection is the second half's growth after forced GC. */
async function connectAndWeigh(target: Target, clients: ClientProcess[]): Promise<number> {
  await settledRss(target);
  await connectHalf(target, clients[0]!, 0);
  const withFirst = await settledRss(target);
  for (let half = 1; half < clients.length; half++) await connectHalf(target, clients[half]!, half);
  const withAll = await settledRss(target);
  const secondHalf = userCount - Math.ceil(userCount / CLIENT_PROCESSES);
  return (withAll - withFirst) / secondHalf / 1024;
}

async function startBaseline(): Promise<{ target: Target; child: ChildProcess }> {
  const port = await freePort();
  const child = await startProcess(
    ['--expose-gc', 'bench/servers/ws-broadcast.mjs'],
    { PORT: String(port) },
    `http://127.0.0.1:${port}/healthz`,
  );
  const base = `http://127.0.0.1:${port}`;
  const target: Target = {
    name: 'bare ws',
    pid: child.pid!,
    groupCount: (size) => Math.floor(userCount / size),
    async send(size, group, text) {
      const response = await fetch(`${base}/send?group=${size}-${group}`, { method: 'POST', body: JSON.stringify({ text }) });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`ws send failed: ${response.status}`);
    },
    socket: (index) => ({
      url: `ws://127.0.0.1:${port}/?${groupSizes.map((size) => `group=${size}-${Math.floor(index / size)}`).join('&')}`,
    }),
    async collectGarbage() {
      return ((await (await fetch(`${base}/gc`, { method: 'POST' })).json()) as { rss: number }).rss;
    },
  };
  return { target, child };
}

const FLOOR = 'ws + 1 SQL insert';

/** The durable floor: bare ws plus one prepared statement storing each message (bench/servers/sql-ws-chat.ts). */
async function startFloor(databaseUrl: string | undefined, backends: BackendCpu | undefined) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'kite-fanout-floor-'));
  const seedFile = join(dataDir, 'seed.json');
  const child = await startProcess(
    ['--expose-gc', '--import', 'tsx', 'bench/servers/sql-ws-chat.ts'],
    {
      PORT: String(port),
      BENCH_GROUPS: groupSizes.join(','),
      BENCH_USERS: String(userCount),
      BENCH_PREPARED: '1',
      BENCH_DATA_DIR: join(dataDir, 'pg'),
      BENCH_SEED_FILE: seedFile,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    `http://127.0.0.1:${port}/healthz`,
    300_000,
    () => existsSync(seedFile),
  );
  const { groups } = JSON.parse(readFileSync(seedFile, 'utf8')) as { groups: Record<string, string> };
  const base = `http://127.0.0.1:${port}`;
  const target: Target = {
    name: FLOOR,
    pid: child.pid!,
    groupCount: (size) => Math.floor(userCount / size),
    async send(size, group, text) {
      const response = await fetch(`${base}/send?chat=${groups[`${size}-${group}`]}`, {
        method: 'POST',
        body: JSON.stringify({ sender: `user-${group}`, text }),
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`floor send failed: ${response.status}`);
    },
    socket: (index) => ({
      url: `ws://127.0.0.1:${port}/?${groupSizes.map((size) => `chat=${groups[`${size}-${Math.floor(index / size)}`]}`).join('&')}`,
    }),
    async collectGarbage() {
      return ((await (await fetch(`${base}/gc`, { method: 'POST' })).json()) as { rss: number }).rss;
    },
    backends,
  };
  return { target, child, dataDir };
}

interface Seed {
  sessions: Array<{ cookie: string; csrf: string }>;
  chats: Array<{ chatId: string; members: number[] }>;
}

async function startKite(databaseUrl: string | undefined, backends: BackendCpu | undefined) {
  const controlPort = await freePort();
  const started = await startSeededKite(
    'kite-fanout-',
    { BENCH_USERS: String(userCount), BENCH_GROUP_SIZE: groupSizes.join(','), BENCH_STATS_PORT: String(controlPort) },
    { databaseUrl, timeoutMs: 900_000, nodeArgs: ['--expose-gc'] },
  );
  const seed = JSON.parse(readFileSync(started.seedFile, 'utf8')) as Seed;
  const chatsOfSize = new Map(groupSizes.map((size) => [size, seed.chats.filter((chat) => chat.members.length === size)]));
  const control = (path: string, method = 'POST') => fetch(`http://127.0.0.1:${controlPort}${path}`, { method }).then((r) => r.json());
  const target: Target = {
    name: 'Kite',
    pid: started.child.pid!,
    groupCount: (size) => chatsOfSize.get(size)!.length,
    async send(size, group, text) {
      const chat = chatsOfSize.get(size)![group]!;
      const sender = seed.sessions[chat.members[0]!]!;
      const response = await fetch(`http://127.0.0.1:${started.port}/api/im/chats/${chat.chatId}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: sender.cookie, 'x-csrf-token': sender.csrf },
        body: JSON.stringify({ msgType: 'text', content: JSON.stringify({ text }) }),
      });
      const body = await response.text();
      if (!response.ok) throw new Error(`Kite send failed: ${response.status} ${body}`);
    },
    socket: (index) => ({ url: `ws://127.0.0.1:${started.port}/ws/client`, cookie: seed.sessions[index]!.cookie }),
    collectGarbage: async () => ((await control('/gc')) as { rss: number }).rss,
    statements: async () => (await control('/stats', 'GET')) as Statements,
    backends,
  };
  return { target, started, control };
}

interface Row {
  server: string;
  groupSize: number;
  sendsPerSecond: number;
  sent: number;
  errors: number;
  delivered: number;
  expected: number;
  cpuSeconds: number;
  deliveredPerCpuSecond: number;
  /** Per phase, in the order run. */
  phaseRates: number[];
  p50: number;
  p99: number;
  statementsPerSend?: number;
  /** Statements per send by text, most frequent first. */
  statementMix?: Array<[string, number]>;
}

function summariseRow(server: string, size: number, rate: number, phases: Phase[], withBackends = false): Row {
  const cpuOf = (p: Phase) => p.cpu + (withBackends ? p.backendCpu : 0);
  const latencies = phases.flatMap((p) => p.latencies).sort((a, b) => a - b);
  const delivered = phases.reduce((sum, p) => sum + p.delivered, 0);
  const cpu = phases.reduce((sum, p) => sum + cpuOf(p), 0);
  const sent = phases.reduce((sum, p) => sum + p.sent, 0);
  return {
    server,
    groupSize: size,
    sendsPerSecond: rate,
    sent,
    errors: phases.reduce((sum, p) => sum + p.errors, 0),
    delivered,
    expected: phases.reduce((sum, p) => sum + p.expected, 0),
    cpuSeconds: Number(cpu.toFixed(2)),
    deliveredPerCpuSecond: Math.round(delivered / cpu),
    phaseRates: phases.map((p) => Math.round(p.delivered / cpuOf(p))),
    p50: Number(percentile(latencies, 50).toFixed(1)),
    p99: Number(percentile(latencies, 99).toFixed(1)),
    statementsPerSend: phases[0]!.statements > 0 ? Number((phases.reduce((s, p) => s + p.statements, 0) / sent).toFixed(1)) : undefined,
    statementMix: phases[0]!.statements > 0 ? statementMix(phases, sent) : undefined,
  };
}

function statementMix(phases: Phase[], sent: number): Array<[string, number]> {
  const totals = new Map<string, number>();
  for (const phase of phases) {
    for (const [text, count] of Object.entries(phase.statementsByText)) totals.set(text, (totals.get(text) ?? 0) + count);
  }
  return [...totals].map(([text, count]): [string, number] => [text, Number((count / sent).toFixed(2))]).sort((a, b) => b[1] - a[1]);
}

/**
 * Kite's CPU per send beyond delivering it, taking a delivery to cost what it costs bare ws, and the
 * most it may be for the 70 % target: G·d·(1/0.7 − 1) for G deliveries of d each.
 */
function costPerSend(base: Row, kite: Row) {
  const perDelivery = base.cpuSeconds / base.delivered;
  const extra = (kite.cpuSeconds - perDelivery * kite.delivered) / kite.sent;
  const budget = kite.groupSize * perDelivery * (1 / TARGET_RATIO - 1);
  return { deliveryUs: perDelivery * 1e6, extraMs: extra * 1e3, budgetMs: budget * 1e3 };
}

async function main() {
  const database = values.pg ? await createBenchDatabase('kite_fanout') : undefined;
  const backends = database ? new BackendCpu(database.url) : undefined;
  const floorDatabase = values.pg && !values['without-floor'] ? await createBenchDatabase('kite_fanout_floor') : undefined;
  const floorBackends = floorDatabase ? new BackendCpu(floorDatabase.url) : undefined;
  const baseline = await startBaseline();
  const kite = await startKite(database?.url, backends);
  progress(`Kite seeded: ${userCount} people with sessions, ${groupSizes.join(' / ')}-member chats`);
  const floor = values['without-floor'] ? undefined : await startFloor(floorDatabase?.url, floorBackends);
  const targets = [baseline.target, kite.target, ...(floor ? [floor.target] : [])];
  const clients = Array.from({ length: CLIENT_PROCESSES }, () => new ClientProcess());
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const rows: Row[] = [];
  const costs: Cost[] = [];
  const rss: Record<string, number> = {};
  const profiles: string[] = [];
  try {
    for (const target of targets) rss[target.name] = await connectAndWeigh(target, clients);
    progress(`connected ${userCount} sockets to each; RSS per idle connection: ${JSON.stringify(rss)}`);
    for (const [index, size] of groupSizes.entries()) {
      const rate = rates[index] ?? rates[rates.length - 1]!;
      // Warm-up: at least until every group's sender has sent once (a first send fills caches).
      const warmup = Math.max(warmupSeconds, Math.ceil(kite.target.groupCount(size) / rate));
      for (const target of targets) await runPhase(target, clients, size, rate, warmup);
      progress(`groups of ${size}: warmed up (${warmup} s each)`);
      if (values.profile) await kite.control('/profile/start');
      const phases = new Map<Target, Phase[]>(targets.map((target) => [target, []]));
      for (let round = 0; round < phaseCount; round++) {
        // Each round starts with the next server, so none always follows the same one.
        const order = targets.map((_, index) => targets[(index + round) % targets.length]!);
        for (const target of order) phases.get(target)!.push(await runPhase(target, clients, size, rate, seconds));
        progress(`groups of ${size}: round ${round + 1} of ${phaseCount}`);
      }
      if (values.profile) {
        const dir = join(root, 'bench', 'results');
        mkdirSync(dir, { recursive: true });
        const file = join(dir, `im-fanout-${engine}-g${size}-${stamp}.cpuprofile`);
        await kite.control(`/profile/stop?file=${encodeURIComponent(file)}`);
        profiles.push(file);
        process.stdout.write(`\nKite CPU profile, groups of ${size}: ${file}\n${summarise(file, 25)}\n`);
      }
      const base = summariseRow(baseline.target.name, size, rate, phases.get(baseline.target)!);
      const ours = summariseRow(kite.target.name, size, rate, phases.get(kite.target)!);
      rows.push(base, ours);
      if (backends) rows.push(summariseRow('Kite + PostgreSQL backends', size, rate, phases.get(kite.target)!, true));
      const floorRow = floor ? summariseRow(FLOOR, size, rate, phases.get(floor.target)!) : undefined;
      if (floor && floorRow) {
        rows.push(floorRow);
        if (floorBackends) rows.push(summariseRow(`${FLOOR} + PostgreSQL backends`, size, rate, phases.get(floor.target)!, true));
      }
      costs.push({ groupSize: size, ...costPerSend(base, ours), floorExtraMs: floorRow ? costPerSend(base, floorRow).extraMs : undefined });
      const ratio = (row: Row) => (row.deliveredPerCpuSecond / base.deliveredPerCpuSecond).toFixed(2);
      progress(
        `group ${size}: bare ws ${base.deliveredPerCpuSecond}/CPU-s, Kite ${ours.deliveredPerCpuSecond}/CPU-s (${ratio(ours)})${floorRow ? `, ${FLOOR} ${floorRow.deliveredPerCpuSecond}/CPU-s (${ratio(floorRow)})` : ''}`,
      );
    }
    const closed = await Promise.all(clients.map((c) => c.call<Record<string, number>>('closed')));
    report(rows, costs, rss, closed, profiles);
  } finally {
    await Promise.all(clients.map((c) => c.call('exit').catch(() => null)));
    baseline.child.kill('SIGKILL');
    floor?.child.kill('SIGKILL');
    if (floor) rmSync(floor.dataDir, { recursive: true, force: true });
    await floorBackends?.close();
    await floorDatabase?.drop();
    await stopProcess(kite.started.child);
    rmSync(kite.started.dataDir, { recursive: true, force: true });
    await backends?.close();
    await database?.drop();
  }
}

/** Per group size: the CPU per send beyond delivery of Kite (and of the durable floor), and the budget. */
type Cost = ReturnType<typeof costPerSend> & { groupSize: number; floorExtraMs?: number };

function report(rows: Row[], costs: Cost[], rss: Record<string, number>, closed: Array<Record<string, number>>, profiles: string[]) {
  const baseOf = (row: Row) => rows.find((r) => r.groupSize === row.groupSize && r.server === 'bare ws')!;
  const table = [
    '| group | sends/s | server | delivered / expected | CPU s | delivered per CPU-s | ratio (per phase) | p50 / p99 ms | SQL per send | RSS/idle conn KB |',
    '|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => {
      const base = baseOf(r);
      const ratio = r === base ? '1.00' : (r.deliveredPerCpuSecond / base.deliveredPerCpuSecond).toFixed(2);
      const perPhase = r === base ? '' : ` (${r.phaseRates.map((rate, i) => (rate / base.phaseRates[i]!).toFixed(2)).join(', ')})`;
      const memory = rss[r.server] === undefined ? '' : rss[r.server]!.toFixed(1);
      return `| ${r.groupSize} | ${r.sendsPerSecond} | ${r.server} | ${r.delivered} / ${r.expected}${r.errors ? ` (${r.errors} send errors)` : ''} | ${r.cpuSeconds} | ${r.deliveredPerCpuSecond} | ${ratio}${perPhase} | ${r.p50} / ${r.p99} | ${r.statementsPerSend ?? ''} | ${memory} |`;
    }),
  ].join('\n');
  const costTable = [
    `| group | bare ws CPU per delivery µs | Kite CPU per send beyond delivery ms | ${FLOOR}: the same, ms | at most, for 70 % ms |`,
    '|---:|---:|---:|---:|---:|',
    ...costs.map(
      (c) =>
        `| ${c.groupSize} | ${c.deliveryUs.toFixed(1)} | ${c.extraMs.toFixed(2)} | ${c.floorExtraMs?.toFixed(2) ?? ''} | ${c.budgetMs.toFixed(2)} |`,
    ),
  ].join('\n');
  const mixes = rows
    .filter((r) => r.server === 'Kite' && r.statementMix)
    .map(
      (r) =>
        `SQL per send, groups of ${r.groupSize}:\n${r.statementMix!.map(([text, count]) => `  ${count.toFixed(2)}  ${text}`).join('\n')}`,
    );
  const heading = `Messenger fan-out — ${engine}, ${userCount} sockets per server (all running at once), ${PAYLOAD_BYTES}-byte texts, ${phaseCount} × ${seconds}s per server and group size after ${warmupSeconds}s warm-up${values.profile ? ' — PROFILED (Kite slowed; ratios are not figures)' : ''}`;
  const notes = [
    closed.some((c) => Object.keys(c).length > 0) ? `Sockets closed during the run: ${JSON.stringify(closed)}` : '',
    firstError ? `First send error: ${firstError}` : '',
  ].filter(Boolean);
  const markdown = `${heading}\n\n${table}\n\n${costTable}\n${notes.map((n) => `\n${n}`).join('')}\n\n\`\`\`\n${mixes.join('\n\n')}\n\`\`\``;
  saveResults('im-fanout', { engine, users: userCount, seconds, phaseCount, warmupSeconds, rows, costs, rss, closed, profiles }, markdown);
  process.stdout.write(`\n${markdown}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
