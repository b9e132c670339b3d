/**
 * `node --import tsx bench/tools/cpuprofile-summary.ts <file.cpuprofile> [top=30]`
 *
 * Where a V8 CPU profile (Chrome DevTools format, as `--cpu-prof` or the inspector write it) spent
 * its time: the top functions by self time, and self time by area (a package under node_modules,
 * node's internals, our own code by top-level folder, GC). Idle time is left out of the shares.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Which part of the process a frame belongs to: a package, node itself, a folder of ours, or V8. */
function areaOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  if (url.startsWith('node:')) return 'node';
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packageMatch) return packageMatch[1]!;
  const ours = /\/(apps|packages|modules|bench)\/([^/]+)/.exec(url);
  return ours ? `${ours[1]}/${ours[2]}` : url;
}

function shortUrl(url: string): string {
  return url
    .replace(/^file:\/\//, '')
    .replace(/^.*node_modules\//, '~/')
    .replace(/^.*\/(apps|packages|modules|bench)\//, '$1/');
}

/** Self time per function and per area, as a printable summary of the `top` functions. */
export function summarise(file: string, top = 30): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<number, number>();
  // A sample's time is the delta to the next sample (DevTools' attribution).
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i + 1] ?? 0;
    selfMicros.set(profile.samples[i]!, (selfMicros.get(profile.samples[i]!) ?? 0) + delta);
  }
  const functions = new Map<string, { micros: number; area: string }>();
  const areas = new Map<string, number>();
  let busy = 0;
  for (const [id, micros] of selfMicros) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') continue;
    busy += micros;
    const area = areaOf(url, functionName);
    const key = `${functionName || '(anonymous)'} ${url ? `${shortUrl(url)}:${lineNumber + 1}` : ''}`.trim();
    const entry = functions.get(key) ?? { micros: 0, area };
    entry.micros += micros;
    functions.set(key, entry);
    areas.set(area, (areas.get(area) ?? 0) + micros);
  }
  const share = (micros: number) => `${((100 * micros) / busy).toFixed(1).padStart(5)} %`;
  const ms = (micros: number) => `${(micros / 1000).toFixed(0).padStart(7)} ms`;
  const lines = [`busy (not idle): ${(busy / 1e6).toFixed(2)} s`, '', `top ${top} functions by self time:`];
  for (const [key, { micros }] of [...functions].sort((a, b) => b[1].micros - a[1].micros).slice(0, top)) {
    lines.push(`${ms(micros)} ${share(micros)}  ${key}`);
  }
  lines.push('', 'self time by area:');
  for (const [area, micros] of [...areas].sort((a, b) => b[1] - a[1]).slice(0, 20)) lines.push(`${ms(micros)} ${share(micros)}  ${area}`);
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node --import tsx bench/tools/cpuprofile-summary.ts <file.cpuprofile> [top]\n');
    process.exit(64);
  }
  process.stdout.write(`${summarise(file, top ? Number(top) : 30)}\n`);
}
