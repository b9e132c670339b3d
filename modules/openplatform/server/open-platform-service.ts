import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock } from '@kite/kernel/clock';
import { AppError, BugError, errors } from '@kite/kernel/errors';
import { newId, publicId, randomToken } from '@kite/kernel/ids';
import {
  type AppDirectory,
  type AppInput,
  type AppPatch,
  type AppRecord,
  type AppView,
  openPlatformEvents,
  SCOPES,
} from '@kite/openplatform/contract';
import type { RequestContext } from '@kite/platform/context';
import type { CommandRunner, SharedTransaction } from '@kite/platform/outbox';
import type { PlatformTables } from '@kite/platform/platform-tables';
import { TtlCache } from '@kite/platform/ttl-cache';
import type { Kysely, Selectable, Transaction, Updateable } from 'kysely';
import { redirectUriAllowed } from './redirect-urls.ts';
import type { OpenPlatformTables } from './tables.ts';

/** The directory's user names, read for the token list. */
type Db = PlatformTables & OpenPlatformTables & { contact_user: { id: string; name: string } };
type AppRow = Selectable<OpenPlatformTables['op_app']>;
type Ctx = Pick<RequestContext, 'tenantId' | 'actor' | 'ip' | 'userAgent' | 'isTenantAdmin'>;
type TokenKind = OpenPlatformTables['op_token']['kind'];

export const TENANT_TOKEN_SECONDS = 7200;
export const USER_TOKEN_SECONDS = 7200;
export const REFRESH_TOKEN_SECONDS = 30 * 24 * 3600;
const AUTH_CODE_SECONDS = 300;

const PREFIX: Record<TokenKind, string> = { tenant: 't-', app: 'a-', user: 'u-', pat: 'u-', refresh: 'ur-' };

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** What a bearer token stands for, once resolved. */
export interface ResolvedToken {
  id: string;
  kind: TokenKind;
  tenantId: string;
  tenantKey: string;
  app: AppRecord | null;
  userId: string | null;
  expiresAt: Date;
}

export interface PersonalTokenView {
  id: string;
  name: string;
  user: { id: string; name: string } | null;
  appId: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string;
}

/**
 * Apps (app_id + secret, scopes, event subscription, bot identity) and every token issued to them:
 * tenant/app access tokens, OIDC user tokens with refresh, and personal access tokens for scripts.
 * Secrets and tokens are stored as sha256 hashes (they are random and long, so a slow hash adds nothing).
 */
export class OpenPlatformService implements AppDirectory {
  private readonly db: Kysely<Db>;
  /** Tokens resolved in the last 10 s; dropped on any revocation or app change (outbox on other nodes). */
  private readonly tokens: TtlCache<string, ResolvedToken>;

  constructor(private readonly options: { db: Kysely<PlatformTables>; commands: CommandRunner; clock: Clock }) {
    this.db = options.db as unknown as Kysely<Db>;
    this.tokens = new TtlCache(10_000, 50_000, () => this.now().getTime());
  }

  private now(): Date {
    return this.options.clock.now();
  }

  private assertAdmin(ctx: Ctx): void {
    if (ctx.actor.type === 'system') return;
    if (ctx.actor.type !== 'user' || !ctx.isTenantAdmin) throw errors.forbidden('Only administrators manage apps');
  }

  // Apps ------------------------------------------------------------------------------------------

  async listApps(ctx: Ctx): Promise<AppView[]> {
    this.assertAdmin(ctx);
    const rows = await this.db
      .selectFrom('op_app')
      .selectAll()
      .where('tenant_id', '=', ctx.tenantId)
      .where('deleted_at', 'is', null)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(presentApp);
  }

  async createApp(ctx: Ctx, input: AppInput): Promise<{ app: AppView; appSecret: string }> {
    this.assertAdmin(ctx);
    const appSecret = randomToken(24);
    const row = {
      id: newId(),
      tenant_id: ctx.tenantId,
      app_id: publicId.appId(),
      name: input.name,
      description: input.description ?? '',
      secret_hash: hashToken(appSecret),
      scopes: [...new Set(input.scopes ?? SCOPES)],
      event_url: input.eventUrl ?? null,
      encrypt_key: input.encryptKey || null,
      verification_token: input.verificationToken || null,
      card_url: input.cardUrl ?? null,
      redirect_urls: unique(input.redirectUrls ?? []),
      bot_open_id: publicId.openId(),
      updated_at: this.now(),
      deleted_at: null,
    };
    await this.options.commands.run(ctx, async (trx, emit) => {
      await (trx as unknown as Transaction<Db>).insertInto('op_app').values(row).execute();
      await emit({
        type: openPlatformEvents.appCreated,
        subjectType: 'app',
        subjectId: row.app_id,
        payload: { appId: row.app_id, name: row.name },
      });
    });
    return { app: presentApp(await this.requireAppRow(ctx.tenantId, row.app_id)), appSecret };
  }

  async updateApp(ctx: Ctx, appId: string, patch: AppPatch): Promise<AppView> {
    this.assertAdmin(ctx);
    await this.requireAppRow(ctx.tenantId, appId);
    const set: Updateable<OpenPlatformTables['op_app']> = { updated_at: this.now() };
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.description !== undefined) set.description = patch.description;
    if (patch.scopes !== undefined) set.scopes = [...new Set(patch.scopes)];
    if (patch.eventUrl !== undefined) set.event_url = patch.eventUrl;
    if (patch.encryptKey !== undefined) set.encrypt_key = patch.encryptKey || null;
    if (patch.verificationToken !== undefined) set.verification_token = patch.verificationToken || null;
    if (patch.cardUrl !== undefined) set.card_url = patch.cardUrl;
    if (patch.redirectUrls !== undefined) set.redirect_urls = unique(patch.redirectUrls);
    this.forgetCachedTokens();
    await this.options.commands.run(ctx, async (trx, emit) => {
      await (trx as unknown as Transaction<Db>).updateTable('op_app').set(set).where('app_id', '=', appId).execute();
      await emit({
        type: openPlatformEvents.appUpdated,
        subjectType: 'app',
        subjectId: appId,
        payload: { appId, changed: Object.keys(set).filter((key) => key !== 'updated_at') },
      });
    });
    return presentApp(await this.requireAppRow(ctx.tenantId, appId));
  }

  async rotateSecret(ctx: Ctx, appId: string): Promise<{ appSecret: string }> {
    this.assertAdmin(ctx);
    await this.requireAppRow(ctx.tenantId, appId);
    const appSecret = randomToken(24);
    this.forgetCachedTokens();
    await this.options.commands.run(ctx, async (trx, emit) => {
      const tx = trx as unknown as Transaction<Db>;
      await tx
        .updateTable('op_app')
        .set({ secret_hash: hashToken(appSecret), updated_at: this.now() })
        .where('app_id', '=', appId)
        .execute();
      // Tokens issued with the old secret end with it.
      await tx
        .updateTable('op_token')
        .set({ revoked_at: this.now() })
        .where('app_id', '=', appId)
        .where('kind', 'in', ['tenant', 'app'])
        .where('revoked_at', 'is', null)
        .execute();
      await emit({ type: openPlatformEvents.appSecretRotated, subjectType: 'app', subjectId: appId, payload: { appId } });
    });
    return { appSecret };
  }

  async deleteApp(ctx: Ctx, appId: string): Promise<void> {
    this.assertAdmin(ctx);
    await this.requireAppRow(ctx.tenantId, appId);
    this.forgetCachedTokens();
    await this.options.commands.run(ctx, async (trx, emit) => {
      const tx = trx as unknown as Transaction<Db>;
      await tx.updateTable('op_app').set({ deleted_at: this.now() }).where('app_id', '=', appId).execute();
      await tx
        .updateTable('op_token')
        .set({ revoked_at: this.now() })
        .where('app_id', '=', appId)
        .where('revoked_at', 'is', null)
        .execute();
      await emit({ type: openPlatformEvents.appDeleted, subjectType: 'app', subjectId: appId, payload: { appId } });
    });
  }

  private async requireAppRow(tenantId: string, appId: string): Promise<AppRow> {
    const row = await this.db
      .selectFrom('op_app')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('app_id', '=', appId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!row) throw errors.notFound('App');
    return row;
  }

  /** An app of the caller's tenant, for an admin about to change it (404 otherwise). */
  async getAppOfTenant(ctx: Ctx, appId: string): Promise<AppRecord> {
    this.assertAdmin(ctx);
    return this.record(await this.requireAppRow(ctx.tenantId, appId));
  }

  // AppDirectory ----------------------------------------------------------------------------------

  async verifySecret(appId: string, appSecret: string): Promise<AppRecord | null> {
    const row = await this.appRow(appId);
    if (!row) return null;
    const expected = Buffer.from(row.secret_hash, 'hex');
    const given = Buffer.from(hashToken(appSecret), 'hex');
    return timingSafeEqual(expected, given) ? this.record(row) : null;
  }

  async getApp(appId: string): Promise<AppRecord | null> {
    const row = await this.appRow(appId);
    return row ? this.record(row) : null;
  }

  async listTenantApps(tenantId: string): Promise<AppRecord[]> {
    const rows = await this.db.selectFrom('op_app').selectAll().where('tenant_id', '=', tenantId).where('deleted_at', 'is', null).execute();
    return Promise.all(rows.map((row) => this.record(row)));
  }

  private appRow(appId: string): Promise<AppRow | undefined> {
    return this.db.selectFrom('op_app').selectAll().where('app_id', '=', appId).where('deleted_at', 'is', null).executeTakeFirst();
  }

  private async record(row: AppRow): Promise<AppRecord> {
    const tenant = await this.db.selectFrom('tenant').select('tenant_key').where('id', '=', row.tenant_id).executeTakeFirstOrThrow();
    return {
      id: row.id,
      appId: row.app_id,
      tenantId: row.tenant_id,
      tenantKey: tenant.tenant_key,
      name: row.name,
      description: row.description,
      scopes: row.scopes,
      eventUrl: row.event_url,
      encryptKey: row.encrypt_key,
      verificationToken: row.verification_token,
      cardUrl: row.card_url,
      redirectUrls: row.redirect_urls,
      botOpenId: row.bot_open_id,
      createdAt: row.created_at,
    };
  }

  // Tokens ----------------------------------------------------------------------------------------

  /** `tenant_access_token/internal` and `app_access_token/internal`. */
  async issueAppToken(app: AppRecord, kind: 'tenant' | 'app'): Promise<{ token: string; expire: number }> {
    const token = await this.insertToken({ kind, tenantId: app.tenantId, appId: app.appId, userId: null, seconds: TENANT_TOKEN_SECONDS });
    return { token, expire: TENANT_TOKEN_SECONDS };
  }

  /** Personal access token for scripts (`kite token`), revocable in the admin console. */
  async issuePersonalToken(ctx: Ctx, input: { app: AppRecord | null; userId: string; name: string; days: number }) {
    this.assertAdmin(ctx);
    const token = await this.insertToken({
      kind: 'pat',
      tenantId: ctx.tenantId,
      appId: input.app?.appId ?? null,
      userId: input.userId,
      seconds: input.days * 86_400,
      name: input.name,
    });
    return { token, expiresIn: input.days * 86_400 };
  }

  /**
   * OIDC: whether `authorize` may send the browser to `redirectUri` — only to a URL the app registered
   * (same scheme, host, port and path), so a crafted link cannot carry a sign-in code elsewhere.
   */
  isRedirectAllowed(app: AppRecord, redirectUri: string): boolean {
    return redirectUriAllowed(app.redirectUrls, redirectUri);
  }

  async createAuthCode(app: AppRecord, userId: string, redirectUri: string): Promise<string> {
    // The route checks first; this keeps a code from ever being bound to an unregistered URL.
    if (!this.isRedirectAllowed(app, redirectUri)) throw new BugError('createAuthCode called with an unregistered redirect_uri');
    const code = randomToken(24);
    await this.db
      .insertInto('op_auth_code')
      .values({
        code_hash: hashToken(code),
        tenant_id: app.tenantId,
        app_id: app.appId,
        user_id: userId,
        redirect_uri: redirectUri,
        expires_at: new Date(this.now().getTime() + AUTH_CODE_SECONDS * 1000),
        used_at: null,
      })
      .execute();
    return code;
  }

  /** OIDC: a one-time code (issued to this app) becomes a user access token plus refresh token. */
  async exchangeCode(app: AppRecord, code: string) {
    const row = await this.db.transaction().execute(async (trx) => {
      const found = await trx
        .selectFrom('op_auth_code')
        .selectAll()
        .where('code_hash', '=', hashToken(code))
        .forUpdate()
        .executeTakeFirst();
      if (!found || found.used_at || found.expires_at <= this.now() || found.app_id !== app.appId) return null;
      await trx.updateTable('op_auth_code').set({ used_at: this.now() }).where('code_hash', '=', found.code_hash).execute();
      return found;
    });
    if (!row) throw new AppError('invalid_code', 'The authorization code is invalid or expired', { status: 400, openCode: 20_003 });
    return this.userTokenPair(app, row.user_id);
  }

  async refresh(app: AppRecord, refreshToken: string) {
    const invalid = () =>
      new AppError('invalid_refresh_token', 'The refresh token is invalid or expired', { status: 400, openCode: 99_991_669 });
    // Single use: read past the cache, and spend the token atomically so two racing refreshes
    // cannot both succeed.
    const resolved = await this.resolveUncached(refreshToken);
    if (resolved?.kind !== 'refresh' || resolved.app?.appId !== app.appId || !resolved.userId) throw invalid();
    const spent = await this.db
      .updateTable('op_token')
      .set({ revoked_at: this.now() })
      .where('id', '=', resolved.id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(spent.numUpdatedRows) !== 1) throw invalid();
    this.tokens.delete(hashToken(refreshToken));
    return this.userTokenPair(app, resolved.userId);
  }

  private async userTokenPair(app: AppRecord, userId: string) {
    const accessToken = await this.insertToken({
      kind: 'user',
      tenantId: app.tenantId,
      appId: app.appId,
      userId,
      seconds: USER_TOKEN_SECONDS,
    });
    const refreshToken = await this.insertToken({
      kind: 'refresh',
      tenantId: app.tenantId,
      appId: app.appId,
      userId,
      seconds: REFRESH_TOKEN_SECONDS,
    });
    return {
      access_token: accessToken,
      refresh_token: refreshToken,
      token_type: 'Bearer',
      expires_in: USER_TOKEN_SECONDS,
      refresh_expires_in: REFRESH_TOKEN_SECONDS,
      scope: app.scopes.join(' '),
    };
  }

  private async insertToken(input: {
    kind: TokenKind;
    tenantId: string;
    appId: string | null;
    userId: string | null;
    seconds: number;
    name?: string;
  }): Promise<string> {
    const token = `${PREFIX[input.kind]}${randomToken(30)}`;
    await this.db
      .insertInto('op_token')
      .values({
        id: newId(),
        token_hash: hashToken(token),
        kind: input.kind,
        tenant_id: input.tenantId,
        app_id: input.appId,
        user_id: input.userId,
        name: input.name ?? '',
        expires_at: new Date(this.now().getTime() + input.seconds * 1000),
        revoked_at: null,
        last_used_at: null,
      })
      .execute();
    return token;
  }

  /** Resolves any bearer token; null when unknown, expired or revoked. */
  async resolve(token: string): Promise<ResolvedToken | null> {
    if (token.length > 200) return null;
    const key = hashToken(token);
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > this.now()) return cached;
    const readAt = this.now().getTime();
    const resolved = await this.resolveUncached(token);
    if (resolved) this.tokens.set(key, resolved, readAt);
    return resolved;
  }

  /** Revocations, secret rotation, scope changes: cached tokens are read again (this node). */
  forgetCachedTokens(): void {
    this.tokens.clear();
  }

  /**
   * Ends everything that lets apps and scripts act as these people — OIDC user and refresh tokens,
   * personal access tokens, unused authorization codes — in the caller's transaction (the
   * `openplatform.token-revocation` outbox consumer, after a password reset or a deactivation).
   * Tenant and app tokens are the apps' own and stay. Returns how many tokens were revoked.
   */
  async revokeUserCredentials(trx: SharedTransaction, users: ReadonlyArray<{ tenantId: string; userId: string }>): Promise<number> {
    const tx = trx as unknown as Transaction<Db>;
    const now = this.now();
    let revoked = 0;
    for (const { tenantId, userId } of users) {
      const result = await tx
        .updateTable('op_token')
        .set({ revoked_at: now })
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .where('kind', 'in', ['user', 'refresh', 'pat'])
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      revoked += Number(result.numUpdatedRows);
      await tx
        .updateTable('op_auth_code')
        .set({ used_at: now })
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .execute();
    }
    // Also refuses, for a moment, values read just before this commits (see TtlCache).
    this.forgetCachedTokens();
    return revoked;
  }

  private async resolveUncached(token: string): Promise<ResolvedToken | null> {
    const row = await this.db
      .selectFrom('op_token as t')
      .innerJoin('tenant', 'tenant.id', 't.tenant_id')
      .select([
        't.id',
        't.kind',
        't.tenant_id',
        't.app_id',
        't.user_id',
        't.expires_at',
        't.revoked_at',
        't.last_used_at',
        'tenant.tenant_key',
      ])
      .where('t.token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row || row.revoked_at || row.expires_at <= this.now()) return null;
    const app = row.app_id ? await this.getApp(row.app_id) : null;
    if (row.app_id && !app) return null;
    if (row.kind === 'pat' && (!row.last_used_at || this.now().getTime() - row.last_used_at.getTime() > 60_000)) {
      await this.db.updateTable('op_token').set({ last_used_at: this.now() }).where('id', '=', row.id).execute();
    }
    return {
      id: row.id,
      kind: row.kind,
      tenantId: row.tenant_id,
      tenantKey: row.tenant_key,
      app,
      userId: row.user_id,
      expiresAt: row.expires_at,
    };
  }

  async tenantKeyOf(tenantId: string): Promise<string> {
    const row = await this.db.selectFrom('tenant').select('tenant_key').where('id', '=', tenantId).executeTakeFirstOrThrow();
    return row.tenant_key;
  }

  async listPersonalTokens(ctx: Ctx): Promise<PersonalTokenView[]> {
    this.assertAdmin(ctx);
    const rows = await this.db
      .selectFrom('op_token as t')
      .leftJoin('contact_user as u', 'u.id', 't.user_id')
      .select(['t.id', 't.name', 't.user_id', 't.app_id', 't.created_at', 't.last_used_at', 't.expires_at', 'u.name as user_name'])
      .where('t.tenant_id', '=', ctx.tenantId)
      .where('t.kind', '=', 'pat')
      .where('t.revoked_at', 'is', null)
      .where('t.expires_at', '>', this.now())
      .orderBy('t.created_at', 'desc')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      user: row.user_id ? { id: row.user_id, name: row.user_name ?? '' } : null,
      appId: row.app_id,
      createdAt: row.created_at.toISOString(),
      lastUsedAt: row.last_used_at?.toISOString() ?? null,
      expiresAt: row.expires_at.toISOString(),
    }));
  }

  async revokePersonalToken(ctx: Ctx, id: string): Promise<void> {
    this.assertAdmin(ctx);
    this.forgetCachedTokens();
    await this.options.commands.run(ctx, async (trx, emit) => {
      const result = await (trx as unknown as Transaction<Db>)
        .updateTable('op_token')
        .set({ revoked_at: this.now() })
        .where('tenant_id', '=', ctx.tenantId)
        .where('id', '=', id)
        .where('kind', '=', 'pat')
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw errors.notFound('Token');
      await emit({ type: openPlatformEvents.tokenRevoked, subjectType: 'token', subjectId: id, payload: { id } });
    });
  }
}

function presentApp(row: AppRow): AppView {
  return {
    appId: row.app_id,
    name: row.name,
    description: row.description,
    scopes: row.scopes,
    eventUrl: row.event_url,
    hasEncryptKey: Boolean(row.encrypt_key),
    verificationToken: row.verification_token,
    cardUrl: row.card_url,
    redirectUrls: row.redirect_urls,
    botOpenId: row.bot_open_id,
    createdAt: row.created_at.toISOString(),
  };
}

/** The values in their first order, each once. */
function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
