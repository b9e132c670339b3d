import { newId } from '@kite/kernel/ids';
import type { Logger } from '@kite/kernel/logger';
import { type Insertable, type Kysely, sql, type Transaction } from 'kysely';
import type { Actor, RequestContext } from './context.ts';
import type { PlatformTables } from './platform-tables.ts';
import { preparedQuery } from './prepared-query.ts';

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

/** One event's row, as most commands emit one: prepared. */
const insertOneEvent = preparedQuery((db: Kysely<PlatformTables>, { row }: { row: Insertable<PlatformTables['outbox']> }) =>
  db.insertInto('outbox').values(row).returning(['id', 'seq', 'created_at']),
);

/**
 * Writes events to the outbox and answers them as a reader of the outbox will see them (JSON fields
 * parsed back from what was written, `seq` and `createdAt` from the row), so this node can deliver
 * them after commit without reading them back.
 */
async function appendEvents(
  trx: AnyDb,
  ctx: Pick<RequestContext, 'tenantId' | 'actor' | 'ip' | 'userAgent'>,
  events: readonly NewEvent[],
): Promise<DomainEvent[]> {
  const actor = JSON.stringify(ctx.actor);
  const context = JSON.stringify({ ip: ctx.ip, userAgent: ctx.userAgent });
  const appended: DomainEvent[] = [];
  for (let start = 0; start < events.length; start += APPEND_CHUNK) {
    const rows = events.slice(start, start + APPEND_CHUNK).map((event) => ({
      id: newId(),
      tenant_id: ctx.tenantId,
      type: event.type,
      subject_type: event.subjectType,
      subject_id: event.subjectId,
      payload: JSON.stringify(event.payload),
      actor,
      context,
    }));
    const inserted =
      rows.length === 1
        ? (await insertOneEvent(trx, { row: rows[0]! })).rows
        : await trx.insertInto('outbox').values(rows).returning(['id', 'seq', 'created_at']).execute();
    const stored = new Map(inserted.map((row) => [row.id, row]));
    for (const row of rows) {
      const { seq, created_at } = stored.get(row.id)!;
      appended.push({
        seq: Number(seq),
        id: row.id,
        tenantId: row.tenant_id,
        type: row.type,
        subjectType: row.subject_type,
        subjectId: row.subject_id,
        payload: JSON.parse(row.payload),
        actor: JSON.parse(actor),
        context: JSON.parse(context),
        createdAt: created_at,
      });
    }
  }
  return appended;
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

export function createCommandRunner(db: Kysely<PlatformTables>, dispatcher: Pick<OutboxDispatcher, 'committed'>): CommandRunner {
  return {
    async run(ctx, body) {
      const emitted: DomainEvent[] = [];
      const result = await db.transaction().execute((trx) =>
        body(trx, async (event) => {
          const events = Array.isArray(event) ? (event as readonly NewEvent[]) : [event as NewEvent];
          if (events.length > 0) emitted.push(...(await appendEvents(trx, ctx, events)));
        }),
      );
      if (emitted.length > 0) dispatcher.committed(emitted);
      return result;
    },
  };
}

export type DurableHandler = (events: DomainEvent[], trx: Transaction<PlatformTables>) => Promise<void>;
export type LiveHandler = (events: DomainEvent[]) => void | Promise<void>;

export interface DurableOptions {
  /**
   * The events the handler acts on. With it, a batch the consumer wants nothing of moves its cursor
   * without a transaction (the cursor row is written lazily, on the next poll): a chat message costs
   * the audit log nothing. A hint only — the handler still gets every event in a batch it runs for,
   * so it must do nothing for an event this returns false for.
   */
  wants?(event: DomainEvent): boolean;
}

interface DurableConsumer {
  handler: DurableHandler;
  wants?: (event: DomainEvent) => boolean;
  /** The cursor as this node last read or wrote its row. */
  stored: number;
  /** Every event up to here is done or needs nothing from this consumer (≥ stored until written). */
  position: number;
}

/** Events just read from the outbox: every event in (from, last seq], shared by the consumers at `from` or later. */
interface RecentEvents {
  from: number;
  events: DomainEvent[];
}

/**
 * Delivers outbox events to consumers in order, at least once.
 * - durable consumers keep their cursor in `outbox_consumer` and process a batch in the transaction
 *   that advances it (they may only write to the database in it);
 * - live consumers (the client gateway) keep an in-memory cursor that starts at the head on boot,
 *   because each node serves its own sockets.
 * It runs when a command commits and on a timer, so events written by another node arrive too.
 *
 * One read of the outbox serves every live consumer, and every durable consumer whose cursor it
 * covers; a batch shorter than the batch size is the head (a later commit wakes the dispatcher
 * again), so an idle pass costs one query. A durable consumer that wants none of a batch is moved
 * past it in memory; its row catches up on the next poll.
 */
export class OutboxDispatcher {
  private durable = new Map<string, DurableConsumer>();
  private live = new Map<string, { handler: LiveHandler; cursor: number }>();
  private running = false;
  private again = false;
  private flushDue = false;
  /** The next pass reads the outbox (the poll, start, settle), not only what this node committed. */
  private readDue = false;
  /**
   * Events this node committed, by seq, until every live consumer has them: a run of them that
   * follows on from the consumers' cursor is delivered without reading the outbox. Anything else —
   * other nodes' events, a number still in flight or rolled back — is read (see {@link readInOrder}).
   */
  private readonly committedHere = new Map<number, DomainEvent>();
  /** Sequence numbers missing between committed events, and when each was first seen missing. */
  private readonly gaps = new Map<number, number>();
  private timer?: NodeJS.Timeout;
  private idle: Array<() => void> = [];
  private started = false;

  constructor(
    private readonly db: Kysely<PlatformTables>,
    private readonly logger: Logger,
    private readonly batchSize = 500,
    /** How long a missing sequence number may hold back the events after it (see {@link readInOrder}). */
    private readonly gapWaitMs = 5_000,
  ) {}

  addDurable(name: string, handler: DurableHandler, options: DurableOptions = {}): void {
    this.durable.set(name, { handler, wants: options.wants, stored: Number.NaN, position: Number.NaN });
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
    if (this.durable.size > 0) {
      const rows = await this.db.selectFrom('outbox_consumer').select(['name', 'last_seq']).execute();
      for (const row of rows) {
        const consumer = this.durable.get(row.name);
        if (consumer) consumer.stored = consumer.position = Number(row.last_seq);
      }
    }
    this.started = true;
    this.timer = setInterval(() => {
      this.flushDue = true;
      this.wake();
    }, pollMs);
    this.timer.unref();
    this.wake();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.started = false;
  }

  /** Every event up to here has reached every live consumer (the gateway replays up to it). */
  deliveredSeq(): number {
    return Math.min(...[...this.live.values()].map((consumer) => consumer.cursor));
  }

  async headSeq(): Promise<number> {
    const row = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.max('seq').as('max'))
      .executeTakeFirst();
    return Number(row?.max ?? 0);
  }

  /** Runs a pass that reads the outbox. */
  wake(): void {
    this.readDue = true;
    this.schedule();
  }

  /** Events a command of this node just committed: live consumers get them without a read. */
  committed(events: readonly DomainEvent[]): void {
    if (this.started && this.live.size > 0) for (const event of events) this.committedHere.set(event.seq, event);
    this.schedule();
  }

  private schedule(): void {
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
        this.schedule();
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
    return rows.some((row) => {
      const consumer = this.durable.get(row.name);
      return consumer !== undefined && Math.max(Number(row.last_seq), consumer.position) < head;
    });
  }

  private async drain(): Promise<void> {
    const read = this.readDue;
    this.readDue = false;
    try {
      const recent = await this.drainLive(read);
      for (const [name, consumer] of this.durable) await this.drainDurable(name, consumer, recent);
      if (this.flushDue) {
        this.flushDue = false;
        await this.flushPositions();
      }
    } catch (error) {
      this.logger.error('outbox dispatch failed', { error });
    }
  }

  /**
   * Live consumers share one batch: what this node committed next, else one read (always when `read`,
   * or when a later commit of this node waits behind a number it does not hold). Returns the last
   * batch (for durable consumers).
   */
  private async drainLive(read: boolean): Promise<RecentEvents | undefined> {
    if (this.live.size === 0) {
      if (this.durable.size === 0) return undefined;
      const from = Math.min(...[...this.durable.values()].map((consumer) => consumer.position));
      return { from, events: (await this.readInOrder(from)).events };
    }
    let recent: RecentEvents | undefined;
    for (let mustRead = read; ; ) {
      const from = Math.min(...[...this.live.values()].map((consumer) => consumer.cursor));
      const next = this.committedAfter(from);
      let batch: { events: DomainEvent[]; complete: boolean };
      if (next.length > 0) {
        batch = { events: next, complete: true };
      } else if (mustRead || this.holdsCommittedAfter(from)) {
        batch = await this.readInOrder(from);
        mustRead = batch.complete;
      } else {
        // Nothing new here; other nodes' events, if any, come with the next read (the poll).
        return recent ?? { from, events: [] };
      }
      const { events, complete } = batch;
      for (const [name, consumer] of this.live) {
        const mine = consumer.cursor === from ? events : events.filter((event) => event.seq > consumer.cursor);
        if (mine.length === 0) continue;
        try {
          await consumer.handler(mine);
        } catch (error) {
          this.logger.error('live consumer failed', { consumer: name, error });
        }
        consumer.cursor = mine[mine.length - 1]!.seq;
      }
      // Consecutive batches of one pass join up (to a batch's size), so durable consumers find the
      // events of a pass that also read in memory.
      recent =
        recent && recent.events.length + events.length <= this.batchSize
          ? { from: recent.from, events: [...recent.events, ...events] }
          : { from, events };
      this.forgetCommittedUpTo(Math.min(...[...this.live.values()].map((consumer) => consumer.cursor)));
      if (!complete) return recent;
    }
  }

  /** The run of events this node committed right after `from` (seq from + 1, from + 2, …), up to a batch. */
  private committedAfter(from: number): DomainEvent[] {
    const events: DomainEvent[] = [];
    for (let seq = from + 1; events.length < this.batchSize; seq++) {
      const event = this.committedHere.get(seq);
      if (!event) break;
      events.push(event);
    }
    return events;
  }

  private holdsCommittedAfter(from: number): boolean {
    for (const seq of this.committedHere.keys()) if (seq > from) return true;
    return false;
  }

  private forgetCommittedUpTo(cursor: number): void {
    for (const seq of this.committedHere.keys()) if (seq <= cursor) this.committedHere.delete(seq);
  }

  private async drainDurable(name: string, consumer: DurableConsumer, recent: RecentEvents | undefined): Promise<void> {
    for (;;) {
      if (recent && recent.from <= consumer.position) {
        // What is new for this consumer is already in memory.
        const pending = recent.events.filter((event) => event.seq > consumer.position);
        if (pending.length === 0) return;
        if (consumer.wants && !pending.some(consumer.wants)) {
          consumer.position = pending[pending.length - 1]!.seq;
          return;
        }
      }
      const outcome = await this.db.transaction().execute(async (trx) => {
        const cursor = await trx
          .selectFrom('outbox_consumer')
          .select('last_seq')
          .where('name', '=', name)
          .forUpdate()
          .skipLocked()
          .executeTakeFirst();
        if (!cursor) return null; // another node is at it
        const stored = Number(cursor.last_seq);
        // Events up to `position` need nothing from this consumer (it wanted none of them).
        const after = Number.isNaN(consumer.position) ? stored : Math.max(stored, consumer.position);
        const fromMemory = recent !== undefined && recent.from <= after;
        const read = fromMemory
          ? { events: recent.events.filter((event) => event.seq > after), complete: false }
          : await this.readInOrder(after, trx);
        const { events } = read;
        const last = events.length > 0 ? events[events.length - 1]!.seq : after;
        if (events.length > 0) await consumer.handler(events, trx);
        if (last > stored) {
          await trx.updateTable('outbox_consumer').set({ last_seq: last, updated_at: new Date() }).where('name', '=', name).execute();
        }
        return { last, more: read.complete };
      });
      if (!outcome) return;
      consumer.stored = outcome.last;
      consumer.position = Math.max(consumer.position, outcome.last);
      if (!outcome.more) return;
    }
  }

  /** Writes the cursors moved in memory (past events their consumers did not want); runs on the poll. */
  private async flushPositions(): Promise<void> {
    for (const [name, consumer] of this.durable) {
      if (!(consumer.position > consumer.stored)) continue;
      // Only forward: another node may have moved the row further meanwhile.
      await this.db
        .updateTable('outbox_consumer')
        .set({ last_seq: consumer.position, updated_at: new Date() })
        .where('name', '=', name)
        .where('last_seq', '<', consumer.position)
        .execute();
      consumer.stored = consumer.position;
    }
  }

  /**
   * Events after `afterSeq` that can be handed on in order; `complete` when a full batch came back
   * (more may follow). PostgreSQL hands out `seq` at insert, not at commit: with concurrent commands
   * seq 11 can commit while seq 10 is still in flight, and a reader that moved past 10 would never
   * see it. So a batch stops before a missing number until that number is settled: no other session
   * of this database has a write transaction in progress (PGlite never has while this runs: it is
   * one session) and the number is still missing — its command rolled back — or it has been missing
   * for `gapWaitMs`.
   */
  private async readInOrder(afterSeq: number, trx: AnyDb = this.db): Promise<{ events: DomainEvent[]; complete: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const events = await this.read(afterSeq, trx);
      let expected = afterSeq + 1;
      let retry = false;
      let stopAt = -1;
      for (const [index, event] of events.entries()) {
        for (; expected < event.seq && stopAt < 0 && !retry; expected++) {
          const gap = await this.gapState(expected, trx);
          if (gap === 'open') stopAt = index;
          else if (gap === 'committed') retry = true;
        }
        if (stopAt >= 0 || retry) break;
        expected = event.seq + 1;
      }
      // The missing event committed between the read and the check: read again, it is there now.
      if (retry && attempt < 3) continue;
      if (stopAt >= 0 || retry) return { events: events.slice(0, Math.max(stopAt, 0)), complete: false };
      return { events, complete: events.length >= this.batchSize };
    }
  }

  /** Whether the event numbered `seq`, missing from a read, may still commit ('open'). */
  private async gapState(seq: number, trx: AnyDb): Promise<'open' | 'settled' | 'committed'> {
    const now = Date.now();
    const since = this.gaps.get(seq);
    if (since !== undefined && now - since >= this.gapWaitMs) {
      this.gaps.delete(seq);
      this.logger.warn('outbox event missing for too long; delivering the events after it', { seq });
      return 'settled';
    }
    const { rows } = await sql<{ busy: boolean }>`
      select exists (
        select from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and backend_xid is not null
      ) as busy`.execute(trx);
    if (rows[0]?.busy) {
      if (since === undefined) this.gaps.set(seq, now);
      return 'open';
    }
    this.gaps.delete(seq);
    const found = await trx.selectFrom('outbox').select('seq').where('seq', '=', seq).executeTakeFirst();
    return found ? 'committed' : 'settled';
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
