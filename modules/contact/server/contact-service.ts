import { authEvents, type CredentialStore } from '@kite/auth/contract';
import {
  type CreateDepartmentInput,
  type CreateUserInput,
  contactEvents,
  type DepartmentEventPayload,
  type DepartmentView,
  type DirectoryUser,
  type GroupInput,
  type GroupView,
  type ListUsersQuery,
  type UpdateDepartmentInput,
  type UpdateUserInput,
  type UserEventPayload,
  type UserRef,
  type UserView,
} from '@kite/contact/contract';
import { errors } from '@kite/kernel/errors';
import { newId, publicId, randomToken } from '@kite/kernel/ids';
import type { RequestContext } from '@kite/platform/context';
import type { CommandRunner, CommandScope, Emit } from '@kite/platform/outbox';
import type { Kysely, Transaction } from 'kysely';
import {
  type ContactDb,
  decodeCursor,
  encodeCursor,
  type NewUserRow,
  type Queryable,
  contactRepository as repo,
  takenError,
  type UserRow,
} from './contact-repository.ts';
import { presentDepartmentEvent, presentUserEvent } from './open-presenters.ts';
import { assertCanManageContacts, assertCanReadContacts } from './policy.ts';
import { presentDepartment, presentDirectoryUser, presentGroup, presentUser } from './presenters.ts';
import { avatarColor, normaliseQuery, searchKeys } from './search-keys.ts';

/** A command already inside a transaction (setup, invitations, CSV import) passes its scope down. */
export interface Scope {
  trx: Transaction<ContactDb>;
  emit: Emit;
}

type Ctx = Pick<RequestContext, 'tenantId' | 'actor' | 'ip' | 'userAgent' | 'isTenantAdmin' | 'scopes'>;

export interface ContactServiceDeps {
  db: Kysely<ContactDb>;
  commands: CommandRunner;
  credentials: CredentialStore;
}

/**
 * The org directory: people, departments, user groups. Commands check invariants, write, and emit
 * the domain event in one transaction; queries return presented DTOs.
 */
export class ContactService {
  constructor(private readonly deps: ContactServiceDeps) {}

  private get db() {
    return this.deps.db;
  }

  private run<T>(ctx: Ctx, body: (scope: Scope) => Promise<T>): Promise<T> {
    return this.deps.commands.run(ctx, (trx, emit) => body({ trx: trx as unknown as Transaction<ContactDb>, emit }));
  }

  // Queries ---------------------------------------------------------------------------------------

  async getUser(ctx: Ctx, id: string): Promise<UserView> {
    assertCanReadContacts(ctx);
    const row = await repo.findUser(this.db, ctx.tenantId, id);
    if (!row) throw errors.notFound('User');
    const [view] = await this.presentUsers(this.db, ctx.tenantId, [row]);
    return view!;
  }

  async listUsers(ctx: Ctx, query: ListUsersQuery): Promise<{ items: UserView[]; nextCursor: string | null }> {
    assertCanReadContacts(ctx);
    const after = decodeCursor(query.cursor);
    if (query.cursor && !after) throw errors.validation('Invalid cursor');
    const rows = await repo.listUsers(this.db, ctx.tenantId, {
      departmentId: query.departmentId,
      status: query.status,
      q: query.q || undefined,
      qKey: query.q ? normaliseQuery(query.q) : undefined,
      after,
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: await this.presentUsers(this.db, ctx.tenantId, page),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null,
    };
  }

  async listDepartments(ctx: Ctx): Promise<DepartmentView[]> {
    assertCanReadContacts(ctx);
    const rows = await repo.listDepartments(this.db, ctx.tenantId);
    const counts = await repo.departmentMemberCounts(this.db, ctx.tenantId);
    const leaderIds = new Set(rows.flatMap((row) => row.leader_user_ids));
    const leaders = await this.refs(this.db, ctx.tenantId, [...leaderIds]);
    return rows.map((row) =>
      presentDepartment(
        row,
        row.leader_user_ids.flatMap((id) => leaders.get(id) ?? []),
        counts.get(row.id) ?? 0,
      ),
    );
  }

  async getDepartment(ctx: Ctx, id: string): Promise<DepartmentView> {
    assertCanReadContacts(ctx);
    return this.departmentView(this.db, ctx.tenantId, id);
  }

  async listGroups(ctx: Ctx): Promise<GroupView[]> {
    assertCanReadContacts(ctx);
    return (await repo.listGroups(this.db, ctx.tenantId)).map(presentGroup);
  }

  async groupMembers(ctx: Ctx, groupId: string): Promise<UserView[]> {
    assertCanReadContacts(ctx);
    await this.requireGroup(this.db, ctx.tenantId, groupId);
    const rows = await repo.groupMembers(this.db, ctx.tenantId, groupId);
    return this.presentUsers(this.db, ctx.tenantId, rows);
  }

  // Commands: users -------------------------------------------------------------------------------

  async createUser(ctx: Ctx, input: CreateUserInput, scope?: Scope): Promise<{ user: UserView; temporaryPassword?: string }> {
    assertCanManageContacts(ctx);
    const body = async ({ trx, emit }: Scope) => {
      const { row, temporaryPassword } = await this.insertUser(trx, ctx.tenantId, input);
      await emit({
        type: contactEvents.userCreated,
        subjectType: 'user',
        subjectId: row.id,
        payload: await this.userPayload(trx, ctx.tenantId, row.id),
      });
      const [user] = await this.presentUsers(trx, ctx.tenantId, [row]);
      return { user: user!, ...(temporaryPassword ? { temporaryPassword } : {}) };
    };
    return scope ? body(scope) : this.run(ctx, body);
  }

  /**
   * Creates a user row without an authorization check: for first-run setup and accepted invitations,
   * whose callers have already established the right to create this account.
   */
  async createUserUnchecked(scope: CommandScope, tenantId: string, input: CreateUserInput): Promise<DirectoryUser> {
    const { row } = await this.insertUser(scope.trx as unknown as Transaction<ContactDb>, tenantId, input);
    await scope.emit({
      type: contactEvents.userCreated,
      subjectType: 'user',
      subjectId: row.id,
      payload: await this.userPayload(scope.trx as unknown as Transaction<ContactDb>, tenantId, row.id),
    });
    return presentDirectoryUser(row);
  }

  async updateUser(ctx: Ctx, id: string, input: UpdateUserInput): Promise<UserView> {
    assertCanManageContacts(ctx);
    return this.run(ctx, async ({ trx, emit }) => {
      const current = await repo.findUser(trx, ctx.tenantId, id);
      if (!current) throw errors.notFound('User');
      const patch: Partial<UserRow> = {};
      if (input.name !== undefined && input.name !== current.name) {
        const keys = searchKeys(input.name);
        Object.assign(patch, { name: input.name, search_pinyin: keys.pinyin, search_initials: keys.initials });
      }
      if (input.enName !== undefined) patch.en_name = input.enName;
      if (input.email !== undefined && input.email !== current.email) {
        if (input.email) await this.assertUnique(trx, ctx.tenantId, 'email', input.email, id);
        patch.email = input.email ?? null;
      }
      if (input.mobile !== undefined && input.mobile !== current.mobile) {
        if (input.mobile) await this.assertUnique(trx, ctx.tenantId, 'mobile', input.mobile, id);
        patch.mobile = input.mobile || null;
      }
      if (input.title !== undefined) patch.title = input.title;
      if (input.employeeId !== undefined && input.employeeId !== current.employee_no) {
        await this.assertUnique(trx, ctx.tenantId, 'user_id', input.employeeId, id);
        Object.assign(patch, { employee_no: input.employeeId, user_id: input.employeeId });
      }
      if (input.locale !== undefined) patch.locale = input.locale;
      if (input.managerId !== undefined) {
        if (input.managerId) await this.assertValidManager(trx, ctx.tenantId, id, input.managerId);
        patch.manager_id = input.managerId ?? null;
      }
      if (input.isAdmin !== undefined && input.isAdmin !== current.is_admin) {
        if (!input.isAdmin) await this.assertNotLastAdmin(trx, ctx.tenantId, current);
        patch.is_admin = input.isAdmin;
      }
      const changed = Object.keys(patch);
      if (input.departmentIds !== undefined) {
        await this.assertDepartmentsExist(trx, ctx.tenantId, input.departmentIds);
        await repo.setUserDepartments(trx, ctx.tenantId, id, [...new Set(input.departmentIds)]);
        changed.push('department_ids');
      }
      if (Object.keys(patch).length > 0) await repo.updateUser(trx, ctx.tenantId, id, patch);
      if (patch.is_admin !== undefined) this.deps.credentials.invalidateSessions(id);
      if (changed.length > 0) {
        await emit({
          type: contactEvents.userUpdated,
          subjectType: 'user',
          subjectId: id,
          payload: await this.userPayload(trx, ctx.tenantId, id, changed),
        });
      }
      return this.userView(trx, ctx.tenantId, id);
    });
  }

  /** The signed-in user's own preferences (no admin right needed). */
  async updateOwnLocale(ctx: Ctx & { actor: { type: 'user'; userId: string } }, locale: 'zh-CN' | 'en-US'): Promise<void> {
    await this.run(ctx, async ({ trx }) => {
      await repo.updateUser(trx, ctx.tenantId, ctx.actor.userId, { locale });
    });
  }

  async setUserStatus(ctx: Ctx, id: string, status: 'active' | 'deactivated'): Promise<UserView> {
    assertCanManageContacts(ctx);
    return this.run(ctx, async ({ trx, emit }) => {
      const current = await repo.findUser(trx, ctx.tenantId, id);
      if (!current) throw errors.notFound('User');
      if (current.status === status) return this.userView(trx, ctx.tenantId, id);
      if (status === 'deactivated') {
        if (ctx.actor.type === 'user' && ctx.actor.userId === id) {
          throw errors.conflict('cannot_deactivate_self', 'You cannot deactivate your own account');
        }
        await this.assertNotLastAdmin(trx, ctx.tenantId, current);
        await this.deps.credentials.revokeSessions(trx, id);
      }
      await repo.updateUser(trx, ctx.tenantId, id, { status });
      await emit({
        type: status === 'active' ? contactEvents.userReactivated : contactEvents.userDeactivated,
        subjectType: 'user',
        subjectId: id,
        payload: await this.userPayload(trx, ctx.tenantId, id, ['status']),
      });
      return this.userView(trx, ctx.tenantId, id);
    });
  }

  async resetPassword(ctx: Ctx, id: string, password?: string): Promise<{ temporaryPassword?: string }> {
    assertCanManageContacts(ctx);
    return this.run(ctx, async ({ trx, emit }) => {
      const current = await repo.findUser(trx, ctx.tenantId, id);
      if (!current) throw errors.notFound('User');
      const temporaryPassword = password ? undefined : temporaryPasswordFor();
      await this.deps.credentials.setPassword(trx, ctx.tenantId, id, password ?? temporaryPassword!);
      await this.deps.credentials.revokeSessions(trx, id);
      await emit({ type: authEvents.passwordReset, subjectType: 'user', subjectId: id, payload: { id } });
      return temporaryPassword ? { temporaryPassword } : {};
    });
  }

  // Commands: departments -------------------------------------------------------------------------

  async createDepartment(ctx: Ctx, input: CreateDepartmentInput, scope?: Scope): Promise<DepartmentView> {
    assertCanManageContacts(ctx);
    const body = async ({ trx, emit }: Scope) => {
      const id = await this.insertDepartment(trx, ctx.tenantId, input);
      await emit({
        type: contactEvents.departmentCreated,
        subjectType: 'department',
        subjectId: id,
        payload: await this.departmentPayload(trx, ctx.tenantId, id),
      });
      return this.departmentView(trx, ctx.tenantId, id);
    };
    return scope ? body(scope) : this.run(ctx, body);
  }

  async updateDepartment(ctx: Ctx, id: string, input: UpdateDepartmentInput): Promise<DepartmentView> {
    assertCanManageContacts(ctx);
    return this.run(ctx, async ({ trx, emit }) => {
      const current = await repo.findDepartment(trx, ctx.tenantId, id);
      if (!current) throw errors.notFound('Department');
      const patch: Parameters<typeof repo.updateDepartment>[3] = {};
      if (input.name !== undefined) patch.name = input.name;
      if (input.order !== undefined) patch.sort_order = input.order;
      if (input.leaderUserIds !== undefined) {
        await this.assertUsersExist(trx, ctx.tenantId, input.leaderUserIds);
        patch.leader_user_ids = [...new Set(input.leaderUserIds)];
      }
      if (input.parentId !== undefined && input.parentId !== current.parent_id) {
        if (input.parentId) {
          if (input.parentId === id) throw errors.conflict('department_cycle', 'A department cannot be its own parent');
          const parent = await repo.findDepartment(trx, ctx.tenantId, input.parentId);
          if (!parent) throw errors.notFound('Parent department');
          const ancestors = await repo.ancestorIds(trx, ctx.tenantId, input.parentId);
          if (ancestors.includes(id)) throw errors.conflict('department_cycle', 'A department cannot move under its own sub-department');
        }
        patch.parent_id = input.parentId ?? null;
      }
      if (Object.keys(patch).length > 0) {
        await repo.updateDepartment(trx, ctx.tenantId, id, patch);
        await emit({
          type: contactEvents.departmentUpdated,
          subjectType: 'department',
          subjectId: id,
          payload: await this.departmentPayload(trx, ctx.tenantId, id, Object.keys(patch)),
        });
      }
      return this.departmentView(trx, ctx.tenantId, id);
    });
  }

  async deleteDepartment(ctx: Ctx, id: string): Promise<void> {
    assertCanManageContacts(ctx);
    await this.run(ctx, async ({ trx, emit }) => {
      const current = await repo.findDepartment(trx, ctx.tenantId, id);
      if (!current) throw errors.notFound('Department');
      if (await repo.departmentHasChildrenOrMembers(trx, ctx.tenantId, id)) {
        throw errors.conflict('department_not_empty', 'Only an empty department (no members, no sub-departments) can be deleted');
      }
      const payload = await this.departmentPayload(trx, ctx.tenantId, id);
      await repo.deleteDepartment(trx, ctx.tenantId, id);
      await emit({
        type: contactEvents.departmentDeleted,
        subjectType: 'department',
        subjectId: id,
        payload,
      });
    });
  }

  // Commands: groups ------------------------------------------------------------------------------

  async createGroup(ctx: Ctx, input: GroupInput): Promise<GroupView> {
    assertCanManageContacts(ctx);
    return this.run(ctx, async ({ trx, emit }) => {
      const id = newId();
      await repo.insertGroup(trx, {
        id,
        tenant_id: ctx.tenantId,
        group_id: publicId.groupId(),
        name: input.name,
        description: input.description ?? '',
      });
      await emit({ type: contactEvents.groupCreated, subjectType: 'group', subjectId: id, payload: { id } });
      return this.requireGroup(trx, ctx.tenantId, id);
    });
  }

  async updateGroup(ctx: Ctx, id: string, input: Partial<GroupInput>): Promise<GroupView> {
    assertCanManageContacts(ctx);
    return this.run(ctx, async ({ trx, emit }) => {
      await this.requireGroup(trx, ctx.tenantId, id);
      await repo.updateGroup(trx, ctx.tenantId, id, input);
      await emit({ type: contactEvents.groupUpdated, subjectType: 'group', subjectId: id, payload: { id } });
      return this.requireGroup(trx, ctx.tenantId, id);
    });
  }

  async deleteGroup(ctx: Ctx, id: string): Promise<void> {
    assertCanManageContacts(ctx);
    await this.run(ctx, async ({ trx, emit }) => {
      const group = await this.requireGroup(trx, ctx.tenantId, id);
      await repo.deleteGroup(trx, ctx.tenantId, id);
      await emit({ type: contactEvents.groupDeleted, subjectType: 'group', subjectId: id, payload: { id, name: group.name } });
    });
  }

  async changeGroupMembers(ctx: Ctx, id: string, userIds: string[], change: 'add' | 'remove'): Promise<GroupView> {
    assertCanManageContacts(ctx);
    return this.run(ctx, async ({ trx, emit }) => {
      await this.requireGroup(trx, ctx.tenantId, id);
      const unique = [...new Set(userIds)];
      if (change === 'add') {
        await this.assertUsersExist(trx, ctx.tenantId, unique);
        await repo.addGroupMembers(trx, ctx.tenantId, id, unique);
      } else {
        await repo.removeGroupMembers(trx, id, unique);
      }
      await emit({ type: contactEvents.groupUpdated, subjectType: 'group', subjectId: id, payload: { id, [change]: unique } });
      return this.requireGroup(trx, ctx.tenantId, id);
    });
  }

  // Lookups for other modules (injected through the contract) --------------------------------------

  async findActiveUsersByEmail(email: string): Promise<DirectoryUser[]> {
    return (await repo.findActiveUsersByEmail(this.db, email.toLowerCase())).map(presentDirectoryUser);
  }

  async findDirectoryUser(tenantId: string, id: string): Promise<DirectoryUser | null> {
    const row = await repo.findUser(this.db, tenantId, id);
    return row ? presentDirectoryUser(row) : null;
  }

  // UserLookup (for IM and other modules, injected) ------------------------------------------------

  async usersByIds(tenantId: string, ids: readonly string[]): Promise<DirectoryUser[]> {
    return (await repo.findUsersByIds(this.db, tenantId, [...new Set(ids)])).map(presentDirectoryUser);
  }

  async usersByPublicIds(
    tenantId: string,
    type: 'open_id' | 'union_id' | 'user_id' | 'email',
    values: readonly string[],
  ): Promise<DirectoryUser[]> {
    const wanted = [...new Set(type === 'email' ? values.map((value) => value.toLowerCase()) : values)];
    return (await repo.findUsersBy(this.db, tenantId, type, wanted)).map(presentDirectoryUser);
  }

  async activeMemberIdsOfDepartments(tenantId: string, departmentIds: readonly string[]): Promise<string[]> {
    await this.assertDepartmentsExist(this.db, tenantId, departmentIds);
    const ids = new Set<string>();
    for (const departmentId of new Set(departmentIds)) {
      // Direct members only, as the web's department picker shows them; a whole subtree is a later option.
      const rows = await repo.listUsers(this.db, tenantId, { departmentId, status: 'active', limit: 10_000 });
      for (const row of rows) ids.add(row.id);
    }
    return [...ids];
  }

  async activeMemberIdsOfDepartmentTree(tenantId: string, departmentId: string): Promise<string[]> {
    await this.assertDepartmentsExist(this.db, tenantId, [departmentId]);
    return repo.activeUserIdsInSubtree(this.db, tenantId, departmentId);
  }

  departmentTreeOfUser(tenantId: string, userId: string): Promise<string[]> {
    return repo.departmentTreeOfUser(this.db, tenantId, userId);
  }

  async departmentName(tenantId: string, departmentId: string): Promise<string | undefined> {
    return (await repo.findDepartment(this.db, tenantId, departmentId))?.name;
  }

  // Internals -------------------------------------------------------------------------------------

  /**
   * An event payload that carries the Feishu-shaped object as it is after the change, so every
   * consumer (app events, audit, search) reads one self-contained record.
   */
  private async userPayload(trx: Queryable, tenantId: string, id: string, changed?: string[]): Promise<UserEventPayload> {
    const row = await repo.findUser(trx, tenantId, id);
    if (!row) throw errors.notFound('User');
    const departmentIds = (await repo.userDepartmentIds(trx, [id])).get(id) ?? [];
    const departments = await repo.findDepartmentsBy(trx, tenantId, 'id', departmentIds);
    const [manager] = row.manager_id ? await repo.findUsersByIds(trx, tenantId, [row.manager_id]) : [];
    return presentUserEvent(
      row,
      departments.map((department) => department.open_department_id),
      manager,
      changed,
    );
  }

  private async departmentPayload(trx: Queryable, tenantId: string, id: string, changed?: string[]): Promise<DepartmentEventPayload> {
    const row = await repo.findDepartment(trx, tenantId, id);
    if (!row) throw errors.notFound('Department');
    const [parent] = row.parent_id ? await repo.findDepartmentsBy(trx, tenantId, 'id', [row.parent_id]) : [];
    const [leader] = row.leader_user_ids[0] ? await repo.findUsersByIds(trx, tenantId, [row.leader_user_ids[0]]) : [];
    return presentDepartmentEvent(row, parent, leader, changed);
  }

  /**
   * Inserts one user after checking uniqueness and references; shared by every way one user is created
   * (the CSV import checks and inserts in bulk, and its people get no password).
   */
  async insertUser(trx: Queryable, tenantId: string, input: CreateUserInput): Promise<{ row: UserRow; temporaryPassword?: string }> {
    if (input.email) await this.assertUnique(trx, tenantId, 'email', input.email);
    if (input.mobile) await this.assertUnique(trx, tenantId, 'mobile', input.mobile);
    if (input.employeeId) await this.assertUnique(trx, tenantId, 'user_id', input.employeeId);
    const departmentIds = [...new Set(input.departmentIds ?? [])];
    await this.assertDepartmentsExist(trx, tenantId, departmentIds);
    if (input.managerId) await this.assertUsersExist(trx, tenantId, [input.managerId]);
    const row = this.newUserRow(tenantId, input);
    const { id } = row;
    await repo.insertUser(trx, row);
    await repo.setUserDepartments(trx, tenantId, id, departmentIds);
    const temporaryPassword = input.password ? undefined : temporaryPasswordFor();
    const password = input.password ?? temporaryPassword;
    if (password) await this.deps.credentials.setPassword(trx as Transaction<ContactDb>, tenantId, id, password);
    const inserted = await repo.findUser(trx, tenantId, id);
    return { row: inserted!, ...(temporaryPassword ? { temporaryPassword } : {}) };
  }

  /**
   * The row of a new user — fresh Feishu ids, search keys, avatar colour — checked by nobody: callers
   * check uniqueness and references first (insertUser one by one, the CSV import in bulk).
   */
  newUserRow(tenantId: string, input: CreateUserInput): NewUserRow {
    const id = newId();
    const keys = searchKeys(input.name);
    return {
      id,
      tenant_id: tenantId,
      open_id: publicId.openId(),
      union_id: publicId.unionId(),
      user_id: input.employeeId ?? publicId.userId(),
      name: input.name,
      en_name: input.enName ?? '',
      email: input.email ?? null,
      mobile: input.mobile || null,
      title: input.title ?? '',
      employee_no: input.employeeId ?? '',
      manager_id: input.managerId ?? null,
      status: 'active' as const,
      is_admin: input.isAdmin ?? false,
      locale: input.locale ?? 'zh-CN',
      avatar_color: avatarColor(id),
      search_pinyin: keys.pinyin,
      search_initials: keys.initials,
    };
  }

  async insertDepartment(trx: Queryable, tenantId: string, input: CreateDepartmentInput): Promise<string> {
    if (input.parentId) {
      const parent = await repo.findDepartment(trx, tenantId, input.parentId);
      if (!parent) throw errors.notFound('Parent department');
    }
    if (input.departmentId) {
      const existing = await repo.findDepartmentsBy(trx, tenantId, 'department_id', [input.departmentId]);
      if (existing.length > 0) throw errors.conflict('department_id_taken', `Department id ${input.departmentId} is already used`);
    }
    if (input.leaderUserIds?.length) await this.assertUsersExist(trx, tenantId, input.leaderUserIds);
    const id = newId();
    await repo.insertDepartment(trx, {
      id,
      tenant_id: tenantId,
      department_id: input.departmentId ?? publicId.departmentId(),
      open_department_id: publicId.openDepartmentId(),
      name: input.name,
      parent_id: input.parentId ?? null,
      leader_user_ids: [...new Set(input.leaderUserIds ?? [])],
      sort_order: input.order ?? 0,
    });
    return id;
  }

  async presentUsers(db: Queryable, tenantId: string, rows: UserRow[]): Promise<UserView[]> {
    const departmentIds = await repo.userDepartmentIds(
      db,
      rows.map((row) => row.id),
    );
    const allDepartmentIds = [...new Set([...departmentIds.values()].flat())];
    const departments = new Map(
      (await repo.findDepartmentsBy(db, tenantId, 'id', allDepartmentIds)).map((d) => [d.id, { id: d.id, name: d.name }]),
    );
    const managers = await this.refs(
      db,
      tenantId,
      rows.flatMap((row) => (row.manager_id ? [row.manager_id] : [])),
    );
    return rows.map((row) =>
      presentUser(
        row,
        (departmentIds.get(row.id) ?? []).flatMap((id) => departments.get(id) ?? []),
        row.manager_id ? (managers.get(row.manager_id) ?? null) : null,
      ),
    );
  }

  private async userView(db: Queryable, tenantId: string, id: string): Promise<UserView> {
    const row = await repo.findUser(db, tenantId, id);
    if (!row) throw errors.notFound('User');
    const [view] = await this.presentUsers(db, tenantId, [row]);
    return view!;
  }

  private async departmentView(db: Queryable, tenantId: string, id: string): Promise<DepartmentView> {
    const row = await repo.findDepartment(db, tenantId, id);
    if (!row) throw errors.notFound('Department');
    const leaders = await this.refs(db, tenantId, row.leader_user_ids);
    const counts = await repo.departmentMemberCounts(db, tenantId);
    return presentDepartment(
      row,
      row.leader_user_ids.flatMap((leader) => leaders.get(leader) ?? []),
      counts.get(id) ?? 0,
    );
  }

  private async refs(db: Queryable, tenantId: string, ids: string[]): Promise<Map<string, UserRef>> {
    const rows = await repo.findUsersByIds(db, tenantId, [...new Set(ids)]);
    return new Map(rows.map((row) => [row.id, { id: row.id, name: row.name }]));
  }

  private async requireGroup(db: Queryable, tenantId: string, id: string): Promise<GroupView> {
    const row = await repo.findGroup(db, tenantId, id);
    if (!row) throw errors.notFound('Group');
    return presentGroup(row);
  }

  private async assertUnique(db: Queryable, tenantId: string, column: 'email' | 'mobile' | 'user_id', value: string, exceptId?: string) {
    const rows = await repo.findUsersBy(db, tenantId, column, [value]);
    if (rows.some((row) => row.id !== exceptId)) throw takenError(column === 'user_id' ? 'employee_id' : column);
  }

  private async assertDepartmentsExist(db: Queryable, tenantId: string, ids: readonly string[]) {
    const unique = [...new Set(ids)];
    const found = await repo.findDepartmentsBy(db, tenantId, 'id', unique);
    if (found.length !== unique.length) throw errors.notFound('Department');
  }

  private async assertUsersExist(db: Queryable, tenantId: string, ids: readonly string[]) {
    const unique = [...new Set(ids)];
    const found = await repo.findUsersByIds(db, tenantId, unique);
    if (found.length !== unique.length) throw errors.notFound('User');
  }

  private async assertValidManager(db: Queryable, tenantId: string, userId: string, managerId: string) {
    if (managerId === userId) throw errors.conflict('manager_cycle', 'A person cannot be their own manager');
    let current: string | null = managerId;
    for (let depth = 0; current && depth < 100; depth++) {
      const manager = await repo.findUser(db, tenantId, current);
      if (!manager) throw errors.notFound('Manager');
      if (manager.manager_id === userId) throw errors.conflict('manager_cycle', 'This would make a reporting cycle');
      current = manager.manager_id;
    }
  }

  private async assertNotLastAdmin(db: Queryable, tenantId: string, user: UserRow) {
    if (!user.is_admin || user.status !== 'active') return;
    if ((await repo.countActiveAdmins(db, tenantId)) <= 1) {
      throw errors.conflict('last_admin', 'The organisation needs at least one active administrator');
    }
  }
}

function temporaryPasswordFor(): string {
  return `Kite-${randomToken(9)}`;
}
