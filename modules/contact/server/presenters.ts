import type { DepartmentView, DirectoryUser, GroupView, UserRef, UserView } from '@kite/contact/contract';
import type { DepartmentRow, UserRow } from './contact-repository.ts';

export function presentUser(row: UserRow, departments: UserRef[], manager: UserRef | null): UserView {
  return {
    id: row.id,
    openId: row.open_id,
    unionId: row.union_id,
    userId: row.user_id,
    name: row.name,
    enName: row.en_name,
    email: row.email,
    mobile: row.mobile,
    title: row.title,
    employeeId: row.employee_no,
    departments,
    manager,
    status: row.status,
    isAdmin: row.is_admin,
    locale: row.locale,
    avatarColor: row.avatar_color,
    createdAt: row.created_at.toISOString(),
  };
}

export function presentDirectoryUser(row: UserRow): DirectoryUser {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    openId: row.open_id,
    unionId: row.union_id,
    userId: row.user_id,
    name: row.name,
    email: row.email,
    mobile: row.mobile,
    status: row.status,
    isAdmin: row.is_admin,
    locale: row.locale,
    avatarColor: row.avatar_color,
  };
}

export function presentDepartment(row: DepartmentRow, leaders: UserRef[], memberCount: number): DepartmentView {
  return {
    id: row.id,
    departmentId: row.department_id,
    openDepartmentId: row.open_department_id,
    name: row.name,
    parentId: row.parent_id,
    leaders,
    order: row.sort_order,
    memberCount,
  };
}

export function presentGroup(row: {
  id: string;
  group_id: string;
  name: string;
  description: string;
  member_count: number | string | bigint;
}): GroupView {
  return {
    id: row.id,
    groupId: row.group_id,
    name: row.name,
    description: row.description,
    memberCount: Number(row.member_count),
  };
}
