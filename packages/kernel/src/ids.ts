import { randomBytes, randomUUID } from 'node:crypto';

/** Random lowercase hex string of `bytes` bytes (2 chars per byte). */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** URL-safe random token with `bytes` bytes of entropy. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Random string of `length` letters and digits (each of 62, drawn without modulo bias). */
export function randomAlphanumeric(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length)) {
      // 248 = 4 × 62: bytes above it would favour the first characters.
      if (byte < 248 && out.length < length) out += ALPHANUMERIC[byte % 62];
    }
  }
  return out;
}

/** Internal primary key: a UUID v4. Never shown to open-platform callers. */
export function newId(): string {
  return randomUUID();
}

/**
 * Feishu-shaped public identifiers (reference/feishu-openapi.md §4). The prefix tells the kind; the
 * open platform validates prefixes before it touches the database.
 */
export const publicId = {
  openId: () => `ou_${randomHex(16)}`,
  unionId: () => `on_${randomHex(16)}`,
  /** Tenant-scoped employee id when the tenant does not choose one. */
  userId: () => randomHex(4),
  openDepartmentId: () => `od-${randomHex(16)}`,
  /** Tenant-scoped department id when the caller does not choose one. */
  departmentId: () => `D${randomHex(5)}`,
  appId: () => `cli_${randomHex(8)}`,
  tenantKey: () => randomHex(8),
  chatId: () => `oc_${randomHex(16)}`,
  messageId: () => `om_${randomHex(16)}`,
  /** A thread (话题), named once its root gets its first thread reply. */
  threadId: () => `omt_${randomHex(16)}`,
  groupId: () => `g${randomHex(7)}`,
  eventId: () => randomHex(16),
  /** A card template of the card builder: Feishu's look (`AAqB4FaJYbCnY`, 13 letters and digits). */
  cardTemplateId: () => `AA${randomAlphanumeric(11)}`,
} as const;

export const APP_ID_PATTERN = /^cli_[0-9a-f]{16}$/;
