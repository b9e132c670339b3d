import type { Kysely, Transaction } from 'kysely';
import type { DomainEvent } from './outbox.ts';
import type { PlatformTables } from './platform-tables.ts';

export interface AuditEntryView {
  seq: number;
  action: string;
  subjectType: string;
  subjectId: string;
  actor: { type: string; id: string | null; name: string | null } | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
  detail: unknown;
}

/**
 * The audit log is one more reader of the outbox: who did what, when, from where. `isAudited`
 * leaves out everyday content (chat messages, reactions, read marks): it is private, it is not an
 * administrative action, and at message rates it would dwarf everything else in the log.
 */
export function createAuditConsumer(isAudited: (type: string) => boolean) {
  return (events: DomainEvent[], trx: Transaction<PlatformTables>) =>
    writeAuditEntries(
      events.filter((event) => isAudited(event.type)),
      trx,
    );
}

export async function writeAuditEntries(events: DomainEvent[], trx: Transaction<PlatformTables>): Promise<void> {
  if (events.length === 0) return;
  await trx
    .insertInto('audit_log')
    .values(
      events.map((event) => {
        const actor = event.actor;
        const actorId = !actor ? null : actor.type === 'user' ? actor.userId : actor.type === 'app' ? actor.appId : actor.name;
        return {
          seq: event.seq,
          tenant_id: event.tenantId,
          action: event.type,
          subject_type: event.subjectType,
          subject_id: event.subjectId,
          actor_type: actor?.type ?? null,
          actor_id: actorId,
          actor_name: actor?.name ?? null,
          ip: event.context?.ip ?? null,
          user_agent: event.context?.userAgent ?? null,
          detail: JSON.stringify(event.payload ?? {}),
          created_at: event.createdAt,
        };
      }),
    )
    .onConflict((oc) => oc.column('seq').doNothing())
    .execute();
}

export async function listAuditLog(
  db: Kysely<PlatformTables>,
  tenantId: string,
  options: { before?: number; limit: number; action?: string },
): Promise<{ items: AuditEntryView[]; nextCursor: string | null }> {
  let query = db.selectFrom('audit_log').selectAll().where('tenant_id', '=', tenantId);
  if (options.before) query = query.where('seq', '<', options.before);
  if (options.action) query = query.where('action', 'like', `${options.action.replace(/[\\%_]/g, '\\$&')}%`);
  const rows = await query
    .orderBy('seq', 'desc')
    .limit(options.limit + 1)
    .execute();
  const page = rows.slice(0, options.limit);
  return {
    items: page.map((row) => ({
      seq: Number(row.seq),
      action: row.action,
      subjectType: row.subject_type,
      subjectId: row.subject_id,
      actor: row.actor_type ? { type: row.actor_type, id: row.actor_id, name: row.actor_name } : null,
      ip: row.ip,
      userAgent: row.user_agent,
      createdAt: row.created_at.toISOString(),
      detail: row.detail,
    })),
    nextCursor: rows.length > options.limit ? String(page[page.length - 1]!.seq) : null,
  };
}
