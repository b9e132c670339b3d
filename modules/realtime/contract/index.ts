/** Frames the client gateway sends on `/ws/client` (docs/internal-api.md § Realtime). */
export type GatewayFrame = { t: 'hello'; seq: number } | { t: 'event'; seq: number; type: string; payload: unknown } | { t: 'reset' };

/** Close code for a client that fell too far behind; it reconnects with `?after=` and resumes. */
export const CLOSE_TOO_SLOW = 4008;
export const CLOSE_UNAUTHENTICATED = 4001;
