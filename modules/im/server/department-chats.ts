import { contactEvents, type UserEventPayload, type UserLookup } from '@kite/contact/contract';
import { type ChatView, CreateDepartmentChatInput } from '@kite/im/contract';
import { errors } from '@kite/kernel/errors';
import type { Logger } from '@kite/kernel/logger';
import type { Authenticators } from '@kite/platform/http';
import type { DomainEvent } from '@kite/platform/outbox';
import { parseInput } from '@kite/platform/validation';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { type ImDb, imRepository as repo } from './im-repository.ts';
import type { Ctx, ImService } from './im-service.ts';

/** Contact events after which a person's department groups may change. */
const PERSON_EVENTS = new Set<string>([
  contactEvents.userCreated,
  contactEvents.userUpdated,
  contactEvents.userDeactivated,
  contactEvents.userReactivated,
]);
/** Contact events that can move many people at once: every department group is reconciled. */
const TREE_EVENTS = new Set<string>([contactEvents.usersImported, contactEvents.departmentUpdated, contactEvents.departmentDeleted]);

/**
 * Department groups ("部门群"): a group that follows one department of the org tree. Everyone in
 * the department or under it is a member; people who join the department are added, people who
 * leave it (or are deactivated) are removed — driven by contact's events, applied in order, one
 * at a time. People added by hand stay until removed by hand. At start, and after imports or tree
 * moves, every department group is reconciled by adding whoever is missing (removals need the
 * person's own event, so a manually added outsider is never dropped by a sweep).
 */
export class DepartmentChats {
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly deps: { db: Kysely<ImDb>; im: ImService; users: UserLookup; logger: Logger }) {}

  /** Tenant admins create one department group per department; it starts with the whole subtree. */
  async create(ctx: Ctx, input: { departmentId: string; name?: string }): Promise<ChatView> {
    if (!ctx.isTenantAdmin) throw errors.forbidden('Only administrators can create department groups');
    const name = input.name?.trim() || (await this.deps.users.departmentName(ctx.tenantId, input.departmentId));
    if (name === undefined) throw errors.notFound('Department');
    const userIds = await this.deps.users.activeMemberIdsOfDepartmentTree(ctx.tenantId, input.departmentId);
    const id = await this.deps.im.createGroup(ctx, { name, userIds, followDepartmentId: input.departmentId });
    return this.deps.im.getChat(ctx, id);
  }

  /** The outbox consumer: work is chained so events apply in order and never overlap. */
  readonly consume = (events: DomainEvent[]): void => {
    for (const event of events) {
      if (PERSON_EVENTS.has(event.type)) {
        const { id, changed } = event.payload as UserEventPayload;
        // A rename or a new phone number moves nobody between groups.
        if (event.type === contactEvents.userUpdated && !changed?.includes('department_ids')) continue;
        this.enqueue(() => this.syncPerson(event.tenantId, id));
      } else if (TREE_EVENTS.has(event.type)) {
        this.enqueue(() => this.reconcile(event.tenantId));
      }
    }
  };

  /** Resolves when every queued sync has run (tests, shutdown). */
  idle(): Promise<void> {
    return this.queue;
  }

  enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(work).catch((error: unknown) => {
      this.deps.logger.error('department group sync failed', { err: error });
    });
  }

  /** Puts one person into the department groups of their departments and out of the others. */
  async syncPerson(tenantId: string, userId: string): Promise<void> {
    const chats = await repo.departmentChats(this.deps.db, tenantId);
    if (chats.length === 0) return;
    const [user] = await this.deps.users.usersByIds(tenantId, [userId]);
    const tree = new Set(user?.status === 'active' ? await this.deps.users.departmentTreeOfUser(tenantId, userId) : []);
    for (const chat of chats) {
      const member = (await repo.findMembers(this.deps.db, chat.id, 'user', [userId])).length > 0;
      const belongs = chat.department_id !== null && tree.has(chat.department_id);
      if (belongs && !member) await this.deps.im.syncMembers(tenantId, chat.id, { add: [userId], remove: [] });
      if (!belongs && member) await this.deps.im.syncMembers(tenantId, chat.id, { add: [], remove: [userId] });
    }
  }

  /** Adds everyone missing from the department groups of one tenant, or of all. */
  async reconcile(tenantId?: string): Promise<void> {
    for (const chat of await repo.departmentChats(this.deps.db, tenantId)) {
      if (!chat.department_id) continue;
      let wanted: string[];
      try {
        wanted = await this.deps.users.activeMemberIdsOfDepartmentTree(chat.tenant_id, chat.department_id);
      } catch {
        continue; // the department was deleted: the group keeps its people
      }
      const present = new Set(await repo.memberUserIds(this.deps.db, chat.id));
      const missing = wanted.filter((id) => !present.has(id));
      if (missing.length > 0) await this.deps.im.syncMembers(chat.tenant_id, chat.id, { add: missing, remove: [] });
    }
  }
}

export function registerDepartmentChatRoutes(
  app: FastifyInstance,
  deps: { departmentChats: DepartmentChats; authenticate: Authenticators },
) {
  app.post('/api/im/department-chats', async (request) => {
    const ctx = await deps.authenticate.user(request);
    return deps.departmentChats.create(ctx, parseInput(CreateDepartmentChatInput, request.body));
  });
}
