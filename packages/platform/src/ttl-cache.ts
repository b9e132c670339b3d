/**
 * A small in-process cache with a time-to-live and a size bound, for hot lookups that hit the
 * database on every request (sessions, tokens). Entries can be dropped by key or by a predicate;
 * `forgetMatching` also blocks re-caching of matching entries read before it, for `holdMs`, so a
 * read racing with a revocation cannot put a stale value back.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; readAt: number; expiresAt: number }>();
  private readonly blocks: Array<{ matches: (value: V) => boolean; until: number }> = [];

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const now = this.now();
    if (entry.expiresAt <= now || this.blocked(entry.value, entry.readAt, now)) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Stores a value read from the source at `readAt` (take the time before the read). */
  set(key: K, value: V, readAt: number): void {
    const now = this.now();
    if (this.blocked(value, readAt, now)) return;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, readAt, expiresAt: now + this.ttlMs });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Drops matching entries, and refuses matching values read up to `holdMs` from now. */
  forgetMatching(matches: (value: V) => boolean, holdMs = 2_000): void {
    for (const [key, entry] of this.entries) if (matches(entry.value)) this.entries.delete(key);
    const now = this.now();
    this.blocks.push({ matches, until: now + holdMs });
    while (this.blocks.length > 0 && this.blocks[0]!.until + this.ttlMs < now) this.blocks.shift();
  }

  clear(): void {
    this.entries.clear();
    this.forgetMatching(() => true);
  }

  private blocked(value: V, readAt: number, now: number): boolean {
    return this.blocks.some((block) => block.until + this.ttlMs >= now && readAt <= block.until && block.matches(value));
  }
}
