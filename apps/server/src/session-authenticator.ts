import type { IncomingMessage } from 'node:http';
import type { AuthService } from '@kite/auth/server';
import { SESSION_COOKIE, sha256 } from '@kite/auth/server';
import { AppError, errors } from '@kite/kernel/errors';
import { actorProfileOf } from '@kite/platform/context';
import { clientInfo, type UserContext } from '@kite/platform/http';
import type { FastifyRequest } from 'fastify';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The web app's authentication: the httpOnly session cookie, plus, for every unsafe method, the
 * CSRF token in `x-csrf-token` (double-submit; SameSite=Lax already stops most cross-site posts).
 */
export function createSessionAuthenticator(auth: AuthService) {
  return async function user(request: FastifyRequest): Promise<UserContext> {
    const token = request.cookies[SESSION_COOKIE];
    const session = token ? await auth.resolveSession(token) : null;
    if (!session) throw errors.unauthenticated();
    if (!SAFE_METHODS.has(request.method) && request.headers['x-csrf-token'] !== session.csrfToken) {
      throw new AppError('csrf_failed', 'The CSRF token is missing or wrong; reload the page', { status: 403 });
    }
    const { user } = session;
    return {
      tenantId: user.tenantId,
      actor: { type: 'user', userId: user.id, openId: user.openId, name: user.name },
      actorProfile: actorProfileOf(user),
      isTenantAdmin: user.isAdmin,
      ...clientInfo(request),
    };
  };
}

/**
 * Session lookup for WebSocket upgrades, which carry the cookie but no Fastify request. The session id
 * (sha256 of the token, as `auth.logout` names it) lets sign-out close this browser's sockets only.
 */
export async function sessionFromUpgrade(auth: AuthService, request: IncomingMessage) {
  const cookies = parseCookies(request.headers.cookie ?? '');
  const token = cookies[SESSION_COOKIE];
  const session = token ? await auth.resolveSession(token) : null;
  return session && token ? { tenantId: session.user.tenantId, userId: session.user.id, sessionId: sha256(token) } : null;
}

function parseCookies(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    const name = part.slice(0, index).trim();
    try {
      out[name] = decodeURIComponent(part.slice(index + 1).trim());
    } catch {
      // ignore a malformed cookie
    }
  }
  return out;
}
