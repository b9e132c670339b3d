import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.ts';

describe('RateLimiter', () => {
  it('allows up to the limit per window, then refuses until the window resets', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 1000, () => now);
    expect(limiter.hit('a').allowed).toBe(true);
    expect(limiter.hit('a').allowed).toBe(true);
    const third = limiter.hit('a');
    expect(third.allowed).toBe(false);
    expect(third.resetSeconds).toBe(1);
    expect(limiter.hit('b').allowed).toBe(true);
    now = 1000;
    expect(limiter.hit('a')).toMatchObject({ allowed: true, remaining: 1 });
  });
});
