import type { CommandScope } from '@kite/platform/outbox';
import { z } from 'zod';

/** Names: trimmed, 1–100 chars, any script (中文, emoji, RTL round-trip as given). */
const name = z.string().trim().min(1, 'Name is required').max(100);
const email = z.string().trim().toLowerCase().email().max(254);
const mobile = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 -]{3,30}$/, 'Not a phone number');
const id = z.string().min(1).max(64);

export const LOCALES = ['zh-CN', 'en-US'] as const;
export type Locale = (typeof LOCALES)[number];

export const CreateUserInput = z.object({
  name,
  enName: z.string().trim().max(100).optional(),
  email: email.optional().nullable(),
  mobile: mobile.optional().nullable(),
  title: z.string().trim().max(100).optional(),
  employeeId: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'Letters, digits, _ . - only')
    .optional(),
  departmentIds: z.array(id).max(50).optional(),
  managerId: id.nullable().optional(),
  password: z.string().min(8, 'At least 8 characters').max(200).optional(),
  isAdmin: z.boolean().optional(),
  locale: z.enum(LOCALES).optional(),
});
export type CreateUserInput = z.infer<typeof CreateUserInput>;

export const UpdateUserInput = CreateUserInput.omit({ password: true }).partial();
export type UpdateUserInput = z.infer<typeof UpdateUserInput>;

export const ListUsersQuery = z.object({
  departmentId: id.optional(),
  q: z.string().trim().max(100).optional(),
  status: z.enum(['active', 'deactivated', 'all']).default('active'),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListUsersQuery = z.infer<typeof ListUsersQuery>;

export const CreateDepartmentInput = z.object({
  name,
  parentId: id.nullable().optional(),
  departmentId: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
  leaderUserIds: z.array(id).max(20).optional(),
  order: z.number().int().min(0).max(1_000_000).optional(),
});
export type CreateDepartmentInput = z.infer<typeof CreateDepartmentInput>;

export const UpdateDepartmentInput = CreateDepartmentInput.omit({ departmentId: true }).partial();
export type UpdateDepartmentInput = z.infer<typeof UpdateDepartmentInput>;

export const GroupInput = z.object({ name, description: z.string().trim().max(500).optional() });
export type GroupInput = z.infer<typeof GroupInput>;
export const GroupMembersInput = z.object({ userIds: z.array(id).min(1).max(1000) });

export const ImportInput = z.object({
  csv: z
    .string()
    .min(1)
    .max(5 * 1024 * 1024),
  dryRun: z.boolean().optional(),
});

export interface UserRef {
  id: string;
  name: string;
}

/** A person as the web app sees them. */
export interface UserView {
  id: string;
  openId: string;
  unionId: string;
  userId: string;
  name: string;
  enName: string;
  email: string | null;
  mobile: string | null;
  title: string;
  employeeId: string;
  departments: UserRef[];
  manager: UserRef | null;
  status: 'active' | 'deactivated';
  isAdmin: boolean;
  locale: Locale;
  avatarColor: string;
  createdAt: string;
}

export interface DepartmentView {
  id: string;
  departmentId: string;
  openDepartmentId: string;
  name: string;
  parentId: string | null;
  leaders: UserRef[];
  order: number;
  memberCount: number;
}

export interface GroupView {
  id: string;
  groupId: string;
  name: string;
  description: string;
  memberCount: number;
}

export interface ImportResult {
  ok: boolean;
  dryRun: boolean;
  created: { users: number; departments: number };
  errors: Array<{ row: number; column?: string; message: string }>;
}

/** Domain events (outbox `type`), payloads carry the ids. */
export const contactEvents = {
  userCreated: 'contact.user.created',
  userUpdated: 'contact.user.updated',
  userDeactivated: 'contact.user.deactivated',
  userReactivated: 'contact.user.reactivated',
  departmentCreated: 'contact.department.created',
  departmentUpdated: 'contact.department.updated',
  departmentDeleted: 'contact.department.deleted',
  groupCreated: 'contact.group.created',
  groupUpdated: 'contact.group.updated',
  groupDeleted: 'contact.group.deleted',
  usersImported: 'contact.users.imported',
} as const;

export interface UserEventPayload {
  id: string;
  openId: string;
  changed?: string[];
  /** The user in Feishu's contact v3 shape (open ids), as it is after the change. */
  object: Record<string, unknown>;
}

export interface DepartmentEventPayload {
  id: string;
  changed?: string[];
  /** The department in Feishu's contact v3 shape (open ids), as it was right before deletion or after the change. */
  object: Record<string, unknown>;
}

/** The slice of a user other modules need (auth, open platform, IM). */
export interface DirectoryUser {
  id: string;
  tenantId: string;
  openId: string;
  unionId: string;
  userId: string;
  name: string;
  email: string | null;
  mobile: string | null;
  status: 'active' | 'deactivated';
  isAdmin: boolean;
  locale: Locale;
  avatarColor: string;
}

/** Directory lookups and account creation other modules get by injection (wired in apps/server). */
export interface ContactDirectory {
  findActiveUsersByEmail(email: string): Promise<DirectoryUser[]>;
  findDirectoryUser(tenantId: string, id: string): Promise<DirectoryUser | null>;
  /**
   * Creates an account inside the caller's transaction, without an authorization check: for first-run
   * setup and accepted invitations, whose callers have established the right to create it.
   */
  createUserUnchecked(scope: CommandScope, tenantId: string, input: CreateUserInput): Promise<DirectoryUser>;
}

/**
 * Batch lookups of people for modules that show and address them (IM: senders, members, mentions).
 * Injected from apps/server; never called inside another module's open transaction (on PGlite that
 * transaction holds the only connection).
 */
export interface UserLookup {
  usersByIds(tenantId: string, ids: readonly string[]): Promise<DirectoryUser[]>;
  /** By a public id column; unknown values are simply absent from the result. */
  usersByPublicIds(
    tenantId: string,
    type: 'open_id' | 'union_id' | 'user_id' | 'email',
    values: readonly string[],
  ): Promise<DirectoryUser[]>;
  /** Active users directly in any of these departments (internal ids); unknown departments throw not_found. */
  activeMemberIdsOfDepartments(tenantId: string, departmentIds: readonly string[]): Promise<string[]>;
  /** Active users in a department or any department under it; an unknown department throws not_found. */
  activeMemberIdsOfDepartmentTree(tenantId: string, departmentId: string): Promise<string[]>;
  /** The departments a user belongs to, directly or through a sub-department (empty for nobody). */
  departmentTreeOfUser(tenantId: string, userId: string): Promise<string[]>;
  /** A department's name, or undefined if the tenant has no such department. */
  departmentName(tenantId: string, departmentId: string): Promise<string | undefined>;
}

export { buildDepartmentTree, type DepartmentNode, departmentPath, subtreeIds } from './department-tree.ts';
