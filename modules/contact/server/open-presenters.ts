import type { DepartmentEventPayload, UserEventPayload } from '@kite/contact/contract';
import type { DepartmentRow, UserRow } from './contact-repository.ts';

export type UserIdType = 'open_id' | 'union_id' | 'user_id';
export type DepartmentIdType = 'open_department_id' | 'department_id';

export function userIdOf(row: Pick<UserRow, 'open_id' | 'union_id' | 'user_id'>, type: UserIdType): string {
  return row[type];
}

export function departmentIdOf(row: Pick<DepartmentRow, 'open_department_id' | 'department_id'>, type: DepartmentIdType): string {
  return row[type];
}

/** A user in Feishu's contact v3 shape. */
export function presentOpenUser(
  row: UserRow,
  options: {
    userIdType: UserIdType;
    departmentIds: string[];
    manager: UserRow | undefined;
    tenantKey: string;
  },
) {
  return {
    union_id: row.union_id,
    user_id: row.user_id,
    open_id: row.open_id,
    name: row.name,
    en_name: row.en_name,
    nickname: '',
    email: row.email ?? '',
    enterprise_email: row.email ?? '',
    mobile: row.mobile ?? '',
    mobile_visible: true,
    gender: 0,
    avatar: { avatar_72: '', avatar_240: '', avatar_640: '', avatar_origin: '' },
    status: {
      is_frozen: false,
      is_resigned: row.status === 'deactivated',
      is_activated: row.status === 'active',
      is_exited: false,
      is_unjoin: false,
    },
    department_ids: options.departmentIds.length ? options.departmentIds : ['0'],
    leader_user_id: options.manager ? userIdOf(options.manager, options.userIdType) : '',
    city: '',
    country: '',
    work_station: '',
    join_time: Math.floor(row.created_at.getTime() / 1000),
    is_tenant_manager: row.is_admin,
    employee_no: row.employee_no,
    employee_type: 1,
    job_title: row.title,
    tenant_key: options.tenantKey,
  };
}

/**
 * The payload of every `contact.user.*` event: ids plus the user in Feishu's shape with open ids, as
 * it is after the change (`tenant_key` is filled in per app when the event goes out).
 */
export function presentUserEvent(
  row: UserRow,
  openDepartmentIds: string[],
  manager: UserRow | undefined,
  changed?: string[],
): UserEventPayload {
  const object = presentOpenUser(row, { userIdType: 'open_id', departmentIds: openDepartmentIds, manager, tenantKey: '' });
  return { id: row.id, openId: row.open_id, ...(changed ? { changed } : {}), object };
}

/** The payload of every `contact.department.*` event: the department in Feishu's shape with open ids. */
export function presentDepartmentEvent(
  row: DepartmentRow,
  parent: DepartmentRow | undefined,
  leader: UserRow | undefined,
  changed?: string[],
): DepartmentEventPayload {
  const object = presentOpenDepartment(row, {
    departmentIdType: 'open_department_id',
    userIdType: 'open_id',
    parent,
    leader,
    memberCount: 0,
  });
  return { id: row.id, ...(changed ? { changed } : {}), object };
}

/** A department in Feishu's contact v3 shape. */
export function presentOpenDepartment(
  row: DepartmentRow,
  options: {
    departmentIdType: DepartmentIdType;
    parent: DepartmentRow | undefined;
    leader: UserRow | undefined;
    userIdType: UserIdType;
    memberCount: number;
  },
) {
  return {
    name: row.name,
    i18n_name: { zh_cn: row.name, ja_jp: '', en_us: '' },
    parent_department_id: options.parent ? departmentIdOf(options.parent, options.departmentIdType) : '0',
    department_id: row.department_id,
    open_department_id: row.open_department_id,
    leader_user_id: options.leader ? userIdOf(options.leader, options.userIdType) : '',
    leaders: options.leader ? [{ leaderType: 1, leaderID: userIdOf(options.leader, options.userIdType) }] : [],
    chat_id: '',
    order: String(row.sort_order),
    member_count: options.memberCount,
    status: { is_deleted: false },
  };
}
