import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** How far a signed request's timestamp may be from the server's clock (Feishu: one hour). */
export const SIGNATURE_WINDOW_SECONDS = 60 * 60;

/** sha256 (hex) of a webhook URL token: what the database keeps instead of the token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Feishu's custom-bot signature: base64 of HmacSHA256 with the key `${timestamp}\n${secret}` over an
 * empty message. (The key carries the data; that is how Feishu defined it, and senders compute it so.)
 */
export function webhookSignature(timestamp: string, secret: string): string {
  return createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64');
}

/**
 * Whether `sign` is the signature of `timestamp` (seconds) with `secret`, and the timestamp is
 * within the window around `nowMs`. Compared in constant time.
 */
export function verifyWebhookSignature(input: { timestamp: string; sign: string; secret: string; nowMs: number }): boolean {
  if (!/^\d{1,12}$/.test(input.timestamp)) return false;
  if (Math.abs(nowSeconds(input.nowMs) - Number(input.timestamp)) > SIGNATURE_WINDOW_SECONDS) return false;
  const expected = Buffer.from(webhookSignature(input.timestamp, input.secret));
  const given = Buffer.from(input.sign);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function nowSeconds(nowMs: number): number {
  return Math.floor(nowMs / 1000);
}
