import type { ContactDirectory } from '@kite/contact/contract';
import { AppError } from '@kite/kernel/errors';
import { AppInput, AppPatch, type AppRecord } from '@kite/openplatform/contract';
import { type Authenticators, openOk } from '@kite/platform/http';
import type { RateLimiter } from '@kite/platform/rate-limit';
import { parseInput } from '@kite/platform/validation';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { refuseRedirect } from './authorize-refusal.ts';
import type { OpenPlatformService } from './open-platform-service.ts';

const Credentials = z.object({ app_id: z.string().min(1).max(64), app_secret: z.string().min(1).max(200) });
const AuthorizeQuery = z.object({
  app_id: z.string().min(1).max(64),
  redirect_uri: z
    .string()
    .url()
    .max(2000)
    .refine((value) => /^https?:\/\//i.test(value), 'redirect_uri must be an http(s) URL'),
  state: z.string().max(500).optional(),
});
const CodeExchange = z.object({ grant_type: z.literal('authorization_code'), code: z.string().min(1).max(200) });
const RefreshExchange = z.object({ grant_type: z.literal('refresh_token'), refresh_token: z.string().min(1).max(200) });
const AppIdParam = z.object({ appId: z.string().min(1).max(64) });
const IdParam = z.object({ id: z.string().min(1).max(64) });

export interface OpenPlatformRouteDeps {
  openPlatform: OpenPlatformService;
  directory: ContactDirectory;
  authenticate: Authenticators;
  /** Limits token requests per client address (guessing secrets). */
  tokenLimiter: RateLimiter;
  /** The signed-in web user, if any (for the OAuth authorize step). */
  sessionUser(request: FastifyRequest): Promise<{ id: string; tenantId: string } | null>;
  /** Runs the url_verification challenge against an event URL before it is saved; throws when it fails. */
  verifyEventUrl(record: AppRecord): Promise<void>;
  /** The same challenge against a card request URL (`record.cardUrl`); throws when it fails. */
  verifyCardUrl(record: AppRecord): Promise<void>;
  /** The app's secret changed or the app is gone: end its long connections. */
  onCredentialsChanged(appId: string): void;
}

function badSecret(): { code: number; msg: string } {
  return { code: 10_014, msg: 'app secret invalid' };
}

/** Token endpoints, OIDC user login for apps, and the admin console's app management. */
export function registerOpenPlatformRoutes(app: FastifyInstance, deps: OpenPlatformRouteDeps): void {
  const { openPlatform } = deps;

  /**
   * Challenges the callback URLs `patch` sets, with the keys the app will have once it is saved; a
   * URL is stored only once it answers, as Feishu's console does.
   */
  const verifyCallbackUrls = async (record: AppRecord, patch: AppPatch) => {
    const next: AppRecord = {
      ...record,
      ...(patch.encryptKey !== undefined ? { encryptKey: patch.encryptKey || null } : {}),
      ...(patch.verificationToken !== undefined ? { verificationToken: patch.verificationToken || null } : {}),
    };
    if (patch.eventUrl) await deps.verifyEventUrl({ ...next, eventUrl: patch.eventUrl });
    if (patch.cardUrl) await deps.verifyCardUrl({ ...next, cardUrl: patch.cardUrl });
  };

  // Keyed by client address and app, so one busy service behind a NAT does not lock out the rest.
  const checkTokenRate = (request: FastifyRequest) => {
    const appId = (request.body as { app_id?: unknown } | undefined)?.app_id;
    if (!deps.tokenLimiter.hit(`token|${request.ip}|${typeof appId === 'string' ? appId.slice(0, 64) : ''}`).allowed) {
      throw new AppError('rate_limited', 'request trigger frequency limit', { status: 429, openCode: 99_991_400 });
    }
  };

  // The SDK reads these fields at the top level, not under `data` (reference §2); a wrong secret is
  // HTTP 200 with a nonzero code.
  app.post('/open-apis/auth/v3/tenant_access_token/internal', async (request) => {
    checkTokenRate(request);
    const input = parseInput(Credentials, request.body);
    const record = await openPlatform.verifySecret(input.app_id, input.app_secret);
    if (!record) return badSecret();
    const { token, expire } = await openPlatform.issueAppToken(record, 'tenant');
    return { code: 0, msg: 'ok', tenant_access_token: token, expire };
  });

  app.post('/open-apis/auth/v3/app_access_token/internal', async (request) => {
    checkTokenRate(request);
    const input = parseInput(Credentials, request.body);
    const record = await openPlatform.verifySecret(input.app_id, input.app_secret);
    if (!record) return badSecret();
    const appToken = await openPlatform.issueAppToken(record, 'app');
    const tenantToken = await openPlatform.issueAppToken(record, 'tenant');
    return { code: 0, msg: 'ok', app_access_token: appToken.token, tenant_access_token: tenantToken.token, expire: appToken.expire };
  });

  // OIDC: the browser comes here signed in (or is sent to sign in first), and goes back with a code —
  // only to a redirect URL the app registered, checked before anything else (also before sign-in, so
  // Kite's login page is never a step in a link that ends somewhere else).
  app.get('/open-apis/authen/v1/authorize', async (request, reply) => {
    const query = parseInput(AuthorizeQuery, request.query);
    const record = await openPlatform.getApp(query.app_id);
    if (!record) throw new AppError('app_not_found', 'Unknown app_id', { status: 400, openCode: 20_001 });
    if (!openPlatform.isRedirectAllowed(record, query.redirect_uri)) return refuseRedirect(request, reply, query.redirect_uri);
    const user = await deps.sessionUser(request);
    if (!user || user.tenantId !== record.tenantId) {
      return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`);
    }
    const code = await openPlatform.createAuthCode(record, user.id, query.redirect_uri);
    const target = new URL(query.redirect_uri);
    target.searchParams.set('code', code);
    if (query.state) target.searchParams.set('state', query.state);
    return reply.redirect(target.toString());
  });

  const appFromToken = async (request: FastifyRequest, reply: Parameters<Authenticators['open']>[1]) => {
    const ctx = await deps.authenticate.open(request, reply, ['tenant']);
    if (ctx.actor.type !== 'app')
      throw new AppError('app_token_required', 'An app or tenant access token is required', { status: 400, openCode: 99_991_663 });
    const record = await openPlatform.getApp(ctx.actor.appId);
    if (!record) throw new AppError('app_not_found', 'Unknown app', { status: 400, openCode: 20_001 });
    return record;
  };

  app.post('/open-apis/authen/v1/oidc/access_token', async (request, reply) => {
    const record = await appFromToken(request, reply);
    const input = parseInput(CodeExchange, request.body);
    return openOk(await openPlatform.exchangeCode(record, input.code));
  });

  app.post('/open-apis/authen/v1/oidc/refresh_access_token', async (request, reply) => {
    const record = await appFromToken(request, reply);
    const input = parseInput(RefreshExchange, request.body);
    return openOk(await openPlatform.refresh(record, input.refresh_token));
  });

  app.get('/open-apis/authen/v1/user_info', async (request, reply) => {
    const ctx = await deps.authenticate.open(request, reply, ['user']);
    if (ctx.actor.type !== 'user')
      throw new AppError('user_token_required', 'A user access token is required', { status: 400, openCode: 99_991_668 });
    const user = await deps.directory.findDirectoryUser(ctx.tenantId, ctx.actor.userId);
    if (!user) throw new AppError('user_token_invalid', 'Invalid user access token', { status: 400, openCode: 99_991_668 });
    const tenant = await deps.openPlatform.tenantKeyOf(ctx.tenantId);
    return openOk({
      name: user.name,
      en_name: '',
      open_id: user.openId,
      union_id: user.unionId,
      user_id: user.userId,
      email: user.email ?? '',
      enterprise_email: user.email ?? '',
      mobile: user.mobile ?? '',
      tenant_key: tenant,
      avatar_url: '',
    });
  });

  // Admin console -----------------------------------------------------------------------------------

  app.get('/api/admin/apps', async (request) => {
    const ctx = await deps.authenticate.user(request);
    return { items: await openPlatform.listApps(ctx) };
  });
  app.post('/api/admin/apps', async (request) => {
    const ctx = await deps.authenticate.user(request);
    const input = parseInput(AppInput, request.body);
    const created = await openPlatform.createApp(ctx, { ...input, eventUrl: null, cardUrl: null });
    if (!input.eventUrl && !input.cardUrl) return created;
    const urls = { eventUrl: input.eventUrl ?? null, cardUrl: input.cardUrl ?? null };
    const record = await openPlatform.getApp(created.app.appId);
    try {
      await verifyCallbackUrls(record!, urls);
    } catch (error) {
      await openPlatform.deleteApp(ctx, created.app.appId);
      throw error;
    }
    return { ...created, app: await openPlatform.updateApp(ctx, created.app.appId, urls) };
  });
  app.patch('/api/admin/apps/:appId', async (request) => {
    const ctx = await deps.authenticate.user(request);
    const { appId } = parseInput(AppIdParam, request.params);
    const patch = parseInput(AppPatch, request.body);
    await verifyCallbackUrls(await openPlatform.getAppOfTenant(ctx, appId), patch);
    return openPlatform.updateApp(ctx, appId, patch);
  });
  app.post('/api/admin/apps/:appId/rotate-secret', async (request) => {
    const ctx = await deps.authenticate.user(request);
    const { appId } = parseInput(AppIdParam, request.params);
    const rotated = await openPlatform.rotateSecret(ctx, appId);
    deps.onCredentialsChanged(appId);
    return rotated;
  });
  app.delete('/api/admin/apps/:appId', async (request) => {
    const ctx = await deps.authenticate.user(request);
    const { appId } = parseInput(AppIdParam, request.params);
    await openPlatform.deleteApp(ctx, appId);
    deps.onCredentialsChanged(appId);
    return {};
  });
  app.get('/api/admin/tokens', async (request) => {
    const ctx = await deps.authenticate.user(request);
    return { items: await openPlatform.listPersonalTokens(ctx) };
  });
  app.delete('/api/admin/tokens/:id', async (request) => {
    const ctx = await deps.authenticate.user(request);
    await openPlatform.revokePersonalToken(ctx, parseInput(IdParam, request.params).id);
    return {};
  });
}
