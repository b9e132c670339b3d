/** Who is acting. Repositories take the tenant from here, never from client input. */
export type Actor =
  | { type: 'user'; userId: string; openId: string; name: string }
  | { type: 'app'; appId: string; name: string }
  | { type: 'system'; name: string };

/** How the acting person appears to others: what a command that shows them (a message's sender) needs. */
export interface ActorProfile {
  id: string;
  openId: string;
  unionId: string;
  userId: string;
  name: string;
  avatarColor: string;
}

/** The profile fields of a directory entry (or anything that has them), and nothing else. */
export function actorProfileOf(user: ActorProfile): ActorProfile {
  const { id, openId, unionId, userId, name, avatarColor } = user;
  return { id, openId, unionId, userId, name, avatarColor };
}

export interface RequestContext {
  tenantId: string;
  actor: Actor;
  /**
   * The acting user's directory entry as their session resolved it (session cache: dropped at once
   * when the person changes), so a command that presents its actor need not read it again. Absent
   * for apps and tokens: commands look the actor up then.
   */
  actorProfile?: ActorProfile;
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
