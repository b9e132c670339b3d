import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '@kite/kernel/clock';
import { newId, publicId, randomHex } from '@kite/kernel/ids';
import { createLogger } from '@kite/kernel/logger';
import type { AppDirectory, AppRecord } from '@kite/openplatform/contract';
import { type Database, openDatabase } from '@kite/platform/database';
import { migrateToLatest } from '@kite/platform/migrations';
import { createCommandRunner, OutboxDispatcher } from '@kite/platform/outbox';
import { platformMigrations } from '@kite/platform/platform-migrations';
import type { Selectable } from 'kysely';
import { appHasScope } from '../contract/index.ts';
import { createEventsService, type EventsService, type EventsServiceDeps } from './index.ts';
import { eventsMigrations } from './migrations.ts';
import type { EventsTables } from './tables.ts';

/**
 * Integration-test rig for the events module: PGlite in memory, the real outbox dispatcher, the
 * events service mounted on a real HTTP server on 127.0.0.1, and a stub AppDirectory (a dependency
 * of this module, owned by openplatform). Not a test file itself.
 */

/** AppDirectory over an in-memory list; secrets kept in plain text because it is a test double. */
export class StubAppDirectory implements AppDirectory {
  private readonly apps = new Map<string, { record: AppRecord; secret: string }>();

  add(overrides: Partial<AppRecord> & { secret?: string } = {}): AppRecord & { secret: string } {
    const { secret = randomHex(16), ...fields } = overrides;
    const record: AppRecord = {
      id: newId(),
      appId: publicId.appId(),
      tenantId: 'tenant-1',
      tenantKey: 'tk-tenant-1',
      name: 'Test bot',
      description: '',
      scopes: ['contact:contact:readonly'],
      eventUrl: null,
      encryptKey: null,
      verificationToken: null,
      cardUrl: null,
      redirectUrls: [],
      botOpenId: publicId.openId(),
      createdAt: new Date(),
      ...fields,
    };
    this.apps.set(record.appId, { record, secret });
    return { ...record, secret };
  }

  async verifySecret(appId: string, appSecret: string): Promise<AppRecord | null> {
    const entry = this.apps.get(appId);
    return entry && entry.secret === appSecret ? entry.record : null;
  }

  async getApp(appId: string): Promise<AppRecord | null> {
    return this.apps.get(appId)?.record ?? null;
  }

  async listTenantApps(tenantId: string): Promise<AppRecord[]> {
    return [...this.apps.values()].map((entry) => entry.record).filter((record) => record.tenantId === tenantId);
  }
}

export interface Harness {
  database: Database;
  apps: StubAppDirectory;
  dispatcher: OutboxDispatcher;
  events: EventsService;
  /** `http://127.0.0.1:PORT` — the SDK's `domain`. */
  baseUrl: string;
  /** Commits a `contact.user.created` domain event through the command runner and waits for the outbox. */
  emitUserCreated(payload: { name: string; openId?: string }, tenantId?: string): Promise<void>;
  deliveries(): Promise<Selectable<EventsTables['event_delivery']>[]>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  clock?: Clock;
  delivery?: EventsServiceDeps['delivery'];
  longConnection?: EventsServiceDeps['longConnection'];
  /** Start the worker's polling (default true); tests that drive `deliverDue()` by hand pass false. */
  startWorker?: boolean;
}

/** Maps `contact.user.created` to `contact.user.created_v3` for apps with a contact scope. */
function registerContactEvents(events: EventsService): void {
  events.registerOpenEvent('contact.user.created', (event, app) => {
    if (!appHasScope(app, 'contact:contact', 'contact:contact:readonly')) return null;
    const payload = event.payload as { name: string; openId: string };
    return { eventType: 'contact.user.created_v3', event: { object: { open_id: payload.openId, name: payload.name } } };
  });
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const logger = createLogger((process.env.KITE_LOG_LEVEL as 'silent' | undefined) ?? 'silent');
  const database = await openDatabase({ dataDir: 'memory://' });
  // The runner takes an untyped Kysely; every module's tables are added by its own migrations.
  await migrateToLatest(database.db as never, platformMigrations, eventsMigrations);
  const apps = new StubAppDirectory();
  const dispatcher = new OutboxDispatcher(database.db, logger);
  const events = createEventsService({
    db: database.db,
    dispatcher,
    apps,
    logger,
    clock: options.clock,
    delivery: { pollMs: 50, ...options.delivery },
    longConnection: options.longConnection,
  });
  registerContactEvents(events);
  await dispatcher.start(50);
  if (options.startWorker !== false) events.start();

  const server = createServer((request, response) => {
    void route(events, request).then(({ status, json }) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(json));
    });
  });
  server.on('upgrade', (request, socket, head) => {
    if (!events.handleUpgrade(request, socket, head)) socket.destroy();
  });
  const port = await listen(server);
  const runner = createCommandRunner(database.db, dispatcher);
  const eventsDb = database.db.withTables<EventsTables>();

  return {
    database,
    apps,
    dispatcher,
    events,
    baseUrl: `http://127.0.0.1:${port}`,
    async emitUserCreated(payload, tenantId = 'tenant-1') {
      await runner.run({ tenantId, actor: { type: 'system', name: 'test' } }, (_trx, emit) =>
        emit({
          type: 'contact.user.created',
          subjectType: 'user',
          subjectId: newId(),
          payload: { openId: payload.openId ?? publicId.openId(), name: payload.name },
        }),
      );
      await dispatcher.settle();
    },
    async deliveries() {
      return eventsDb.selectFrom('event_delivery').selectAll().orderBy('outbox_seq').orderBy('app_id').execute();
    },
    async close() {
      await events.stop();
      dispatcher.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
    },
  };
}

/** What the lead's Fastify route does: parse the JSON body, pass it with the Host header. */
async function route(events: EventsService, request: IncomingMessage): Promise<{ status: number; json: unknown }> {
  if (request.method !== 'POST' || request.url !== '/callback/ws/endpoint') return { status: 404, json: { code: 404, msg: 'not found' } };
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    body = null;
  }
  return events.endpointHandler(body, request.headers.host);
}

/** Listens on an ephemeral port of 127.0.0.1 and returns the port. */
export async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}
