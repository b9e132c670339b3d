import { imEvents, RetentionInput } from '@kite/im/contract';
import type { Clock } from '@kite/kernel/clock';
import { errors } from '@kite/kernel/errors';
import type { Logger } from '@kite/kernel/logger';
import type { Authenticators } from '@kite/platform/http';
import type { CommandRunner } from '@kite/platform/outbox';
import { parseInput } from '@kite/platform/validation';
import type { FastifyInstance } from 'fastify';
import { type Kysely, sql, type Transaction } from 'kysely';
import { ephemeralRepository as ephemerals } from './ephemeral-repository.ts';
import { type ImDb, imRepository as repo, retentionCutoff } from './im-repository.ts';
import type { Ctx } from './im-service.ts';

/** Messages deleted per transaction: short transactions keep PGlite's one connection available. */
const BATCH = 500;

/**
 * Message retention per tenant (Feishu admin → 消息保留时长). Tenant admins choose how many days
 * messages are kept; a sweep (at start and hourly) deletes older ones for good, with their
 * reactions and resource references, detaches replies to them, and moves read positions past
 * them so nothing counts as unread that can no longer be read. Uploaded bytes stay in the blob
 * store; what no message refers to is unreadable (resource access is by reference).
 */
export class MessageRetention {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | undefined;

  constructor(private readonly deps: { db: Kysely<ImDb>; commands: CommandRunner; clock: Clock; logger: Logger }) {}

  async policy(ctx: Ctx): Promise<{ retentionDays: number | null }> {
    if (!ctx.isTenantAdmin) throw errors.forbidden('Only administrators can see messenger settings');
    return { retentionDays: await repo.retentionDays(this.deps.db, ctx.tenantId) };
  }

  async setPolicy(ctx: Ctx, input: RetentionInput): Promise<{ retentionDays: number | null }> {
    if (!ctx.isTenantAdmin) throw errors.forbidden('Only administrators can change messenger settings');
    const before = await this.policy(ctx);
    if (before.retentionDays === input.retentionDays) return before;
    await this.deps.commands.run(ctx, async (trx, emit) => {
      await (trx as unknown as Transaction<ImDb>)
        .insertInto('im_tenant_settings')
        .values({ tenant_id: ctx.tenantId, retention_days: input.retentionDays })
        .onConflict((conflict) => conflict.column('tenant_id').doUpdateSet({ retention_days: input.retentionDays, updated_at: new Date() }))
        .execute();
      await emit({
        type: imEvents.settingsUpdated,
        subjectType: 'tenant',
        subjectId: ctx.tenantId,
        payload: { retentionDays: input.retentionDays, before: { retentionDays: before.retentionDays } },
      });
    });
    this.start(); // sweep soon, not in an hour
    return { retentionDays: input.retentionDays };
  }

  /** Deletes every tenant's expired messages; resolves to how many. One sweep at a time. */
  sweep(): Promise<number> {
    this.sweeping ??= this.sweepAll().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  private async sweepAll(): Promise<number> {
    const tenants = await this.deps.db
      .selectFrom('im_tenant_settings')
      .select(['tenant_id', 'retention_days'])
      .where('retention_days', 'is not', null)
      .execute();
    let deleted = 0;
    for (const tenant of tenants) {
      const cutoff = retentionCutoff(Number(tenant.retention_days), this.deps.clock.now());
      for (;;) {
        const count = await this.deleteBatch(tenant.tenant_id, cutoff);
        deleted += count;
        if (count < BATCH) break;
      }
    }
    if (deleted > 0) this.deps.logger.info('retention sweep deleted messages', { deleted });
    return deleted;
  }

  private async deleteBatch(tenantId: string, cutoff: Date): Promise<number> {
    return this.deps.db.transaction().execute(async (trx) => {
      const doomed = await trx
        .selectFrom('im_message')
        .select(['id', 'chat_id', 'seq'])
        .where('tenant_id', '=', tenantId)
        .where('created_at', '<', cutoff)
        .orderBy('created_at')
        .limit(BATCH)
        .execute();
      // Cards for one person go by the same age, whether or not messages of their time remain.
      await ephemerals.deleteOlderThan(trx, tenantId, cutoff);
      if (doomed.length === 0) return 0;
      const ids = doomed.map((row) => row.id);
      const list = sql.join(ids);
      // Everything that hangs off a message goes with it (buzzes, pins, a merged history's copies).
      await sql`delete from im_reaction where message_id in (${list})`.execute(trx);
      await sql`delete from im_urgent where message_id in (${list})`.execute(trx);
      await sql`delete from im_pin where message_id in (${list})`.execute(trx);
      await sql`delete from im_merged_message where merge_id in (${list})`.execute(trx);
      await sql`delete from im_resource_ref where message_id in (${list})`.execute(trx);
      await sql`update im_message set parent_id = null where parent_id in (${list})`.execute(trx);
      // A thread whose root goes becomes timeline messages again: nothing else could show its replies.
      await sql`update im_message set root_id = null, thread_id = null, in_thread = false where root_id in (${list})`.execute(trx);
      await trx.deleteFrom('im_message').where('id', 'in', ids).execute();
      const lastDeleted = new Map<string, number>();
      for (const row of doomed) lastDeleted.set(row.chat_id, Math.max(lastDeleted.get(row.chat_id) ?? 0, Number(row.seq)));
      for (const [chatId, seq] of lastDeleted) {
        await trx
          .updateTable('im_member')
          .set({ last_read_seq: seq })
          .where('chat_id', '=', chatId)
          .where('last_read_seq', '<', seq)
          .execute();
      }
      return doomed.length;
    });
  }

  /** Sweeps now (soon after start) and every `intervalMs`; errors are logged, the next run retries. */
  start(intervalMs = 60 * 60 * 1000): void {
    this.stop();
    const run = () => {
      this.sweep().catch((error: unknown) => this.deps.logger.error('retention sweep failed', { err: error }));
    };
    setImmediate(run);
    this.timer = setInterval(run, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping?.catch(() => undefined);
  }
}

export function registerRetentionRoutes(app: FastifyInstance, deps: { retention: MessageRetention; authenticate: Authenticators }): void {
  app.get('/api/im/settings', async (request) => deps.retention.policy(await deps.authenticate.user(request)));
  app.put('/api/im/settings', async (request) => {
    const ctx = await deps.authenticate.user(request);
    return deps.retention.setPolicy(ctx, parseInput(RetentionInput, request.body));
  });
}
