import { describe, expect, it } from 'vitest';
import { TtlCache } from './ttl-cache.ts';

describe('TtlCache', () => {
  it('expires entries after the ttl', () => {
    let now = 0;
    const cache = new TtlCache<string, number>(1000, 10, () => now);
    cache.set('a', 1, now);
    expect(cache.get('a')).toBe(1);
    now = 1000;
    expect(cache.get('a')).toBeUndefined();
  });

  it('evicts the oldest entry when full', () => {
    const cache = new TtlCache<string, number>(1000, 2, () => 0);
    cache.set('a', 1, 0);
    cache.set('b', 2, 0);
    cache.set('c', 3, 0);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, 2, 3]);
  });

  it('refuses values read before or just after a revocation', () => {
    let now = 100;
    const cache = new TtlCache<string, { user: string }>(10_000, 10, () => now);
    const readBefore = now - 1;
    cache.forgetMatching((value) => value.user === 'u1', 2_000);
    cache.set('s1', { user: 'u1' }, readBefore);
    expect(cache.get('s1')).toBeUndefined();
    now = 1_000;
    cache.set('s2', { user: 'u1' }, now);
    expect(cache.get('s2')).toBeUndefined();
    cache.set('s3', { user: 'u2' }, now);
    expect(cache.get('s3')).toEqual({ user: 'u2' });
    now = 3_000;
    cache.set('s4', { user: 'u1' }, now);
    expect(cache.get('s4')).toEqual({ user: 'u1' });
  });
});
