import { createLogger } from '@kite/kernel/logger';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Database, openDatabase } from './database.ts';
import { migrateToLatest } from './migrations.ts';
import { type CommandRunner, createCommandRunner, type DomainEvent, OutboxDispatcher } from './outbox.ts';
import { platformMigrations } from './platform-migrations.ts';

/** The dispatcher on a real database: shared reads, and consumers that want nothing of a batch. */

const engines = process.env.KITE_TEST_PG_URL ? (['pglite', 'postgres'] as const) : (['pglite'] as const);
const ctx = { tenantId: 't1', actor: { type: 'system' as const, name: 'test' } };
let counter = 0;

describe.each(engines)('outbox dispatcher (%s)', (engine) => {
  let database: Database;
  let dropDatabase: (() => Promise<void>) | undefined;
  const dispatchers: OutboxDispatcher[] = [];

  beforeEach(async () => {
    if (engine === 'postgres') {
      const admin = process.env.KITE_TEST_PG_URL!;
      const name = `kite_outbox_${process.pid}_${Date.now()}_${counter++}`;
      const client = new pg.Client({ connectionString: admin });
      await client.connect();
      await client.query(`create database ${name}`);
      await client.end();
      const url = new URL(admin);
      url.pathname = `/${name}`;
      database = await openDatabase({ url: url.toString() });
      dropDatabase = async () => {
        const c = new pg.Client({ connectionString: admin });
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      };
    } else {
      database = await openDatabase({ dataDir: 'memory://' });
    }
    await migrateToLatest(database.db as never, platformMigrations);
  });

  afterEach(async () => {
    for (const dispatcher of dispatchers.splice(0)) dispatcher.stop();
    await database.close();
    await dropDatabase?.();
    dropDatabase = undefined;
  });

  /** A dispatcher on its own Kysely instance, so its transactions can be counted apart from the commands'. */
  function dispatcher(pollMs: number) {
    const db = database.db.withPlugin({ transformQuery: (args) => args.node, transformResult: async (args) => args.result });
    const created = new OutboxDispatcher(db, createLogger('silent'));
    dispatchers.push(created);
    return { dispatcher: created, transactions: vi.spyOn(db, 'transaction'), start: () => created.start(pollMs) };
  }

  async function emit(commands: CommandRunner, ...types: string[]) {
    await commands.run(ctx, async (_trx, push) => {
      for (const type of types) await push({ type, subjectType: 'thing', subjectId: type, payload: { type } });
    });
  }

  async function storedCursor(name: string): Promise<number> {
    const row = await database.db.selectFrom('outbox_consumer').select('last_seq').where('name', '=', name).executeTakeFirstOrThrow();
    return Number(row.last_seq);
  }

  it('serves live and durable consumers from one read, and skips a batch a consumer wants nothing of', async () => {
    const { dispatcher: outbox, transactions, start } = dispatcher(3_600_000);
    const seen: string[] = [];
    const audited: string[] = [];
    outbox.addLive('live', (events) => {
      seen.push(...events.map((event) => event.type));
    });
    // A second consumer that wants nothing either: reading once per consumer would show as 3 reads.
    outbox.addDurable('search', async () => {}, { wants: () => false });
    outbox.addDurable(
      'audit',
      async (events) => {
        audited.push(...events.filter((event) => event.type.startsWith('admin.')).map((event) => event.type));
      },
      { wants: (event) => event.type.startsWith('admin.') },
    );
    const read = vi.spyOn(outbox, 'read');
    await start();
    // The pass that start() runs reads once; count from after it.
    await vi.waitFor(() => expect(read).toHaveBeenCalled());
    await new Promise((resolve) => setTimeout(resolve, 50));
    read.mockClear();
    const commands = createCommandRunner(database.db, outbox);

    await emit(commands, 'chat.message', 'chat.message');
    await outbox.settle();
    expect(seen).toEqual(['chat.message', 'chat.message']);
    // One read served every consumer; the durable ones wanted nothing: no transaction, row untouched.
    // (On a shared PostgreSQL a pass may read once more while another test's transaction holds a
    // lower seq open; one read per consumer would be three.)
    expect(read.mock.calls.length).toBeLessThanOrEqual(2);
    expect(transactions).not.toHaveBeenCalled();
    expect(audited).toEqual([]);
    const head = await outbox.headSeq();
    expect(await storedCursor('audit')).toBeLessThan(head);

    await emit(commands, 'admin.changed');
    await outbox.settle();
    expect(seen).toEqual(['chat.message', 'chat.message', 'admin.changed']);
    expect(audited).toEqual(['admin.changed']);
    expect(transactions).toHaveBeenCalledTimes(1);
    expect(await storedCursor('audit')).toBe(await outbox.headSeq());
  });

  it('hands live consumers what this node committed without reading it back, and reads what it did not', async () => {
    const { dispatcher: outbox, start } = dispatcher(3_600_000);
    const seen: DomainEvent[] = [];
    outbox.addLive('live', (events) => {
      seen.push(...events);
    });
    await start();
    await outbox.settle();
    const read = vi.spyOn(outbox, 'read');
    const commands = createCommandRunner(database.db, outbox);
    await commands.run(ctx, async (_trx, push) => {
      await push({
        type: 'thing.local',
        subjectType: 'thing',
        subjectId: 'a',
        payload: { at: new Date(0), list: [1, 'two'], gone: undefined },
      });
    });
    await vi.waitFor(() => expect(seen.map((event) => event.type)).toEqual(['thing.local']));
    expect(read).not.toHaveBeenCalled();
    // What it got is what a reader of the outbox gets.
    expect(seen[0]).toEqual((await outbox.read(seen[0]!.seq - 1))[0]);

    // Another node's commit (a runner this dispatcher does not hear from) waits for the poll, unless
    // a later commit of this node follows it: then the number it lacks is read, and both arrive in order.
    const otherNode = createCommandRunner(database.db, { committed: () => undefined });
    await emit(otherNode, 'thing.remote');
    await emit(commands, 'thing.after');
    await vi.waitFor(() => expect(seen.map((event) => event.type)).toEqual(['thing.local', 'thing.remote', 'thing.after']));
    expect(read).toHaveBeenCalled();
    await emit(otherNode, 'thing.remote-alone');
    outbox.wake(); // what the poll does
    await vi.waitFor(() => expect(seen.at(-1)?.type).toBe('thing.remote-alone'));
  });

  it('writes a skipped cursor on the poll, so a restart does not read those events again', async () => {
    const { dispatcher: first, start } = dispatcher(50);
    first.addLive('live', () => undefined);
    const handled: DomainEvent[] = [];
    first.addDurable('audit', async (events) => void handled.push(...events), { wants: (event) => event.type.startsWith('admin.') });
    await start();
    const commands = createCommandRunner(database.db, first);
    await emit(commands, 'chat.message', 'chat.message', 'chat.message');
    await first.settle();
    const head = await first.headSeq();
    await vi.waitFor(async () => expect(await storedCursor('audit')).toBe(head), { timeout: 5_000, interval: 20 });
    first.stop();

    const { dispatcher: second, start: restart } = dispatcher(3_600_000);
    const after: DomainEvent[] = [];
    second.addDurable('audit', async (events) => void after.push(...events), { wants: (event) => event.type.startsWith('admin.') });
    await restart();
    await emit(createCommandRunner(database.db, second), 'admin.changed');
    await second.settle();
    expect(handled).toEqual([]);
    expect(after.map((event) => event.type)).toEqual(['admin.changed']);
  });

  // Concurrent commands exist on PostgreSQL only: PGlite is one session, so commands commit one by one.
  it.runIf(engine === 'postgres')('holds back a later event until an earlier one still in flight commits', async () => {
    const { dispatcher: outbox, start } = dispatcher(3_600_000);
    const seen: string[] = [];
    outbox.addLive('live', (events) => {
      seen.push(...events.map((event) => event.subjectId));
    });
    const durable: string[] = [];
    outbox.addDurable('audit', async (events) => void durable.push(...events.map((event) => event.subjectId)));
    await start();
    const commands = createCommandRunner(database.db, outbox);
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let emitted!: () => void;
    const firstEmitted = new Promise<void>((resolve) => {
      emitted = resolve;
    });
    const slow = commands.run(ctx, async (_trx, emit) => {
      await emit({ type: 'thing.first', subjectType: 'thing', subjectId: 'first', payload: {} });
      emitted();
      await held;
    });
    await firstEmitted;
    await emit(commands, 'thing.second');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen).toEqual([]);
    expect(durable).toEqual([]);
    release();
    await slow;
    await outbox.settle();
    expect(seen).toEqual(['first', 'thing.second']);
    expect(durable).toEqual(['first', 'thing.second']);
  });

  it('passes over a number a rolled-back command left unused', async () => {
    const { dispatcher: outbox, start } = dispatcher(3_600_000);
    const seen: string[] = [];
    outbox.addLive('live', (events) => {
      seen.push(...events.map((event) => event.type));
    });
    await start();
    const commands = createCommandRunner(database.db, outbox);
    await expect(
      commands.run(ctx, async (_trx, push) => {
        await push({ type: 'thing.undone', subjectType: 'thing', subjectId: 'x', payload: {} });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await emit(commands, 'thing.kept');
    await outbox.settle();
    expect(seen).toEqual(['thing.kept']);
    expect(outbox.deliveredSeq()).toBe(await outbox.headSeq());
  });

  it('retries a failed durable batch, with wanted and unwanted events, until it succeeds', async () => {
    const { dispatcher: outbox, start } = dispatcher(3_600_000);
    outbox.addLive('live', () => undefined);
    let failures = 1;
    const audited: string[] = [];
    outbox.addDurable(
      'audit',
      async (events) => {
        if (failures-- > 0) throw new Error('audit store down');
        audited.push(...events.filter((event) => event.type.startsWith('admin.')).map((event) => event.type));
      },
      { wants: (event) => event.type.startsWith('admin.') },
    );
    await start();
    const commands = createCommandRunner(database.db, outbox);
    await emit(commands, 'chat.message', 'admin.one', 'chat.message');
    await outbox.settle();
    expect(audited).toEqual(['admin.one']);
    expect(await storedCursor('audit')).toBe(await outbox.headSeq());
    await emit(commands, 'chat.message', 'admin.two');
    await outbox.settle();
    expect(audited).toEqual(['admin.one', 'admin.two']);
  });
});
