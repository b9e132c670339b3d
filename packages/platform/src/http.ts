import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RequestContext } from './context.ts';

/** A signed-in user acting through the web app. */
export interface UserContext extends RequestContext {
  actor: { type: 'user'; userId: string; openId: string; name: string };
  isTenantAdmin: boolean;
}

/** Authentication the composition root provides to every module's routes. */
export interface Authenticators {
  /** Session cookie; for unsafe methods also checks the CSRF token. 401 / 403 otherwise. */
  user(request: FastifyRequest): Promise<UserContext>;
  /**
   * Open-platform bearer token: a tenant access token (the app acts) or a user access token (the app
   * acts as the user). Applies the per-app rate limit. Errors use Feishu's codes.
   */
  open(request: FastifyRequest, reply: FastifyReply, allow?: ReadonlyArray<'tenant' | 'user'>): Promise<RequestContext>;
}

export function clientInfo(request: FastifyRequest): { ip: string; userAgent?: string } {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip, ...(userAgent ? { userAgent: userAgent.slice(0, 500) } : {}) };
}

/** Feishu's success envelope. */
export function openOk<T>(data: T): { code: 0; msg: 'success'; data: T } {
  return { code: 0, msg: 'success', data };
}
