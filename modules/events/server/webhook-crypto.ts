import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Encryption and signatures of Feishu event and card-callback requests, byte-for-byte what
 * `@larksuiteoapi/node-sdk` checks (reference/feishu-openapi.md §6a, §7):
 * - body encryption: AES-256-CBC, key = sha256(encryptKey), base64(IV(16) ‖ ciphertext) (lib:274);
 * - event signature: hex(sha256(timestamp + nonce + encryptKey + body)) (lib:100893);
 * - legacy v1 card-callback signature: hex(sha1(timestamp + nonce + verificationToken + body)) (lib:100872).
 *
 * The SDK verifies against `JSON.stringify(JSON.parse(body))`, so what is signed must be compact
 * `JSON.stringify` output — which is exactly what the builders here produce and sign.
 */

export const LARK_TIMESTAMP_HEADER = 'x-lark-request-timestamp';
export const LARK_NONCE_HEADER = 'x-lark-request-nonce';
export const LARK_SIGNATURE_HEADER = 'x-lark-signature';

/** sha256 of the configured key; AES-256 needs exactly 32 bytes, whatever the admin typed. */
function aesKey(encryptKey: string): Buffer {
  return createHash('sha256').update(encryptKey).digest();
}

/** Encrypts `plaintext` for an app with `encryptKey`; the result goes in `{"encrypt": …}`. */
export function encryptPayload(plaintext: string, encryptKey: string): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', aesKey(encryptKey), iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

/**
 * Reverses {@link encryptPayload}.
 * @throws Error when the key is wrong or the data is not a valid ciphertext.
 */
export function decryptPayload(encrypted: string, encryptKey: string): string {
  const bytes = Buffer.from(encrypted, 'base64');
  if (bytes.length < 32) throw new Error('encrypted payload too short');
  const decipher = createDecipheriv('aes-256-cbc', aesKey(encryptKey), bytes.subarray(0, 16));
  return Buffer.concat([decipher.update(bytes.subarray(16)), decipher.final()]).toString('utf8');
}

export interface SignatureInput {
  /** `x-lark-request-timestamp`: seconds since the epoch, as sent. */
  timestamp: string;
  /** `x-lark-request-nonce`. */
  nonce: string;
  /** The exact request body. */
  body: string;
}

/** `x-lark-signature` of an event request (only meaningful when the app has an encrypt key). */
export function signEventRequest(input: SignatureInput & { encryptKey: string }): string {
  return createHash('sha256')
    .update(input.timestamp + input.nonce + input.encryptKey + input.body)
    .digest('hex');
}

/** `x-lark-signature` of a legacy (v1, unencrypted) card callback, keyed by the verification token. */
export function signCardCallbackV1(input: SignatureInput & { verificationToken: string }): string {
  return createHash('sha1')
    .update(input.timestamp + input.nonce + input.verificationToken + input.body)
    .digest('hex');
}

/** A request ready to POST: the body and the headers to send with it. */
export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

export interface BuildRequestOptions {
  /** Seconds since the epoch; defaults to now. */
  timestampSeconds?: number;
  /** Defaults to 16 random hex chars. */
  nonce?: string;
}

/**
 * Builds an event (or v2 card-callback) request from compact JSON: encrypted and signed when the app
 * has an encrypt key, plain otherwise (the SDK checks signatures only when it has a key).
 */
export function buildEventRequest(json: string, encryptKey: string | null, options: BuildRequestOptions = {}): SignedRequest {
  const { timestamp, nonce } = requestStamp(options);
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    [LARK_TIMESTAMP_HEADER]: timestamp,
    [LARK_NONCE_HEADER]: nonce,
  };
  if (!encryptKey) return { body: json, headers };
  const body = JSON.stringify({ encrypt: encryptPayload(json, encryptKey) });
  headers[LARK_SIGNATURE_HEADER] = signEventRequest({ timestamp, nonce, body, encryptKey });
  return { body, headers };
}

/**
 * Builds a legacy v1 card callback request: plain JSON signed with sha1 over the verification token
 * (Feishu never encrypted v1 card callbacks; the SDK only checks sha1 when the body is unencrypted).
 */
export function buildCardCallbackV1Request(
  json: string,
  verificationToken: string | null,
  options: BuildRequestOptions = {},
): SignedRequest {
  const { timestamp, nonce } = requestStamp(options);
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    [LARK_TIMESTAMP_HEADER]: timestamp,
    [LARK_NONCE_HEADER]: nonce,
  };
  if (verificationToken) {
    headers[LARK_SIGNATURE_HEADER] = signCardCallbackV1({ timestamp, nonce, body: json, verificationToken });
  }
  return { body: json, headers };
}

function requestStamp(options: BuildRequestOptions): { timestamp: string; nonce: string } {
  return {
    timestamp: String(options.timestampSeconds ?? Math.floor(Date.now() / 1000)),
    nonce: options.nonce ?? randomBytes(8).toString('hex'),
  };
}

/** Request headers as Node gives them (lower-case keys; a value may be repeated). */
export type IncomingHeaders = Record<string, string | string[] | undefined>;

export interface IncomingCallback {
  headers: IncomingHeaders;
  /** The raw request body. */
  body: string;
}

/**
 * Checks an incoming event request the way the SDK's `EventDispatcher` does: without an encrypt key
 * every request passes; with one, the sha256 signature must match. Like the SDK it signs the
 * re-serialised body, so senders that pretty-print still verify.
 */
export function verifyEventRequest(request: IncomingCallback, encryptKey: string | null): boolean {
  if (!encryptKey) return true;
  const canonical = canonicalBody(request.body);
  if (canonical === null) return false;
  const { timestamp, nonce, signature } = stampOf(request.headers);
  return safeEqualHex(signEventRequest({ timestamp, nonce, body: canonical, encryptKey }), signature);
}

/**
 * Checks an incoming card callback the way the SDK's `CardActionHandler` does (lib:100870): an
 * encrypted or v2 (`schema`) body is checked as an event; a legacy v1 body is checked with sha1 over
 * the verification token, and passes when the app has none.
 */
export function verifyCardCallbackRequest(
  request: IncomingCallback,
  keys: { encryptKey: string | null; verificationToken: string | null },
): boolean {
  const parsed = parseObject(request.body);
  if (parsed === null) return false;
  if ('encrypt' in parsed || 'schema' in parsed) return verifyEventRequest(request, keys.encryptKey);
  if (!keys.verificationToken) return true;
  const { timestamp, nonce, signature } = stampOf(request.headers);
  const expected = signCardCallbackV1({
    timestamp,
    nonce,
    body: JSON.stringify(parsed),
    verificationToken: keys.verificationToken,
  });
  return safeEqualHex(expected, signature);
}

/**
 * The plaintext object of a callback body: decrypts `{"encrypt": …}` (merging any sibling keys, as
 * the SDK does) or returns the body as is.
 * @throws Error when the body is not a JSON object or cannot be decrypted with `encryptKey`.
 */
export function openCallbackBody(body: string, encryptKey: string | null): Record<string, unknown> {
  const parsed = parseObject(body);
  if (parsed === null) throw new Error('callback body is not a JSON object');
  const { encrypt, ...rest } = parsed;
  if (typeof encrypt !== 'string') return parsed;
  if (!encryptKey) throw new Error('callback body is encrypted but no encrypt key is configured');
  const inner = parseObject(decryptPayload(encrypt, encryptKey));
  if (inner === null) throw new Error('decrypted callback body is not a JSON object');
  return { ...inner, ...rest };
}

function stampOf(headers: IncomingHeaders): { timestamp: string; nonce: string; signature: string } {
  return {
    timestamp: firstHeader(headers, LARK_TIMESTAMP_HEADER),
    nonce: firstHeader(headers, LARK_NONCE_HEADER),
    signature: firstHeader(headers, LARK_SIGNATURE_HEADER),
  };
}

function firstHeader(headers: IncomingHeaders, name: string): string {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

function canonicalBody(body: string): string | null {
  const parsed = parseObject(body);
  return parsed === null ? null : JSON.stringify(parsed);
}

function parseObject(body: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(body);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Constant-time comparison, so a forger cannot learn the signature byte by byte from timings. */
function safeEqualHex(expected: string, actual: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(actual.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
