import { AcceptInvitationInput, InvitationInput, LoginInput, PatchMeInput, SetupInput } from '@kite/auth/contract';
import type { DirectoryUser } from '@kite/contact/contract';
import { AppError, errors } from '@kite/kernel/errors';
import { type Authenticators, clientInfo } from '@kite/platform/http';
import { parseInput } from '@kite/platform/validation';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AuthService, SessionInfo } from './auth-service.ts';
import type { InvitationService } from './invitation-service.ts';

export const SESSION_COOKIE = 'kite_session';
export const CSRF_COOKIE = 'kite_csrf';

export interface AuthRouteDeps {
  auth: AuthService;
  invitations: InvitationService;
  authenticate: Authenticators;
  /** Presents the full user for the session answer (contact owns the user view). */
  presentUser(user: DirectoryUser): Promise<unknown>;
  /** Saves the user's own language. */
  setLocale(userId: string, tenantId: string, locale: 'zh-CN' | 'en-US'): Promise<void>;
  secureCookies: boolean;
}

const IdParam = z.object({ id: z.string().min(1).max(64) });
const TokenParam = z.object({ token: z.string().min(8).max(100) });

export function registerAuthRoutes(app: FastifyInstance, deps: AuthRouteDeps): void {
  const setCookies = (reply: FastifyReply, session: SessionInfo) => {
    const base = { path: '/', sameSite: 'lax' as const, secure: deps.secureCookies, expires: session.expiresAt };
    reply.setCookie(SESSION_COOKIE, session.token, { ...base, httpOnly: true });
    reply.setCookie(CSRF_COOKIE, session.csrfToken, { ...base, httpOnly: false });
  };
  const sessionBody = async (session: SessionInfo) => ({
    user: await deps.presentUser(session.user),
    tenant: session.tenant,
    csrfToken: session.csrfToken,
    isAdmin: session.user.isAdmin,
  });

  app.get('/api/setup/status', async () => ({ needsSetup: await deps.auth.needsSetup() }));

  app.post('/api/setup', async (request, reply) => {
    const input = parseInput(SetupInput, request.body);
    const { user } = await deps.auth.setup(input, clientInfo(request));
    const session = await deps.auth.startSession(user, clientInfo(request), 'auth.login.succeeded');
    setCookies(reply, session);
    return sessionBody(session);
  });

  app.post('/api/auth/login', async (request, reply) => {
    const input = parseInput(LoginInput, request.body);
    const session = await deps.auth.login(input, clientInfo(request));
    setCookies(reply, session);
    return sessionBody(session);
  });

  app.post('/api/auth/logout', async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    const session = token ? await deps.auth.resolveSession(token) : null;
    if (session) {
      // Same answer as every other unsafe call without the token (docs/internal-api.md).
      if (request.headers['x-csrf-token'] !== session.csrfToken) {
        throw new AppError('csrf_failed', 'The CSRF token is missing or wrong; reload the page', { status: 403 });
      }
      await deps.auth.logout(session, clientInfo(request));
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    reply.clearCookie(CSRF_COOKIE, { path: '/' });
    return {};
  });

  app.get('/api/auth/session', async (request) => {
    const token = request.cookies[SESSION_COOKIE];
    const session = token ? await deps.auth.resolveSession(token) : null;
    if (!session) throw errors.unauthenticated();
    return sessionBody(session);
  });

  app.patch('/api/me', async (request) => {
    const ctx = await deps.authenticate.user(request);
    const input = parseInput(PatchMeInput, request.body);
    if (input.locale) await deps.setLocale(ctx.actor.userId, ctx.tenantId, input.locale);
    const session = await deps.auth.resolveSession(request.cookies[SESSION_COOKIE] ?? '');
    if (!session) throw errors.unauthenticated();
    return sessionBody(session);
  });

  // Invitations -----------------------------------------------------------------------------------

  app.get('/api/admin/invitations', async (request) => {
    const ctx = await deps.authenticate.user(request);
    return { items: await deps.invitations.list(ctx) };
  });

  app.post('/api/admin/invitations', async (request) => {
    const ctx = await deps.authenticate.user(request);
    return deps.invitations.create(ctx, parseInput(InvitationInput, request.body));
  });

  app.delete('/api/admin/invitations/:id', async (request) => {
    const ctx = await deps.authenticate.user(request);
    await deps.invitations.revoke(ctx, parseInput(IdParam, request.params).id);
    return {};
  });

  app.get('/api/invitations/:token', async (request) => deps.invitations.describe(parseInput(TokenParam, request.params).token));

  app.post('/api/invitations/:token/accept', async (request, reply) => {
    const { token } = parseInput(TokenParam, request.params);
    const session = await deps.invitations.accept(token, parseInput(AcceptInvitationInput, request.body), clientInfo(request));
    setCookies(reply, session);
    return sessionBody(session);
  });
}
