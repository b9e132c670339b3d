import { BlockList, isIP } from 'node:net';
import { errors } from '@kite/kernel/errors';

/** `a.b.c.d` or `::1`, optionally `/prefix`. */
function parseEntry(entry: string): { address: string; family: 'ipv4' | 'ipv6'; prefix: number | null } | null {
  const [address = '', prefix, ...rest] = entry.trim().split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return null;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (prefix === undefined) return { address, family, prefix: null };
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
  if (bits < 0 || bits > (version === 4 ? 32 : 128)) return null;
  return { address, family, prefix: bits };
}

/** Checks an allowlist as people typed it; answers it trimmed and without repeats. */
export function normaliseAllowlist(entries: readonly string[]): string[] {
  const bad = entries.find((entry) => parseEntry(entry) === null);
  if (bad !== undefined) throw errors.validation(`Not an IP address or CIDR range: ${bad}`);
  return [...new Set(entries.map((entry) => entry.trim()))];
}

/** Whether `ip` (a request's address) is in the allowlist; an empty list allows every address. */
export function ipAllowed(allowlist: readonly string[], ip: string): boolean {
  if (allowlist.length === 0) return true;
  const list = new BlockList();
  for (const entry of allowlist) {
    const parsed = parseEntry(entry);
    if (!parsed) continue;
    if (parsed.prefix === null) list.addAddress(parsed.address, parsed.family);
    else list.addSubnet(parsed.address, parsed.prefix, parsed.family);
  }
  // An IPv4 client of a dual-stack listener shows up as `::ffff:a.b.c.d`.
  const address = ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  const version = isIP(address);
  return version !== 0 && list.check(address, version === 4 ? 'ipv4' : 'ipv6');
}
