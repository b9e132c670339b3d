/**
 * Expected errors carry a stable code, an HTTP status and an i18n key; anything else is a bug and is
 * reported loudly (see apps/server error handler). Open-platform routes map `openCode` into Feishu's
 * numeric code space; the internal API sends `code` as a string.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  /** Numeric code for the Feishu-compatible envelope (`{code,msg}`), when it differs by kind. */
  readonly openCode: number;
  /**
   * HTTP status on `/open-apis` when it differs from `status`: Feishu answers most business errors
   * (not a member, no permission, recalled) with 400 where the internal API uses 403/404/409.
   */
  readonly openStatus: number;
  readonly details?: unknown;

  constructor(code: string, message: string, options: { status?: number; openCode?: number; openStatus?: number; details?: unknown } = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = options.status ?? 400;
    this.openCode = options.openCode ?? 1_000_400;
    this.openStatus = options.openStatus ?? this.status;
    this.details = options.details;
  }
}

/** Thrown where the code reached a state its own invariants rule out. Never shown in detail to users. */
export class BugError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BugError';
  }
}

export const errors = {
  validation: (message: string, details?: unknown) =>
    new AppError('validation_failed', message, { status: 400, openCode: 99_992_402, details }),
  unauthenticated: (message = 'Sign in required') => new AppError('unauthenticated', message, { status: 401, openCode: 99_991_661 }),
  forbidden: (message = 'You do not have permission to do this') =>
    new AppError('forbidden', message, { status: 403, openCode: 99_991_672 }),
  notFound: (what: string) => new AppError('not_found', `${what} not found`, { status: 404, openCode: 1_000_404 }),
  conflict: (code: string, message: string) => new AppError(code, message, { status: 409, openCode: 1_000_409 }),
  rateLimited: (retryAfterSeconds: number) =>
    new AppError('rate_limited', 'Too many requests; try again later', {
      status: 429,
      openCode: 99_991_400,
      details: { retryAfterSeconds },
    }),
} as const;

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
