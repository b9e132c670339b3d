import { errors } from '@kite/kernel/errors';
import { uniqueViolation } from '@kite/platform/database';
import type { PlatformTables } from '@kite/platform/platform-tables';
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { ContactTables } from './tables.ts';

export type ContactDb = PlatformTables & ContactTables;
export type Queryable = Kysely<ContactDb> | Transaction<ContactDb>;
export type UserRow = Selectable<ContactTables['contact_user']>;
/** A user as inserted (the database sets the timestamps). */
export type NewUserRow = Omit<UserRow, 'created_at' | 'updated_at'>;
export type DepartmentRow = Selectable<ContactTables['contact_department']>;
export type GroupRow = Selectable<ContactTables['contact_group']>;

/** Keyset cursor over (name, id): stable under inserts, no OFFSET scans. */
export interface NameCursor {
  name: string;
  id: string;
}

export function encodeCursor(cursor: NameCursor): string {
  return Buffer.from(JSON.stringify([cursor.name, cursor.id])).toString('base64url');
}

export function decodeCursor(token: string | undefined): NameCursor | undefined {
  if (!token) return undefined;
  try {
    const [name, id] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof name === 'string' && typeof id === 'string') return { name, id };
  } catch {
    // fall through: a malformed cursor is the caller's bad input
  }
  return undefined;
}

export interface UserFilter {
  departmentId?: string;
  /** Users in the tenant root (no department). */
  rootOnly?: boolean;
  status?: 'active' | 'deactivated' | 'all';
  /** Raw query for name / e-mail / mobile contains. */
  q?: string;
  /** Normalised query for pinyin / initials prefix. */
  qKey?: string;
  after?: NameCursor;
  limit: number;
}

/** The error for a value another user of the tenant already has. */
export function takenError(field: 'email' | 'mobile' | 'employee_id') {
  return errors.conflict(`${field}_taken`, `Another user already has this ${field.replace('_', ' ')}`);
}

/** Unique indexes of contact_user, as the client sees them. */
const UNIQUE_USER_FIELDS: Record<string, 'email' | 'mobile' | 'employee_id'> = {
  contact_user_email: 'email',
  contact_user_mobile: 'mobile',
  contact_user_tenant_id_user_id_key: 'employee_id',
};

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}

export const contactRepository = {
  async findUser(db: Queryable, tenantId: string, id: string): Promise<UserRow | undefined> {
    return db.selectFrom('contact_user').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  },

  async findUsersByIds(db: Queryable, tenantId: string, ids: readonly string[]): Promise<UserRow[]> {
    if (ids.length === 0) return [];
    return db
      .selectFrom('contact_user')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', [...ids])
      .execute();
  },

  /** Looks a user up by any public id column. */
  async findUsersBy(
    db: Queryable,
    tenantId: string,
    column: 'open_id' | 'union_id' | 'user_id' | 'email' | 'mobile',
    values: readonly string[],
  ): Promise<UserRow[]> {
    if (values.length === 0) return [];
    return db
      .selectFrom('contact_user')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where(column, 'in', [...values])
      .execute();
  },

  /** Across tenants: for sign-in by e-mail. */
  async findActiveUsersByEmail(db: Queryable, email: string): Promise<UserRow[]> {
    return db.selectFrom('contact_user').selectAll().where('email', '=', email).where('status', '=', 'active').execute();
  },

  async findUserByOpenId(db: Queryable, openId: string): Promise<UserRow | undefined> {
    return db.selectFrom('contact_user').selectAll().where('open_id', '=', openId).executeTakeFirst();
  },

  async listUsers(db: Queryable, tenantId: string, filter: UserFilter): Promise<UserRow[]> {
    let query = db.selectFrom('contact_user as u').selectAll('u').where('u.tenant_id', '=', tenantId);
    if (filter.status && filter.status !== 'all') query = query.where('u.status', '=', filter.status);
    if (filter.departmentId) {
      const departmentId = filter.departmentId;
      query = query.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('contact_user_department as ud')
            .select('ud.user_id')
            .whereRef('ud.user_id', '=', 'u.id')
            .where('ud.department_id', '=', departmentId),
        ),
      );
    }
    if (filter.rootOnly) {
      query = query.where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('contact_user_department as ud').select('ud.user_id').whereRef('ud.user_id', '=', 'u.id'))),
      );
    }
    if (filter.q) {
      const contains = `%${escapeLike(filter.q.toLowerCase())}%`;
      const prefix = `${escapeLike(filter.qKey ?? '')}%`;
      query = query.where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['u.name']), 'like', contains),
          eb(eb.fn('lower', ['u.en_name']), 'like', contains),
          eb('u.email', 'like', contains),
          eb('u.mobile', 'like', contains),
          ...(filter.qKey ? [eb('u.search_pinyin', 'like', prefix), eb('u.search_initials', 'like', prefix)] : []),
        ]),
      );
    }
    if (filter.after) {
      const { name, id } = filter.after;
      query = query.where((eb) => eb.or([eb('u.name', '>', name), eb.and([eb('u.name', '=', name), eb('u.id', '>', id)])]));
    }
    return query.orderBy('u.name').orderBy('u.id').limit(filter.limit).execute();
  },

  async insertUser(db: Queryable, row: NewUserRow) {
    try {
      await db.insertInto('contact_user').values(row).execute();
    } catch (error) {
      // Another request inserted the same value between the caller's check and this insert.
      const field = UNIQUE_USER_FIELDS[uniqueViolation(error) ?? ''];
      throw field ? takenError(field) : error;
    }
  },

  /** Many users at once (CSV import), in chunks; returns the rows as stored, in the given order. */
  async insertUsers(db: Queryable, rows: readonly NewUserRow[]): Promise<UserRow[]> {
    const stored: UserRow[] = [];
    // 19 columns a row: 1,000 rows stay well under PostgreSQL's 65,535 bind parameters.
    for (let start = 0; start < rows.length; start += 1000) {
      try {
        stored.push(
          ...(await db
            .insertInto('contact_user')
            .values(rows.slice(start, start + 1000))
            .returningAll()
            .execute()),
        );
      } catch (error) {
        const field = UNIQUE_USER_FIELDS[uniqueViolation(error) ?? ''];
        throw field ? takenError(field) : error;
      }
    }
    const byId = new Map(stored.map((row) => [row.id, row]));
    return rows.map((row) => byId.get(row.id)!);
  },

  /** Department memberships of new users (no memberships to replace), in chunks. */
  async insertUserDepartments(db: Queryable, memberships: ReadonlyArray<{ tenant_id: string; user_id: string; department_id: string }>) {
    for (let start = 0; start < memberships.length; start += 5000) {
      await db
        .insertInto('contact_user_department')
        .values(memberships.slice(start, start + 5000))
        .execute();
    }
  },

  async updateUser(db: Queryable, tenantId: string, id: string, patch: Partial<Omit<UserRow, 'id' | 'tenant_id' | 'created_at'>>) {
    await db
      .updateTable('contact_user')
      .set({ ...patch, updated_at: new Date() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  },

  async userDepartmentIds(db: Queryable, userIds: readonly string[]): Promise<Map<string, string[]>> {
    const map = new Map<string, string[]>();
    if (userIds.length === 0) return map;
    const rows = await db
      .selectFrom('contact_user_department')
      .select(['user_id', 'department_id'])
      .where('user_id', 'in', [...userIds])
      .execute();
    for (const row of rows) map.set(row.user_id, [...(map.get(row.user_id) ?? []), row.department_id]);
    return map;
  },

  async setUserDepartments(db: Queryable, tenantId: string, userId: string, departmentIds: readonly string[]) {
    await db.deleteFrom('contact_user_department').where('user_id', '=', userId).execute();
    if (departmentIds.length === 0) return;
    await db
      .insertInto('contact_user_department')
      .values(departmentIds.map((departmentId) => ({ tenant_id: tenantId, user_id: userId, department_id: departmentId })))
      .execute();
  },

  async countActiveAdmins(db: Queryable, tenantId: string): Promise<number> {
    const row = await db
      .selectFrom('contact_user')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('tenant_id', '=', tenantId)
      .where('is_admin', '=', true)
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    return Number(row.count);
  },

  // Departments -----------------------------------------------------------------------------------

  async listDepartments(db: Queryable, tenantId: string): Promise<DepartmentRow[]> {
    return db
      .selectFrom('contact_department')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('sort_order')
      .orderBy('name')
      .orderBy('id')
      .execute();
  },

  async findDepartment(db: Queryable, tenantId: string, id: string): Promise<DepartmentRow | undefined> {
    return db.selectFrom('contact_department').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  },

  async findDepartmentsBy(
    db: Queryable,
    tenantId: string,
    column: 'id' | 'department_id' | 'open_department_id',
    values: readonly string[],
  ): Promise<DepartmentRow[]> {
    if (values.length === 0) return [];
    return db
      .selectFrom('contact_department')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where(column, 'in', [...values])
      .execute();
  },

  async childDepartments(db: Queryable, tenantId: string, parentId: string | null, after?: NameCursor, limit = 1000) {
    let query = db.selectFrom('contact_department').selectAll().where('tenant_id', '=', tenantId);
    query = parentId === null ? query.where('parent_id', 'is', null) : query.where('parent_id', '=', parentId);
    if (after) {
      const { name, id } = after;
      query = query.where((eb) => eb.or([eb('name', '>', name), eb.and([eb('name', '=', name), eb('id', '>', id)])]));
    }
    return query.orderBy('name').orderBy('id').limit(limit).execute();
  },

  async insertDepartment(db: Queryable, row: Omit<DepartmentRow, 'created_at' | 'updated_at'>) {
    try {
      await db.insertInto('contact_department').values(row).execute();
    } catch (error) {
      if (uniqueViolation(error) !== 'contact_department_tenant_id_department_id_key') throw error;
      throw errors.conflict('department_id_taken', `Department id ${row.department_id} is already used`);
    }
  },

  async updateDepartment(
    db: Queryable,
    tenantId: string,
    id: string,
    patch: Partial<Pick<DepartmentRow, 'name' | 'parent_id' | 'leader_user_ids' | 'sort_order'>>,
  ) {
    await db
      .updateTable('contact_department')
      .set({ ...patch, updated_at: new Date() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  },

  async deleteDepartment(db: Queryable, tenantId: string, id: string) {
    await db.deleteFrom('contact_department').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  },

  async departmentHasChildrenOrMembers(db: Queryable, tenantId: string, id: string): Promise<boolean> {
    const child = await db
      .selectFrom('contact_department')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('parent_id', '=', id)
      .limit(1)
      .executeTakeFirst();
    if (child) return true;
    const member = await db
      .selectFrom('contact_user_department')
      .select('user_id')
      .where('department_id', '=', id)
      .limit(1)
      .executeTakeFirst();
    return Boolean(member);
  },

  /** Member counts including sub-departments are derived by the caller from the tree. */
  async departmentMemberCounts(db: Queryable, tenantId: string): Promise<Map<string, number>> {
    const rows = await db
      .selectFrom('contact_user_department as ud')
      .innerJoin('contact_user as u', 'u.id', 'ud.user_id')
      .select(['ud.department_id', (eb) => eb.fn.countAll<number>().as('count')])
      .where('ud.tenant_id', '=', tenantId)
      .where('u.status', '=', 'active')
      .groupBy('ud.department_id')
      .execute();
    return new Map(rows.map((row) => [row.department_id, Number(row.count)]));
  },

  /** Ancestors of a department, nearest first (for cycle checks). */
  async ancestorIds(db: Queryable, tenantId: string, id: string): Promise<string[]> {
    const result = await sql<{ id: string }>`
      with recursive up(id, parent_id, depth) as (
        select id, parent_id, 0 from contact_department where tenant_id = ${tenantId} and id = ${id}
        union all
        select d.id, d.parent_id, up.depth + 1 from contact_department d join up on d.id = up.parent_id
        where d.tenant_id = ${tenantId} and up.depth < 1000
      )
      select id from up where id <> ${id} order by depth`.execute(db);
    return result.rows.map((row) => row.id);
  },

  /** Active users in a department or below it. */
  async activeUserIdsInSubtree(db: Queryable, tenantId: string, departmentId: string): Promise<string[]> {
    const result = await sql<{ id: string }>`
      with recursive down(id, depth) as (
        select id, 0 from contact_department where tenant_id = ${tenantId} and id = ${departmentId}
        union all
        select d.id, down.depth + 1 from contact_department d join down on d.parent_id = down.id
        where d.tenant_id = ${tenantId} and down.depth < 1000
      )
      select distinct u.id from down
      join contact_user_department ud on ud.department_id = down.id
      join contact_user u on u.id = ud.user_id and u.status = 'active'`.execute(db);
    return result.rows.map((row) => row.id);
  },

  /** A user's departments and every department above them. */
  async departmentTreeOfUser(db: Queryable, tenantId: string, userId: string): Promise<string[]> {
    const result = await sql<{ id: string }>`
      with recursive up(id, parent_id, depth) as (
        select d.id, d.parent_id, 0 from contact_department d
        join contact_user_department ud on ud.department_id = d.id and ud.user_id = ${userId}
        where d.tenant_id = ${tenantId}
        union all
        select d.id, d.parent_id, up.depth + 1 from contact_department d join up on d.id = up.parent_id
        where d.tenant_id = ${tenantId} and up.depth < 1000
      )
      select distinct id from up`.execute(db);
    return result.rows.map((row) => row.id);
  },

  // Groups ----------------------------------------------------------------------------------------

  async listGroups(db: Queryable, tenantId: string) {
    return db
      .selectFrom('contact_group as g')
      .leftJoin('contact_group_member as m', 'm.group_id', 'g.id')
      .select(['g.id', 'g.group_id', 'g.name', 'g.description', 'g.created_at', 'g.tenant_id'])
      .select((eb) => eb.fn.count<number>('m.user_id').as('member_count'))
      .where('g.tenant_id', '=', tenantId)
      .groupBy('g.id')
      .orderBy('g.name')
      .execute();
  },

  async findGroup(db: Queryable, tenantId: string, id: string) {
    return db
      .selectFrom('contact_group as g')
      .leftJoin('contact_group_member as m', 'm.group_id', 'g.id')
      .select(['g.id', 'g.group_id', 'g.name', 'g.description', 'g.created_at', 'g.tenant_id'])
      .select((eb) => eb.fn.count<number>('m.user_id').as('member_count'))
      .where('g.tenant_id', '=', tenantId)
      .where('g.id', '=', id)
      .groupBy('g.id')
      .executeTakeFirst();
  },

  async insertGroup(db: Queryable, row: Omit<GroupRow, 'created_at'>) {
    await db.insertInto('contact_group').values(row).execute();
  },

  async updateGroup(db: Queryable, tenantId: string, id: string, patch: Partial<Pick<GroupRow, 'name' | 'description'>>) {
    await db.updateTable('contact_group').set(patch).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  },

  async deleteGroup(db: Queryable, tenantId: string, id: string) {
    await db.deleteFrom('contact_group').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  },

  async addGroupMembers(db: Queryable, tenantId: string, groupId: string, userIds: readonly string[]) {
    if (userIds.length === 0) return;
    await db
      .insertInto('contact_group_member')
      .values(userIds.map((userId) => ({ tenant_id: tenantId, group_id: groupId, user_id: userId })))
      .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
      .execute();
  },

  async removeGroupMembers(db: Queryable, groupId: string, userIds: readonly string[]) {
    if (userIds.length === 0) return;
    await db
      .deleteFrom('contact_group_member')
      .where('group_id', '=', groupId)
      .where('user_id', 'in', [...userIds])
      .execute();
  },

  async groupMembers(db: Queryable, tenantId: string, groupId: string): Promise<UserRow[]> {
    return db
      .selectFrom('contact_user as u')
      .innerJoin('contact_group_member as m', 'm.user_id', 'u.id')
      .selectAll('u')
      .where('m.group_id', '=', groupId)
      .where('u.tenant_id', '=', tenantId)
      .orderBy('u.name')
      .execute();
  },
};
