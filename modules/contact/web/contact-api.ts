import type {
  CreateDepartmentInput,
  CreateUserInput,
  DepartmentView,
  GroupInput,
  GroupView,
  ImportResult,
  UpdateDepartmentInput,
  UpdateUserInput,
  UserView,
} from '@kite/contact/contract';
import { api } from '@kite/ui/api-client';

export type UserStatusFilter = 'active' | 'deactivated' | 'all';

export interface UserListParams {
  departmentId?: string;
  q?: string;
  status?: UserStatusFilter;
  limit?: number;
}

export interface UserPage {
  items: UserView[];
  nextCursor: string | null;
}

/** Every contact query key starts with `contact`, so one realtime event can invalidate them all. */
export const contactQueryKeys = {
  all: ['contact'] as const,
  departments: ['contact', 'departments'] as const,
  users: (params: UserListParams) => ['contact', 'users', params] as const,
  user: (id: string) => ['contact', 'user', id] as const,
  groups: ['contact', 'groups'] as const,
  groupMembers: (id: string) => ['contact', 'group-members', id] as const,
};

export function fetchDepartments(): Promise<{ items: DepartmentView[] }> {
  return api.get('/api/contact/departments');
}

export function createDepartment(input: CreateDepartmentInput): Promise<DepartmentView> {
  return api.post('/api/contact/departments', input);
}

export function updateDepartment(id: string, patch: UpdateDepartmentInput): Promise<DepartmentView> {
  return api.patch(`/api/contact/departments/${encodeURIComponent(id)}`, patch);
}

export function deleteDepartment(id: string): Promise<unknown> {
  return api.delete(`/api/contact/departments/${encodeURIComponent(id)}`);
}

export function fetchUsers(params: UserListParams, cursor?: string | null): Promise<UserPage> {
  return api.get('/api/contact/users', {
    query: { departmentId: params.departmentId, q: params.q, status: params.status, limit: params.limit, cursor },
  });
}

export function fetchUser(id: string): Promise<UserView> {
  return api.get(`/api/contact/users/${encodeURIComponent(id)}`);
}

export function createUser(input: CreateUserInput): Promise<{ user: UserView; temporaryPassword?: string }> {
  return api.post('/api/contact/users', input);
}

export function updateUser(id: string, patch: UpdateUserInput): Promise<UserView> {
  return api.patch(`/api/contact/users/${encodeURIComponent(id)}`, patch);
}

export function setUserActive(id: string, active: boolean): Promise<UserView> {
  return api.post(`/api/contact/users/${encodeURIComponent(id)}/${active ? 'reactivate' : 'deactivate'}`);
}

export function resetUserPassword(id: string, password?: string): Promise<{ temporaryPassword?: string }> {
  return api.post(`/api/contact/users/${encodeURIComponent(id)}/reset-password`, password ? { password } : {});
}

export function fetchGroups(): Promise<{ items: GroupView[] }> {
  return api.get('/api/contact/groups');
}

export function createGroup(input: GroupInput): Promise<GroupView> {
  return api.post('/api/contact/groups', input);
}

export function updateGroup(id: string, patch: Partial<GroupInput>): Promise<GroupView> {
  return api.patch(`/api/contact/groups/${encodeURIComponent(id)}`, patch);
}

export function deleteGroup(id: string): Promise<unknown> {
  return api.delete(`/api/contact/groups/${encodeURIComponent(id)}`);
}

export function fetchGroupMembers(id: string): Promise<{ items: UserView[] }> {
  return api.get(`/api/contact/groups/${encodeURIComponent(id)}/members`);
}

export function addGroupMembers(id: string, userIds: string[]): Promise<GroupView> {
  return api.post(`/api/contact/groups/${encodeURIComponent(id)}/members`, { userIds });
}

export function removeGroupMembers(id: string, userIds: string[]): Promise<GroupView> {
  return api.delete(`/api/contact/groups/${encodeURIComponent(id)}/members`, { userIds });
}

export function importContacts(csv: string, dryRun: boolean): Promise<ImportResult> {
  return api.post('/api/contact/import', { csv, dryRun });
}
