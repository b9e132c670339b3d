import type { ContactDirectory } from '@kite/contact/contract';
import { AppError } from '@kite/kernel/errors';
import { SCOPES } from '@kite/openplatform/contract';
import type { RequestContext } from '@kite/platform/context';
import { clientInfo } from '@kite/platform/http';
import type { RateLimiter } from '@kite/platform/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OpenPlatformService } from './open-platform-service.ts';

export const openErrors = {
  missingToken: () => new AppError('token_missing', 'Missing access token for authorization', { status: 400, openCode: 99_991_661 }),
  invalidTenantToken: () =>
    new AppError('tenant_token_invalid', 'Invalid access token for authorization. Please make a request with token attached.', {
      status: 400,
      openCode: 99_991_663,
    }),
  invalidUserToken: () => new AppError('user_token_invalid', 'Invalid user access token', { status: 400, openCode: 99_991_668 }),
  rateLimited: () => new AppError('rate_limited', 'request trigger frequency limit', { status: 429, openCode: 99_991_400 }),
};

/**
 * Authenticates `/open-apis` calls: `Authorization: Bearer t-…` (tenant token: the app acts as its bot)
 * or `u-…` (user token: the app acts as the user, with the user's own permissions). Applies the
 * per-app-and-route rate limit with Feishu's `x-ogw-ratelimit-*` headers.
 */
export function createOpenAuthenticator(deps: { openPlatform: OpenPlatformService; directory: ContactDirectory; limiter: RateLimiter }) {
  return async function open(
    request: FastifyRequest,
    reply: FastifyReply,
    allow: ReadonlyArray<'tenant' | 'user'> = ['tenant', 'user'],
  ): Promise<RequestContext> {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw openErrors.missingToken();
    const token = match[1]!;
    const isUserToken = token.startsWith('u-');
    const resolved = await deps.openPlatform.resolve(token);
    if (!resolved || !['tenant', 'app', 'user', 'pat'].includes(resolved.kind)) {
      throw isUserToken ? openErrors.invalidUserToken() : openErrors.invalidTenantToken();
    }
    const kind = resolved.kind === 'user' || resolved.kind === 'pat' ? 'user' : 'tenant';
    if (!allow.includes(kind)) throw kind === 'user' ? openErrors.invalidTenantToken() : openErrors.invalidUserToken();

    const limitKey = `${resolved.app?.appId ?? resolved.id}|${request.routeOptions.url ?? request.url}`;
    const limit = deps.limiter.hit(limitKey);
    reply.header('x-ogw-ratelimit-limit', String(limit.limit));
    reply.header('x-ogw-ratelimit-reset', String(limit.resetSeconds));
    if (!limit.allowed) throw openErrors.rateLimited();

    const client = clientInfo(request);
    if (kind === 'tenant') {
      const app = resolved.app!;
      return {
        tenantId: resolved.tenantId,
        actor: { type: 'app', appId: app.appId, name: app.name },
        scopes: app.scopes,
        ...client,
      };
    }
    const user = await deps.directory.findDirectoryUser(resolved.tenantId, resolved.userId ?? '');
    if (user?.status !== 'active') throw openErrors.invalidUserToken();
    return {
      tenantId: resolved.tenantId,
      actor: { type: 'user', userId: user.id, openId: user.openId, name: user.name },
      isTenantAdmin: user.isAdmin,
      // A user token carries the app's scopes; a personal token without an app carries all.
      scopes: resolved.app?.scopes ?? SCOPES,
      ...client,
    };
  };
}
