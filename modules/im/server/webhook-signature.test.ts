import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashToken, verifyWebhookSignature, webhookSignature } from './webhook-signature.ts';

describe('custom bot signatures', () => {
  const now = Date.UTC(2026, 10, 23, 12, 0, 0);
  const timestamp = String(now / 1000);

  it('computes what Feishu’s documented sample computes: HmacSHA256 keyed by "timestamp\\nsecret" over nothing', () => {
    const expected = createHmac('sha256', `1599360473\nsecret-x`).digest('base64');
    expect(webhookSignature('1599360473', 'secret-x')).toBe(expected);
  });

  it('accepts a fresh signature and refuses a wrong secret, a stale or future timestamp, and junk', () => {
    const sign = webhookSignature(timestamp, 's3cret');
    expect(verifyWebhookSignature({ timestamp, sign, secret: 's3cret', nowMs: now })).toBe(true);
    expect(verifyWebhookSignature({ timestamp, sign, secret: 'other', nowMs: now })).toBe(false);
    expect(verifyWebhookSignature({ timestamp, sign, secret: 's3cret', nowMs: now + 3600_000 })).toBe(true);
    expect(verifyWebhookSignature({ timestamp, sign, secret: 's3cret', nowMs: now + 3601_000 })).toBe(false);
    expect(verifyWebhookSignature({ timestamp, sign, secret: 's3cret', nowMs: now - 3601_000 })).toBe(false);
    expect(verifyWebhookSignature({ timestamp: `${timestamp}.5`, sign, secret: 's3cret', nowMs: now })).toBe(false);
    expect(verifyWebhookSignature({ timestamp, sign: sign.slice(1), secret: 's3cret', nowMs: now })).toBe(false);
    expect(verifyWebhookSignature({ timestamp, sign: '', secret: 's3cret', nowMs: now })).toBe(false);
  });

  it('hashes tokens to 64 hex characters', () => {
    expect(hashToken('abc')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken('abc')).not.toBe(hashToken('abd'));
  });
});
