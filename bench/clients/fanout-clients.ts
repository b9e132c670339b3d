/**
 * WebSocket clients for `bench/im-fanout.ts`, in their own process (the bench runs two, so holding
 * and reading 10,000 sockets does not fall on one core). Driven over the IPC channel of `fork`:
 * each request `{ id, op, … }` gets one answer `{ id, result }`.
 *
 * - `connect {target, sockets: [{url, cookie?}]}` opens the sockets (64 at a time) → `{open, failed}`
 * - `count {phase}` → deliveries of that phase so far, over every target
 * - `collect {phase}` → `{delivered, latencies}` of that phase, then forgets it
 * - `closed` → sockets per target that closed after opening (none should)
 * - `exit` closes everything
 *
 * A message carries `#P<phase>@<sent at>#` in its text (time as `performance.timeOrigin + now()`,
 * comparable across processes on one machine); each frame that carries one counts as a delivery.
 * Frames are searched, not parsed: a client must cost less than the server it measures.
 */
import WebSocket from 'ws';

interface PhaseTally {
  delivered: number;
  latencies: number[];
}

type Request =
  | { id: number; op: 'connect'; target: string; sockets: Array<{ url: string; cookie?: string }> }
  | { id: number; op: 'count' | 'collect'; phase: number }
  | { id: number; op: 'closed' | 'exit' };

const CONNECTING_AT_ONCE = 64;
const phases = new Map<number, PhaseTally>();
const sockets: WebSocket[] = [];
const closedAfterOpen = new Map<string, number>();

const now = () => performance.timeOrigin + performance.now();

function record(text: string): void {
  const start = text.indexOf('#P');
  if (start < 0) return;
  const at = text.indexOf('@', start);
  const end = text.indexOf('#', at);
  const phase = Number(text.slice(start + 2, at));
  const latency = now() - Number(text.slice(at + 1, end));
  let tally = phases.get(phase);
  if (!tally) {
    tally = { delivered: 0, latencies: [] };
    phases.set(phase, tally);
  }
  tally.delivered++;
  tally.latencies.push(latency);
}

function open(target: string, spec: { url: string; cookie?: string }): Promise<boolean> {
  const socket = new WebSocket(spec.url, { perMessageDeflate: false, headers: spec.cookie ? { cookie: spec.cookie } : {} });
  sockets.push(socket);
  socket.on('message', (data) => record(String(data)));
  return new Promise((resolve) => {
    socket.once('open', () => {
      socket.once('close', () => closedAfterOpen.set(target, (closedAfterOpen.get(target) ?? 0) + 1));
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function connect(target: string, specs: Array<{ url: string; cookie?: string }>) {
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < specs.length) {
      if (!(await open(target, specs[next++]!))) failed++;
    }
  };
  await Promise.all(Array.from({ length: CONNECTING_AT_ONCE }, worker));
  return { open: specs.length - failed, failed };
}

async function answer(request: Request): Promise<unknown> {
  switch (request.op) {
    case 'connect':
      return connect(request.target, request.sockets);
    case 'count':
      return phases.get(request.phase)?.delivered ?? 0;
    case 'collect': {
      const tally = phases.get(request.phase) ?? { delivered: 0, latencies: [] };
      phases.delete(request.phase);
      return tally;
    }
    case 'closed':
      return Object.fromEntries(closedAfterOpen);
    case 'exit':
      for (const socket of sockets) socket.terminate();
      setImmediate(() => process.exit(0));
      return null;
  }
}

process.on('message', (request: Request) => {
  void answer(request).then((result) => process.send?.({ id: request.id, result }));
});
process.on('disconnect', () => process.exit(0));
