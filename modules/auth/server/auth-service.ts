import { createHash } from 'node:crypto';
import { authEvents, type CredentialStore, type LogoutEventPayload, type SetupInput } from '@kite/auth/contract';
import type { ContactDirectory, DirectoryUser } from '@kite/contact/contract';
import type { Clock } from '@kite/kernel/clock';
import { AppError, errors } from '@kite/kernel/errors';
import { newId, publicId, randomToken } from '@kite/kernel/ids';
import type { RequestContext } from '@kite/platform/context';
import type { CommandRunner, SharedTransaction } from '@kite/platform/outbox';
import type { PlatformTables } from '@kite/platform/platform-tables';
import { TtlCache } from '@kite/platform/ttl-cache';
import { type Kysely, sql, type Transaction } from 'kysely';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './passwords.ts';
import type { AuthTables } from './tables.ts';

type AuthDb = PlatformTables & AuthTables;

export interface ClientInfo {
  ip?: string;
  userAgent?: string;
}

export interface SessionInfo {
  token: string;
  csrfToken: string;
  user: DirectoryUser;
  tenant: { id: string; tenantKey: string; name: string };
  expiresAt: Date;
}

export interface AuthServiceOptions {
  db: Kysely<PlatformTables>;
  commands: CommandRunner;
  directory: ContactDirectory;
  clock: Clock;
  sessionDays?: number;
  /** Failed sign-ins before the account/IP pair is locked. */
  maxFailures?: number;
  lockMinutes?: number;
}

const SESSION_REFRESH_MS = 60 * 60 * 1000;
/** How long a resolved session is served from memory (see `AuthService.sessions`). */
const SESSION_CACHE_MS = 60_000;

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * Accounts and sessions: first-run setup, sign-in with lockout, server-side sessions with a CSRF
 * token, invitations. Passwords live here, apart from the directory, and only as argon2id hashes.
 */
export class AuthService implements CredentialStore {
  private readonly db: Kysely<AuthDb>;
  private readonly sessionMs: number;
  private readonly maxFailures: number;
  private readonly lockMs: number;
  /**
   * Sessions resolved in the last 60 s: most requests need no query for authentication, including a
   * person's next message a minute later (a miss costs three: session, person, tenant). Revoking
   * sessions or changing a person drops them here at once, and on other nodes through the outbox
   * (see apps/server/src/kite.ts); the time limit is only a backstop.
   */
  private readonly sessions: TtlCache<string, SessionInfo>;

  constructor(private readonly options: AuthServiceOptions) {
    this.db = options.db as unknown as Kysely<AuthDb>;
    this.sessionMs = (options.sessionDays ?? 14) * 24 * 3600 * 1000;
    this.maxFailures = options.maxFailures ?? 5;
    this.lockMs = (options.lockMinutes ?? 15) * 60 * 1000;
    this.sessions = new TtlCache(SESSION_CACHE_MS, 50_000, () => this.now().getTime());
  }

  private now(): Date {
    return this.options.clock.now();
  }

  // CredentialStore -------------------------------------------------------------------------------

  async setPassword(trx: SharedTransaction, tenantId: string, userId: string, password: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    await (trx as unknown as Transaction<AuthDb>)
      .insertInto('auth_credential')
      .values({ user_id: userId, tenant_id: tenantId, password_hash: passwordHash, updated_at: this.now() })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ password_hash: passwordHash, updated_at: this.now() }))
      .execute();
  }

  async revokeSessions(trx: SharedTransaction, userId: string): Promise<void> {
    this.invalidateSessions(userId);
    await (trx as unknown as Transaction<AuthDb>).deleteFrom('auth_session').where('user_id', '=', userId).execute();
  }

  // Setup -----------------------------------------------------------------------------------------

  async needsSetup(): Promise<boolean> {
    const tenant = await this.db.selectFrom('tenant').select('id').limit(1).executeTakeFirst();
    return !tenant;
  }

  /** Creates the first tenant and its administrator. Fails with `already_set_up` afterwards. */
  async setup(input: SetupInput, client: ClientInfo): Promise<{ tenant: SessionInfo['tenant']; user: DirectoryUser }> {
    const tenantId = newId();
    const tenantKey = publicId.tenantKey();
    const ctx = { tenantId, actor: { type: 'system' as const, name: 'setup' }, ...client };
    return this.options.commands.run(ctx, async (trx, emit) => {
      // Serialise concurrent first-run attempts: the second one sees the first tenant. (SELECT … FOR
      // UPDATE on an empty table locks nothing, so on PostgreSQL every racer would create a tenant.)
      await sql`lock table tenant in share row exclusive mode`.execute(trx);
      const existing = await trx.selectFrom('tenant').select('id').limit(1).executeTakeFirst();
      if (existing) throw errors.conflict('already_set_up', 'Kite is already set up; sign in instead');
      await trx.insertInto('tenant').values({ id: tenantId, tenant_key: tenantKey, name: input.tenantName }).execute();
      await emit({
        type: authEvents.tenantCreated,
        subjectType: 'tenant',
        subjectId: tenantId,
        payload: { id: tenantId, name: input.tenantName },
      });
      const user = await this.options.directory.createUserUnchecked({ trx, emit }, tenantId, {
        name: input.adminName,
        email: input.adminEmail,
        password: input.adminPassword,
        isAdmin: true,
      });
      return { tenant: { id: tenantId, tenantKey, name: input.tenantName }, user };
    });
  }

  // Sign-in ---------------------------------------------------------------------------------------

  async login(input: { email: string; password: string; tenantKey?: string }, client: ClientInfo): Promise<SessionInfo> {
    const lockKey = `${input.email}|${client.ip ?? ''}`;
    const failuresSoFar = await this.reserveAttempt(lockKey);
    let candidates = await this.options.directory.findActiveUsersByEmail(input.email);
    if (input.tenantKey) {
      const tenant = await this.db.selectFrom('tenant').select('id').where('tenant_key', '=', input.tenantKey).executeTakeFirst();
      candidates = candidates.filter((user) => user.tenantId === tenant?.id);
    }
    const matches: DirectoryUser[] = [];
    for (const user of candidates) {
      const credential = await this.db
        .selectFrom('auth_credential')
        .select('password_hash')
        .where('user_id', '=', user.id)
        .executeTakeFirst();
      if (credential && (await verifyPassword(credential.password_hash, input.password))) matches.push(user);
    }
    if (candidates.length === 0) await verifyAgainstDummy(input.password);
    if (matches.length === 0) {
      if (failuresSoFar >= this.maxFailures) await this.lock(lockKey);
      throw new AppError('invalid_credentials', 'The e-mail or password is wrong', { status: 401 });
    }
    // The password was right: earlier failures are forgiven, even if the caller must pick a tenant.
    await this.db.deleteFrom('auth_login_attempt').where('key', '=', lockKey).execute();
    if (matches.length > 1) {
      const tenants = await this.db
        .selectFrom('tenant')
        .select(['tenant_key', 'name'])
        .where(
          'id',
          'in',
          matches.map((user) => user.tenantId),
        )
        .execute();
      throw new AppError('tenant_required', 'This e-mail belongs to several organisations; choose one', {
        status: 409,
        details: { tenants: tenants.map((t) => ({ tenantKey: t.tenant_key, name: t.name })) },
      });
    }
    return this.startSession(matches[0]!, client, authEvents.loginSucceeded);
  }

  /**
   * Counts a sign-in attempt before the (slow) password check, in one atomic statement, so parallel
   * guesses cannot outrun the limit; a right password deletes the count again. Returns the attempts
   * counted so far, this one included; throws `login_locked` while locked or once they are used up.
   */
  private async reserveAttempt(key: string): Promise<number> {
    const now = this.now();
    const { rows } = await sql<{ failures: number; locked_until: Date | null }>`
      insert into auth_login_attempt (key, failures, locked_until, updated_at) values (${key}, 1, null, ${now})
      on conflict (key) do update set
        failures = case when auth_login_attempt.locked_until <= ${now} then 1 else auth_login_attempt.failures + 1 end,
        locked_until = case when auth_login_attempt.locked_until <= ${now} then null else auth_login_attempt.locked_until end,
        updated_at = ${now}
      returning failures, locked_until`.execute(this.db);
    const row = rows[0]!;
    if (row.locked_until && row.locked_until > now) throw this.lockedError(row.locked_until);
    if (row.failures > this.maxFailures) throw this.lockedError(await this.lock(key));
    return row.failures;
  }

  /** Locks the account/address pair (unless already locked); returns until when. */
  private async lock(key: string): Promise<Date> {
    const until = new Date(this.now().getTime() + this.lockMs);
    await this.db
      .updateTable('auth_login_attempt')
      .set({ locked_until: until, updated_at: this.now() })
      .where('key', '=', key)
      .where('locked_until', 'is', null)
      .execute();
    const row = await this.db.selectFrom('auth_login_attempt').select('locked_until').where('key', '=', key).executeTakeFirst();
    return row?.locked_until ?? until;
  }

  private lockedError(until: Date): AppError {
    const retryAfterSeconds = Math.max(1, Math.ceil((until.getTime() - this.now().getTime()) / 1000));
    return new AppError('login_locked', 'Too many failed sign-ins; try again later', {
      status: 429,
      openCode: 99_991_400,
      details: { retryAfterSeconds },
    });
  }

  async startSession(user: DirectoryUser, client: ClientInfo, eventType: string): Promise<SessionInfo> {
    const token = randomToken(32);
    const csrfToken = randomToken(24);
    const now = this.now();
    const expiresAt = new Date(now.getTime() + this.sessionMs);
    const ctx: Pick<RequestContext, 'tenantId' | 'actor' | 'ip' | 'userAgent'> = {
      tenantId: user.tenantId,
      actor: { type: 'user', userId: user.id, openId: user.openId, name: user.name },
      ...client,
    };
    await this.options.commands.run(ctx, async (trx, emit) => {
      await (trx as unknown as Transaction<AuthDb>)
        .insertInto('auth_session')
        .values({
          token_hash: sha256(token),
          user_id: user.id,
          tenant_id: user.tenantId,
          csrf_token: csrfToken,
          ip: client.ip ?? null,
          user_agent: client.userAgent?.slice(0, 500) ?? null,
          last_seen_at: now,
          expires_at: expiresAt,
        })
        .execute();
      await emit({ type: eventType, subjectType: 'user', subjectId: user.id, payload: { id: user.id } });
    });
    return { token, csrfToken, user, tenant: await this.tenant(user.tenantId), expiresAt };
  }

  /** Resolves a session cookie; slides its expiry at most once an hour. */
  async resolveSession(token: string): Promise<SessionInfo | null> {
    const key = sha256(token);
    const cached = this.sessions.get(key);
    if (cached && cached.expiresAt > this.now()) return cached;
    const readAt = this.now().getTime();
    const row = await this.db.selectFrom('auth_session').selectAll().where('token_hash', '=', key).executeTakeFirst();
    const now = this.now();
    if (!row || row.expires_at <= now) return null;
    const user = await this.options.directory.findDirectoryUser(row.tenant_id, row.user_id);
    if (user?.status !== 'active') return null;
    let expiresAt = row.expires_at;
    if (now.getTime() - row.last_seen_at.getTime() > SESSION_REFRESH_MS) {
      expiresAt = new Date(now.getTime() + this.sessionMs);
      await this.db
        .updateTable('auth_session')
        .set({ last_seen_at: now, expires_at: expiresAt })
        .where('token_hash', '=', row.token_hash)
        .execute();
    }
    const session = { token, csrfToken: row.csrf_token, user, tenant: await this.tenant(row.tenant_id), expiresAt };
    this.sessions.set(key, session, readAt);
    return session;
  }

  /** The user's sessions or rights changed: cached sessions are read again (this node). */
  invalidateSessions(userId: string): void {
    this.sessions.forgetMatching((session) => session.user.id === userId);
  }

  async logout(session: SessionInfo, client: ClientInfo): Promise<void> {
    const ctx = {
      tenantId: session.user.tenantId,
      actor: { type: 'user' as const, userId: session.user.id, openId: session.user.openId, name: session.user.name },
      ...client,
    };
    const sessionId = sha256(session.token);
    await this.options.commands.run(ctx, async (trx, emit) => {
      this.sessions.delete(sessionId);
      await (trx as unknown as Transaction<AuthDb>).deleteFrom('auth_session').where('token_hash', '=', sessionId).execute();
      // The session id lets every node close that browser's live connections (and only those).
      const payload: LogoutEventPayload = { id: session.user.id, sessionId };
      await emit({ type: authEvents.loggedOut, subjectType: 'user', subjectId: session.user.id, payload });
    });
  }

  async tenant(tenantId: string): Promise<SessionInfo['tenant']> {
    const row = await this.db.selectFrom('tenant').selectAll().where('id', '=', tenantId).executeTakeFirstOrThrow();
    return { id: row.id, tenantKey: row.tenant_key, name: row.name };
  }

  async findTenantByKey(tenantKey: string): Promise<SessionInfo['tenant'] | null> {
    const row = await this.db.selectFrom('tenant').selectAll().where('tenant_key', '=', tenantKey).executeTakeFirst();
    return row ? { id: row.id, tenantKey: row.tenant_key, name: row.name } : null;
  }

  async firstTenant(): Promise<SessionInfo['tenant'] | null> {
    const row = await this.db.selectFrom('tenant').selectAll().orderBy('created_at').limit(1).executeTakeFirst();
    return row ? { id: row.id, tenantKey: row.tenant_key, name: row.name } : null;
  }
}
