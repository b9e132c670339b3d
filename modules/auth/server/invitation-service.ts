import { authEvents } from '@kite/auth/contract';
import type { ContactDirectory } from '@kite/contact/contract';
import type { Clock } from '@kite/kernel/clock';
import { AppError, errors } from '@kite/kernel/errors';
import { newId, randomToken } from '@kite/kernel/ids';
import type { RequestContext } from '@kite/platform/context';
import type { CommandRunner } from '@kite/platform/outbox';
import type { PlatformTables } from '@kite/platform/platform-tables';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { AuthService, ClientInfo, SessionInfo } from './auth-service.ts';
import type { AuthTables } from './tables.ts';

type Db = PlatformTables &
  AuthTables & { contact_user: { id: string; name: string; tenant_id: string } } & {
    contact_department: { id: string; name: string; tenant_id: string };
  };

export interface InvitationView {
  id: string;
  url: string;
  token: string;
  expiresAt: string;
  maxUses: number;
  uses: number;
  department: { id: string; name: string } | null;
  createdBy: { id: string; name: string } | null;
  createdAt: string;
  revoked: boolean;
}

type Ctx = Pick<RequestContext, 'tenantId' | 'actor' | 'ip' | 'userAgent' | 'isTenantAdmin'>;

function invalid(): AppError {
  return new AppError('invitation_invalid', 'This invitation link is invalid, used up or expired', { status: 404 });
}

/**
 * Invitation links let people join a tenant by themselves. The token is kept as given (not hashed):
 * admins copy the link again from the console, and a link grants only what an admin chose to share.
 */
export class InvitationService {
  private readonly db: Kysely<Db>;

  constructor(
    private readonly options: {
      db: Kysely<PlatformTables>;
      commands: CommandRunner;
      directory: ContactDirectory;
      auth: AuthService;
      clock: Clock;
      publicUrl: () => string;
    },
  ) {
    this.db = options.db as unknown as Kysely<Db>;
  }

  private assertAdmin(ctx: Ctx) {
    if (ctx.actor.type !== 'user' || !ctx.isTenantAdmin) throw errors.forbidden('Only administrators manage invitations');
  }

  async list(ctx: Ctx): Promise<InvitationView[]> {
    this.assertAdmin(ctx);
    const rows = await this.db
      .selectFrom('auth_invitation')
      .selectAll()
      .where('tenant_id', '=', ctx.tenantId)
      .where('revoked_at', 'is', null)
      .orderBy('created_at', 'desc')
      .limit(200)
      .execute();
    return this.present(rows);
  }

  async create(ctx: Ctx, input: { expiresInDays: number; maxUses: number; departmentId?: string | null }): Promise<InvitationView> {
    this.assertAdmin(ctx);
    if (input.departmentId) {
      const department = await this.db
        .selectFrom('contact_department')
        .select('id')
        .where('tenant_id', '=', ctx.tenantId)
        .where('id', '=', input.departmentId)
        .executeTakeFirst();
      if (!department) throw errors.notFound('Department');
    }
    const id = newId();
    await this.options.commands.run(ctx, async (trx, emit) => {
      await (trx as unknown as Transaction<Db>)
        .insertInto('auth_invitation')
        .values({
          id,
          tenant_id: ctx.tenantId,
          token: randomToken(18),
          department_id: input.departmentId ?? null,
          max_uses: input.maxUses,
          uses: 0,
          created_by: ctx.actor.type === 'user' ? ctx.actor.userId : '',
          expires_at: new Date(this.options.clock.now().getTime() + input.expiresInDays * 86_400_000),
          revoked_at: null,
        })
        .execute();
      await emit({ type: authEvents.invitationCreated, subjectType: 'invitation', subjectId: id, payload: { id } });
    });
    const row = await this.db.selectFrom('auth_invitation').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return (await this.present([row]))[0]!;
  }

  async revoke(ctx: Ctx, id: string): Promise<void> {
    this.assertAdmin(ctx);
    await this.options.commands.run(ctx, async (trx, emit) => {
      const result = await (trx as unknown as Transaction<Db>)
        .updateTable('auth_invitation')
        .set({ revoked_at: this.options.clock.now() })
        .where('tenant_id', '=', ctx.tenantId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw errors.notFound('Invitation');
      await emit({ type: authEvents.invitationRevoked, subjectType: 'invitation', subjectId: id, payload: { id } });
    });
  }

  /** Public: what the invitation page shows before someone joins. */
  async describe(token: string): Promise<{ tenantName: string; expiresAt: string }> {
    const row = await this.usable(this.db, token);
    const tenant = await this.options.auth.tenant(row.tenant_id);
    return { tenantName: tenant.name, expiresAt: row.expires_at.toISOString() };
  }

  /** Public: joins the tenant and signs the new member in. */
  async accept(token: string, input: { name: string; email: string; password: string }, client: ClientInfo): Promise<SessionInfo> {
    const peek = await this.usable(this.db, token);
    const ctx = { tenantId: peek.tenant_id, actor: { type: 'system' as const, name: 'invitation' }, ...client };
    const user = await this.options.commands.run(ctx, async (trx, emit) => {
      const row = await this.usable(trx as unknown as Transaction<Db>, token, true);
      await (trx as unknown as Transaction<Db>)
        .updateTable('auth_invitation')
        .set({ uses: row.uses + 1 })
        .where('id', '=', row.id)
        .execute();
      // The department may have been deleted since the link was made: then join without one.
      const department = row.department_id
        ? await (trx as unknown as Transaction<Db>)
            .selectFrom('contact_department')
            .select('id')
            .where('tenant_id', '=', row.tenant_id)
            .where('id', '=', row.department_id)
            .executeTakeFirst()
        : undefined;
      const created = await this.options.directory.createUserUnchecked({ trx, emit }, row.tenant_id, {
        name: input.name,
        email: input.email,
        password: input.password,
        departmentIds: department ? [department.id] : [],
      });
      await emit({
        type: authEvents.invitationAccepted,
        subjectType: 'invitation',
        subjectId: row.id,
        payload: { id: row.id, userId: created.id },
      });
      return created;
    });
    return this.options.auth.startSession(user, client, authEvents.loginSucceeded);
  }

  private async usable(db: Kysely<Db> | Transaction<Db>, token: string, lock = false): Promise<Selectable<AuthTables['auth_invitation']>> {
    let query = db.selectFrom('auth_invitation').selectAll().where('token', '=', token);
    if (lock) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    if (!row || row.revoked_at || row.expires_at <= this.options.clock.now() || row.uses >= row.max_uses) throw invalid();
    return row;
  }

  private async present(rows: Selectable<AuthTables['auth_invitation']>[]): Promise<InvitationView[]> {
    const userIds = [...new Set(rows.map((row) => row.created_by).filter(Boolean))];
    const departmentIds = [...new Set(rows.flatMap((row) => (row.department_id ? [row.department_id] : [])))];
    const users = userIds.length
      ? await this.db.selectFrom('contact_user').select(['id', 'name']).where('id', 'in', userIds).execute()
      : [];
    const departments = departmentIds.length
      ? await this.db.selectFrom('contact_department').select(['id', 'name']).where('id', 'in', departmentIds).execute()
      : [];
    const base = this.options.publicUrl().replace(/\/$/, '');
    return rows.map((row) => ({
      id: row.id,
      url: `${base}/invite/${row.token}`,
      token: row.token,
      expiresAt: row.expires_at.toISOString(),
      maxUses: row.max_uses,
      uses: row.uses,
      department: departments.find((d) => d.id === row.department_id) ?? null,
      createdBy: users.find((u) => u.id === row.created_by) ?? null,
      createdAt: row.created_at.toISOString(),
      revoked: Boolean(row.revoked_at),
    }));
  }
}
