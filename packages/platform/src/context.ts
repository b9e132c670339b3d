/** Who is acting. Repositories take the tenant from here, never from client input. */
export type Actor =
  | { type: 'user'; userId: string; openId: string; name: string }
  | { type: 'app'; appId: string; name: string }
  | { type: 'system'; name: string };

export interface RequestContext {
  tenantId: string;
  actor: Actor;
  ip?: string;
  userAgent?: string;
  /** Set when a user acts: whether they administer the tenant. */
  isTenantAdmin?: boolean;
  /** Set when an app acts: the scopes it was granted. */
  scopes?: readonly string[];
}

export function actorId(actor: Actor): string {
  switch (actor.type) {
    case 'user':
      return actor.userId;
    case 'app':
      return actor.appId;
    case 'system':
      return actor.name;
  }
}
