import { errors } from '@kite/kernel/errors';
import type { RequestContext } from '@kite/platform/context';
import type { Kysely } from 'kysely';
import {
  type ContactDb,
  type DepartmentRow,
  decodeCursor,
  encodeCursor,
  contactRepository as repo,
  type UserRow,
} from './contact-repository.ts';
import type { ContactService } from './contact-service.ts';
import { type DepartmentIdType, departmentIdOf, presentOpenDepartment, presentOpenUser, type UserIdType } from './open-presenters.ts';
import { assertCanReadContacts } from './policy.ts';

export interface IdTypes {
  userIdType: UserIdType;
  departmentIdType: DepartmentIdType;
}

export const ROOT_DEPARTMENT = '0';

/**
 * The directory in Feishu's contact v3 terms: public ids of the caller's choosing, page tokens, the
 * implicit root department "0". Writes go through ContactService, so they check and emit the same.
 */
export class OpenContactApi {
  constructor(
    private readonly db: Kysely<ContactDb>,
    private readonly contacts: ContactService,
    private readonly tenantKeyOf: (tenantId: string) => Promise<string>,
  ) {}

  async resolveUser(ctx: RequestContext, id: string, type: UserIdType): Promise<UserRow> {
    const [row] = await repo.findUsersBy(this.db, ctx.tenantId, type, [id]);
    if (!row) throw errors.notFound('User');
    return row;
  }

  async resolveUsers(ctx: RequestContext, ids: readonly string[], type: UserIdType): Promise<string[]> {
    const rows = await repo.findUsersBy(this.db, ctx.tenantId, type, ids);
    if (rows.length !== new Set(ids).size) throw errors.notFound('User');
    return rows.map((row) => row.id);
  }

  /** Internal id of a department; null for the root "0". */
  async resolveDepartment(ctx: RequestContext, id: string, type: DepartmentIdType): Promise<string | null> {
    if (id === ROOT_DEPARTMENT) return null;
    const [row] = await repo.findDepartmentsBy(this.db, ctx.tenantId, type, [id]);
    if (!row) throw errors.notFound('Department');
    return row.id;
  }

  async resolveDepartments(ctx: RequestContext, ids: readonly string[], type: DepartmentIdType): Promise<string[]> {
    const wanted = ids.filter((id) => id !== ROOT_DEPARTMENT);
    const rows = await repo.findDepartmentsBy(this.db, ctx.tenantId, type, wanted);
    if (rows.length !== new Set(wanted).size) throw errors.notFound('Department');
    return rows.map((row) => row.id);
  }

  async presentUsers(ctx: RequestContext, rows: UserRow[], types: IdTypes) {
    const departmentIds = await repo.userDepartmentIds(
      this.db,
      rows.map((row) => row.id),
    );
    const departments = new Map(
      (await repo.findDepartmentsBy(this.db, ctx.tenantId, 'id', [...new Set([...departmentIds.values()].flat())])).map((d) => [d.id, d]),
    );
    const managers = new Map(
      (
        await repo.findUsersByIds(
          this.db,
          ctx.tenantId,
          rows.flatMap((row) => (row.manager_id ? [row.manager_id] : [])),
        )
      ).map((m) => [m.id, m]),
    );
    const tenantKey = await this.tenantKeyOf(ctx.tenantId);
    return rows.map((row) =>
      presentOpenUser(row, {
        userIdType: types.userIdType,
        departmentIds: (departmentIds.get(row.id) ?? []).flatMap((id) => {
          const department = departments.get(id);
          return department ? [departmentIdOf(department, types.departmentIdType)] : [];
        }),
        manager: row.manager_id ? managers.get(row.manager_id) : undefined,
        tenantKey,
      }),
    );
  }

  async presentDepartments(ctx: RequestContext, rows: DepartmentRow[], types: IdTypes) {
    const parents = new Map(
      (
        await repo.findDepartmentsBy(
          this.db,
          ctx.tenantId,
          'id',
          rows.flatMap((row) => (row.parent_id ? [row.parent_id] : [])),
        )
      ).map((d) => [d.id, d]),
    );
    const leaders = new Map(
      (
        await repo.findUsersByIds(
          this.db,
          ctx.tenantId,
          rows.flatMap((row) => row.leader_user_ids.slice(0, 1)),
        )
      ).map((u) => [u.id, u]),
    );
    const counts = await repo.departmentMemberCounts(this.db, ctx.tenantId);
    return rows.map((row) =>
      presentOpenDepartment(row, {
        departmentIdType: types.departmentIdType,
        userIdType: types.userIdType,
        parent: row.parent_id ? parents.get(row.parent_id) : undefined,
        leader: row.leader_user_ids[0] ? leaders.get(row.leader_user_ids[0]) : undefined,
        memberCount: counts.get(row.id) ?? 0,
      }),
    );
  }

  async getUser(ctx: RequestContext, id: string, types: IdTypes) {
    assertCanReadContacts(ctx);
    const row = await this.resolveUser(ctx, id, types.userIdType);
    return (await this.presentUsers(ctx, [row], types))[0]!;
  }

  async userById(ctx: RequestContext, id: string, types: IdTypes) {
    const row = await repo.findUser(this.db, ctx.tenantId, id);
    if (!row) throw errors.notFound('User');
    return (await this.presentUsers(ctx, [row], types))[0]!;
  }

  async departmentById(ctx: RequestContext, id: string, types: IdTypes) {
    const row = await repo.findDepartment(this.db, ctx.tenantId, id);
    if (!row) throw errors.notFound('Department');
    return (await this.presentDepartments(ctx, [row], types))[0]!;
  }

  /** Ids for e-mails and mobiles; unknown ones come back without `user_id`, as Feishu does. */
  async batchGetId(
    ctx: RequestContext,
    input: { emails?: string[]; mobiles?: string[]; include_resigned?: boolean },
    userIdType: UserIdType,
  ) {
    assertCanReadContacts(ctx);
    const usable = (row: UserRow) => input.include_resigned || row.status === 'active';
    const byEmail = new Map(
      (await repo.findUsersBy(this.db, ctx.tenantId, 'email', input.emails ?? [])).filter(usable).map((row) => [row.email, row]),
    );
    const byMobile = new Map(
      (await repo.findUsersBy(this.db, ctx.tenantId, 'mobile', input.mobiles ?? [])).filter(usable).map((row) => [row.mobile, row]),
    );
    return [
      ...(input.emails ?? []).map((email) => {
        const row = byEmail.get(email);
        return row
          ? {
              user_id: row[userIdType],
              email,
              status: { is_frozen: false, is_resigned: row.status !== 'active', is_activated: row.status === 'active' },
            }
          : { email };
      }),
      ...(input.mobiles ?? []).map((mobile) => {
        const row = byMobile.get(mobile);
        return row
          ? {
              user_id: row[userIdType],
              mobile,
              status: { is_frozen: false, is_resigned: row.status !== 'active', is_activated: row.status === 'active' },
            }
          : { mobile };
      }),
    ];
  }

  /** Direct members of a department ("0": people in no department), a page at a time. */
  async usersOfDepartment(ctx: RequestContext, departmentId: string, types: IdTypes, pageSize: number, pageToken?: string) {
    assertCanReadContacts(ctx);
    const after = decodeCursor(pageToken);
    if (pageToken && !after) throw errors.validation('Invalid page_token');
    const internalId = await this.resolveDepartment(ctx, departmentId, types.departmentIdType);
    const rows = await repo.listUsers(this.db, ctx.tenantId, {
      ...(internalId ? { departmentId: internalId } : { rootOnly: true }),
      status: 'active',
      after,
      limit: pageSize + 1,
    });
    return this.page(rows, pageSize, (page) => this.presentUsers(ctx, page, types));
  }

  /** Every active user of the tenant (the deprecated `GET users` list). */
  async allUsers(ctx: RequestContext, types: IdTypes, pageSize: number, pageToken?: string) {
    assertCanReadContacts(ctx);
    const after = decodeCursor(pageToken);
    if (pageToken && !after) throw errors.validation('Invalid page_token');
    const rows = await repo.listUsers(this.db, ctx.tenantId, { status: 'active', after, limit: pageSize + 1 });
    return this.page(rows, pageSize, (page) => this.presentUsers(ctx, page, types));
  }

  async getDepartment(ctx: RequestContext, id: string, types: IdTypes) {
    assertCanReadContacts(ctx);
    if (id === ROOT_DEPARTMENT) {
      const tenantKey = await this.tenantKeyOf(ctx.tenantId);
      return {
        name: '',
        department_id: '0',
        open_department_id: '0',
        parent_department_id: '',
        tenant_key: tenantKey,
        status: { is_deleted: false },
      };
    }
    const internalId = await this.resolveDepartment(ctx, id, types.departmentIdType);
    const row = await repo.findDepartment(this.db, ctx.tenantId, internalId!);
    return (await this.presentDepartments(ctx, [row!], types))[0]!;
  }

  /** Children of a department, optionally all descendants (`fetch_child`), a page at a time. */
  async children(ctx: RequestContext, id: string, types: IdTypes, fetchChild: boolean, pageSize: number, pageToken?: string) {
    assertCanReadContacts(ctx);
    const parentId = await this.resolveDepartment(ctx, id, types.departmentIdType);
    const after = decodeCursor(pageToken);
    if (pageToken && !after) throw errors.validation('Invalid page_token');
    let rows: DepartmentRow[];
    if (fetchChild) {
      const all = await repo.listDepartments(this.db, ctx.tenantId);
      const descendants: DepartmentRow[] = [];
      const queue = [parentId];
      while (queue.length) {
        const current = queue.shift();
        for (const row of all.filter((d) => d.parent_id === current)) {
          descendants.push(row);
          queue.push(row.id);
        }
      }
      // Sorted and filtered with the same comparison (code units), so a page token resumes exactly.
      rows = descendants.sort((a, b) => (a.name === b.name ? (a.id < b.id ? -1 : 1) : a.name < b.name ? -1 : 1));
      if (after) rows = rows.filter((row) => row.name > after.name || (row.name === after.name && row.id > after.id));
      rows = rows.slice(0, pageSize + 1);
    } else {
      rows = await repo.childDepartments(this.db, ctx.tenantId, parentId, after, pageSize + 1);
    }
    return this.page(rows, pageSize, (page) => this.presentDepartments(ctx, page, types));
  }

  private async page<Row extends { name: string; id: string }, Item>(
    rows: Row[],
    pageSize: number,
    present: (rows: Row[]) => Promise<Item[]>,
  ) {
    const page = rows.slice(0, pageSize);
    const hasMore = rows.length > pageSize;
    const last = page[page.length - 1];
    return {
      has_more: hasMore,
      ...(hasMore && last ? { page_token: encodeCursor(last) } : {}),
      items: await present(page),
    };
  }

  get service(): ContactService {
    return this.contacts;
  }
}
