import { newId } from '@kite/kernel/ids';
import type { Logger } from '@kite/kernel/logger';
import type { Kysely, Transaction } from 'kysely';
import type { Actor, RequestContext } from './context.ts';
import type { PlatformTables } from './platform-tables.ts';

/** One envelope for every domain event; all consumers (gateway, webhooks, audit, search) read it. */
export interface DomainEvent<P = unknown> {
  seq: number;
  id: string;
  tenantId: string;
  type: string;
  subjectType: string;
  subjectId: string;
  payload: P;
  actor: Actor | null;
  context: { ip?: string; userAgent?: string } | null;
  createdAt: Date;
}

export interface NewEvent<P = unknown> {
  type: string;
  subjectType: string;
  subjectId: string;
  payload: P;
}

/** Appends one event, or many in order (a bulk command emits one statement per chunk, not per event). */
export type Emit = (event: NewEvent | readonly NewEvent[]) => Promise<void>;

type AnyDb = Kysely<PlatformTables> | Transaction<PlatformTables>;

/** Rows per INSERT: 7 parameters each, well under PostgreSQL's 65,535 bind parameters. */
const APPEND_CHUNK = 1000;

async function appendEvents(
  trx: AnyDb,
  ctx: Pick<RequestContext, 'tenantId' | 'actor' | 'ip' | 'userAgent'>,
  events: readonly NewEvent[],
): Promise<void> {
  const actor = JSON.stringify(ctx.actor);
  const context = JSON.stringify({ ip: ctx.ip, userAgent: ctx.userAgent });
  for (let start = 0; start < events.length; start += APPEND_CHUNK) {
    await trx
      .insertInto('outbox')
      .values(
        events.slice(start, start + APPEND_CHUNK).map((event) => ({
          id: newId(),
          tenant_id: ctx.tenantId,
          type: event.type,
          subject_type: event.subjectType,
          subject_id: event.subjectId,
          payload: JSON.stringify(event.payload),
          actor,
          context,
        })),
      )
      .execute();
  }
}

export interface CommandRunner {
  /**
   * Runs `body` in one transaction; events it emits are written to the outbox in that transaction and
   * dispatched after commit. This is the only way events enter the system.
   */
  run<T>(
    ctx: Pick<RequestContext, 'tenantId' | 'actor' | 'ip' | 'userAgent'>,
    body: (trx: Transaction<PlatformTables>, emit: Emit) => Promise<T>,
  ): Promise<T>;
}

export function createCommandRunner(db: Kysely<PlatformTables>, dispatcher: { wake(): void }): CommandRunner {
  return {
    async run(ctx, body) {
      let emitted = 0;
      const result = await db.transaction().execute((trx) =>
        body(trx, async (event) => {
          const events = Array.isArray(event) ? (event as readonly NewEvent[]) : [event as NewEvent];
          emitted += events.length;
          if (events.length > 0) await appendEvents(trx, ctx, events);
        }),
      );
      if (emitted > 0) dispatcher.wake();
      return result;
    },
  };
}

export type DurableHandler = (events: DomainEvent[], trx: Transaction<PlatformTables>) => Promise<void>;
export type LiveHandler = (events: DomainEvent[]) => void | Promise<void>;

/**
 * Delivers outbox events to consumers in order, at least once.
 * - durable consumers keep their cursor in `outbox_consumer` and process a batch in the transaction
 *   that advances it (they may only write to the database in it);
 * - live consumers (the client gateway) keep an in-memory cursor that starts at the head on boot,
 *   because each node serves its own sockets.
 * It runs when a command commits and on a timer, so events written by another node arrive too.
 */
export class OutboxDispatcher {
  private durable = new Map<string, DurableHandler>();
  private live = new Map<string, { handler: LiveHandler; cursor: number }>();
  private running = false;
  private again = false;
  private timer?: NodeJS.Timeout;
  private idle: Array<() => void> = [];
  private started = false;

  constructor(
    private readonly db: Kysely<PlatformTables>,
    private readonly logger: Logger,
    private readonly batchSize = 500,
  ) {}

  addDurable(name: string, handler: DurableHandler): void {
    this.durable.set(name, handler);
  }

  addLive(name: string, handler: LiveHandler): void {
    this.live.set(name, { handler, cursor: Number.NaN });
  }

  async start(pollMs = 1000): Promise<void> {
    const head = await this.headSeq();
    for (const consumer of this.live.values()) consumer.cursor = head;
    for (const name of this.durable.keys()) {
      await this.db
        .insertInto('outbox_consumer')
        .values({ name, last_seq: head, updated_at: new Date() })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
    }
    this.started = true;
    this.timer = setInterval(() => this.wake(), pollMs);
    this.timer.unref();
    this.wake();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.started = false;
  }

  async headSeq(): Promise<number> {
    const row = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.max('seq').as('max'))
      .executeTakeFirst();
    return Number(row?.max ?? 0);
  }

  wake(): void {
    if (!this.started) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.drain().finally(() => {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.wake();
      } else {
        for (const resolve of this.idle.splice(0)) resolve();
      }
    });
  }

  /** Resolves once everything committed so far has been delivered (tests, shutdown). */
  async settle(): Promise<void> {
    if (!this.started) return;
    const head = await this.headSeq();
    for (let i = 0; i < 200; i++) {
      const behind = await this.behind(head);
      if (!behind) return;
      await new Promise<void>((resolve) => {
        this.idle.push(resolve);
        this.wake();
      });
    }
  }

  private async behind(head: number): Promise<boolean> {
    for (const consumer of this.live.values()) if (consumer.cursor < head) return true;
    if (this.durable.size === 0) return false;
    const rows = await this.db.selectFrom('outbox_consumer').select(['name', 'last_seq']).execute();
    return rows.some((row) => this.durable.has(row.name) && row.last_seq < head);
  }

  private async drain(): Promise<void> {
    try {
      for (const [name, consumer] of this.live) {
        for (;;) {
          const events = await this.read(consumer.cursor);
          if (events.length === 0) break;
          try {
            await consumer.handler(events);
          } catch (error) {
            this.logger.error('live consumer failed', { consumer: name, error });
          }
          consumer.cursor = events[events.length - 1]!.seq;
        }
      }
      for (const [name, handler] of this.durable) {
        for (;;) {
          const delivered = await this.db.transaction().execute(async (trx) => {
            const cursor = await trx
              .selectFrom('outbox_consumer')
              .select('last_seq')
              .where('name', '=', name)
              .forUpdate()
              .skipLocked()
              .executeTakeFirst();
            if (!cursor) return 0;
            const events = await this.read(cursor.last_seq, trx);
            if (events.length === 0) return 0;
            await handler(events, trx);
            await trx
              .updateTable('outbox_consumer')
              .set({ last_seq: events[events.length - 1]!.seq, updated_at: new Date() })
              .where('name', '=', name)
              .execute();
            return events.length;
          });
          if (delivered === 0) break;
        }
      }
    } catch (error) {
      this.logger.error('outbox dispatch failed', { error });
    }
  }

  /** Events after `afterSeq`, oldest first. Also used by the gateway to replay on resume. */
  async read(afterSeq: number, trx: AnyDb = this.db, tenantId?: string): Promise<DomainEvent[]> {
    let query = trx.selectFrom('outbox').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(this.batchSize);
    if (tenantId) query = query.where('tenant_id', '=', tenantId);
    const rows = await query.execute();
    return rows.map((row) => ({
      seq: Number(row.seq),
      id: row.id,
      tenantId: row.tenant_id,
      type: row.type,
      subjectType: row.subject_type,
      subjectId: row.subject_id,
      payload: row.payload,
      actor: row.actor as Actor | null,
      context: row.context as DomainEvent['context'],
      createdAt: row.created_at,
    }));
  }

  /** Oldest sequence still held, for deciding whether a client can resume. */
  async tailSeq(): Promise<number> {
    const row = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.min('seq').as('min'))
      .executeTakeFirst();
    return Number(row?.min ?? 0);
  }
}

/**
 * A transaction handed across module boundaries. Each module views it through its own table types
 * (`trx as Transaction<ModuleDb>`), since no module knows the others' tables.
 */
// biome-ignore lint/suspicious/noExplicitAny: the one place a transaction crosses module table types
export type SharedTransaction = Transaction<any>;

/** The transaction and emitter of a running command, passed to collaborators that write in it. */
export interface CommandScope {
  trx: SharedTransaction;
  emit: Emit;
}
