/** Frames the client gateway sends on `/ws/client` (docs/internal-api.md § Realtime). */
export type GatewayFrame = { t: 'hello'; seq: number } | { t: 'event'; seq: number; type: string; payload: unknown } | { t: 'reset' };

/** Close code for a client that fell too far behind; it reconnects with `?after=` and resumes. */
export const CLOSE_TOO_SLOW = 4008;
export const CLOSE_UNAUTHENTICATED = 4001;

/**
 * Who receives an outbox event on `/ws/client`. A connection follows topics (`tenant:<id>`,
 * `user:<id>`, and whatever modules add, e.g. `chat:<id>`); an event goes to every connection that
 * follows at least one of `topics`, serialised once.
 */
export interface EventAudience {
  topics: readonly string[];
  /** Applied before delivery: these users' live connections start following `topic` (new members see the event). */
  join?: ReadonlyArray<{ topic: string; userIds: readonly string[] }>;
  /** Applied after delivery: these users' live connections stop following `topic` (they still see the event). */
  leave?: ReadonlyArray<{ topic: string; userIds: readonly string[] }>;
}

/** Every connection of a tenant's users follows this topic (directory changes). */
export function tenantTopic(tenantId: string): string {
  return `tenant:${tenantId}`;
}

/** Every connection of one user follows this topic (their own read state, other tabs). */
export function userTopic(userId: string): string {
  return `user:${userId}`;
}
