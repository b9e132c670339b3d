import { describe, expect, it } from 'vitest';
import { ipAllowed, normaliseAllowlist } from './webhook-ip.ts';

describe('custom bot IP allowlists', () => {
  it('allows everyone without a list, and only listed addresses and ranges with one', () => {
    expect(ipAllowed([], '203.0.113.9')).toBe(true);
    const list = ['203.0.113.9', '10.1.0.0/16', '2001:db8::/32'];
    expect(ipAllowed(list, '203.0.113.9')).toBe(true);
    expect(ipAllowed(list, '::ffff:203.0.113.9')).toBe(true);
    expect(ipAllowed(list, '10.1.200.3')).toBe(true);
    expect(ipAllowed(list, '10.2.0.1')).toBe(false);
    expect(ipAllowed(list, '2001:db8:1::5')).toBe(true);
    expect(ipAllowed(list, '2001:db9::5')).toBe(false);
    expect(ipAllowed(list, 'not-an-ip')).toBe(false);
  });

  it('refuses what is not an address or range, and drops repeats', () => {
    expect(normaliseAllowlist([' 10.0.0.1 ', '10.0.0.1', '::1/128'])).toEqual(['10.0.0.1', '::1/128']);
    for (const bad of ['10.0.0', '10.0.0.1/33', '::1/129', 'example.com', '10.0.0.1/8/8', '10.0.0.1/x']) {
      expect(() => normaliseAllowlist([bad]), bad).toThrow(/Not an IP address/);
    }
  });
});
