import { type Clock, systemClock } from '@kite/kernel/clock';
import { newId, randomToken } from '@kite/kernel/ids';
import type { Logger } from '@kite/kernel/logger';
import type { AppDirectory, AppRecord } from '@kite/openplatform/contract';
import type { DomainEvent, DurableHandler } from '@kite/platform/outbox';
import type { PlatformTables } from '@kite/platform/platform-tables';
import type { Insertable, Kysely, Selectable } from 'kysely';
import { AppCallFailure, type AppCallFailureReason } from '../contract/index.ts';
import { type AckResult, LongConnectionError } from './long-connection.ts';
import { buildOpenEnvelope, deriveEventId, type OpenEventRegistry } from './open-events.ts';
import type { EventsTables } from './tables.ts';
import { buildCardCallbackV1Request, buildEventRequest, type SignedRequest } from './webhook-crypto.ts';

/**
 * Outbox → apps, in two steps:
 * 1. the durable outbox consumer (`events.apps`) copies each domain event that some app may receive
 *    (a mapper handles it and, where the mappers name their candidate apps, e.g. the bots in a chat,
 *    there is one) into `event_fanout`, in the dispatcher's transaction — nothing else, because resolving the
 *    tenant's apps goes through AppDirectory, which queries the database on its own connection: on
 *    PGlite (one connection, held by that transaction) doing it there would wait for itself;
 * 2. the worker expands fan-out rows into one `event_delivery` row per app per Feishu event, then
 *    sends each over the app's long connection or to its webhook, retrying with backoff.
 */

export const OUTBOX_CONSUMER_NAME = 'events.apps';

/** The long-connection side the worker needs (LongConnectionServer implements it). */
export interface LongConnectionSender {
  isConnected(appId: string): boolean;
  sendEvent(appId: string, envelopeJson: string, ackTimeoutMs?: number): Promise<AckResult>;
}

export interface DeliveryOptions {
  /** Most deliveries in flight at once on this node. */
  concurrency: number;
  /** Webhook request timeout. */
  requestTimeoutMs: number;
  /** Wait before retry n (1-based) is `backoffMs[n-1]` (the last entry repeats). */
  backoffMs: readonly number[];
  /** Attempts before a delivery is marked failed. */
  maxAttempts: number;
  /** A claimed delivery is retried after this long if its node dies mid-attempt. */
  leaseMs: number;
  /** How often the worker looks for due work even when nothing woke it. */
  pollMs: number;
  /** An app without an event URL gets events if its long connection was seen this recently. */
  subscriberWindowMs: number;
  /** Delivered and failed rows are deleted after this long. */
  retentionMs: number;
}

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  concurrency: 8,
  requestTimeoutMs: 10_000,
  backoffMs: [5_000, 30_000, 120_000, 600_000, 3_600_000],
  maxAttempts: 6,
  leaseMs: 60_000,
  pollMs: 1_000,
  subscriberWindowMs: 30 * 24 * 3_600_000,
  retentionMs: 7 * 24 * 3_600_000,
};

/** How a Feishu event reached the app and what it answered. */
export interface Transmission {
  transport: 'ws' | 'webhook';
  /** The app's answer: the ack's data (long connection) or the parsed response body (webhook). */
  response: unknown;
}

/** A delivery attempt that did not reach the app or was refused by it. */
export class DeliveryFailure extends AppCallFailure {
  constructor(
    message: string,
    readonly transport: 'ws' | 'webhook' | null,
    reason: AppCallFailureReason = 'unreachable',
  ) {
    super(reason, message);
    this.name = 'DeliveryFailure';
  }
}

type EventsDb = Kysely<PlatformTables & EventsTables>;
type DeliveryRow = Selectable<EventsTables['event_delivery']>;

/**
 * The durable outbox consumer: records which domain events need fanning out. Writes only through the
 * transaction it is given, so the outbox cursor and the fan-out rows commit together.
 */
export function createFanoutConsumer(registry: OpenEventRegistry, onEnqueued: () => void): DurableHandler {
  return async (events, trx) => {
    const rows = events
      .filter((event) => registry.mayDeliver(event))
      .map((event) => ({ outbox_seq: event.seq, tenant_id: event.tenantId, domain_event: JSON.stringify(event) }));
    if (rows.length === 0) return;
    await trx
      .withTables<EventsTables>()
      .insertInto('event_fanout')
      .values(rows)
      .onConflict((conflict) => conflict.column('outbox_seq').doNothing())
      .execute();
    // The rows become visible when the dispatcher commits, right after we return; on PGlite the
    // worker's next query queues behind that commit, elsewhere the poll timer is the backstop.
    onEnqueued();
  };
}

export interface DeliveryWorkerDeps {
  db: Kysely<PlatformTables>;
  apps: Pick<AppDirectory, 'getApp' | 'listTenantApps'>;
  registry: OpenEventRegistry;
  longConnections: LongConnectionSender;
  logger: Logger;
  clock?: Clock;
  options?: Partial<DeliveryOptions>;
}

/** Expands fan-out rows into deliveries and sends them; one per node, several nodes may share the tables. */
export class DeliveryWorker {
  private readonly db: EventsDb;
  private readonly clock: Clock;
  readonly options: DeliveryOptions;
  private readonly inFlight = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private started = false;
  private pumping = false;
  private again = false;
  private lastPrunedAt = 0;

  constructor(private readonly deps: DeliveryWorkerDeps) {
    this.db = deps.db.withTables<EventsTables>();
    this.clock = deps.clock ?? systemClock;
    this.options = { ...DEFAULT_DELIVERY_OPTIONS, ...deps.options };
  }

  /** Starts polling; deliveries also start whenever {@link wake} is called. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.timer = setInterval(() => this.wake(), this.options.pollMs);
    this.timer.unref();
    this.wake();
  }

  /** Stops polling and waits for attempts in flight (their outcome is recorded). */
  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Looks for due work now (no-op until started). */
  wake(): void {
    if (!this.started) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    void this.pump().finally(() => {
      this.pumping = false;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  /**
   * One synchronous pass, for tests and operators: fans out everything pending, then attempts every
   * delivery due now and waits for the outcomes. Returns how many attempts were made.
   */
  async deliverDue(): Promise<number> {
    let attempted = 0;
    for (;;) {
      while ((await this.fanOut()) > 0) {}
      const rows = await this.claim(this.options.concurrency);
      if (rows.length === 0) break;
      attempted += rows.length;
      await Promise.all(rows.map((row) => this.attempt(row)));
    }
    await Promise.allSettled([...this.inFlight]);
    return attempted;
  }

  /**
   * Sends one envelope to the app now: over its long connection when one is open on this node, else
   * to its event URL. Nothing is stored and nothing retried — for request/response callbacks (card
   * actions) whose answer the caller needs.
   * @throws DeliveryFailure when the app cannot be reached or refuses the event
   */
  async transmit(app: AppRecord, envelopeJson: string, timeoutMs?: number): Promise<Transmission> {
    if (this.deps.longConnections.isConnected(app.appId)) {
      const ack = await this.deps.longConnections.sendEvent(app.appId, envelopeJson, timeoutMs).catch((error: unknown) => {
        const timedOut = error instanceof LongConnectionError && error.reason === 'ack_timeout';
        throw new DeliveryFailure(errorMessage(error), 'ws', timedOut ? 'timeout' : 'unreachable');
      });
      if (ack.code !== 200) throw new DeliveryFailure(`app handler answered code ${ack.code}`, 'ws', 'refused');
      return { transport: 'ws', response: ack.data };
    }
    if (app.eventUrl) {
      const request = buildEventRequest(envelopeJson, app.encryptKey);
      return { transport: 'webhook', response: await this.post(app.eventUrl, request, 'event URL', timeoutMs) };
    }
    throw new DeliveryFailure('no open long connection and no event URL', null);
  }

  /**
   * POSTs a legacy (v1) card callback to the app's card request URL and returns its parsed answer.
   * @throws DeliveryFailure when the URL cannot be reached in time or answers non-2xx
   */
  async postCardCallback(app: AppRecord, bodyJson: string, timeoutMs?: number): Promise<unknown> {
    if (!app.cardUrl) throw new DeliveryFailure('the app has no card request URL', null);
    return this.post(app.cardUrl, buildCardCallbackV1Request(bodyJson, app.verificationToken), 'card request URL', timeoutMs);
  }

  /** One webhook request: the parsed 2xx answer, else a DeliveryFailure saying why. */
  private async post(url: string, request: SignedRequest, what: string, timeoutMs = this.options.requestTimeoutMs): Promise<unknown> {
    const response = await postJson(url, request, timeoutMs).catch((error: unknown) => {
      throw new DeliveryFailure(errorMessage(error), 'webhook', isTimeout(error) ? 'timeout' : 'unreachable');
    });
    if (response.status < 200 || response.status >= 300) {
      throw new DeliveryFailure(`${what} answered HTTP ${response.status}`, 'webhook', 'refused');
    }
    return parseJsonOrText(response.body);
  }

  private async pump(): Promise<void> {
    try {
      while ((await this.fanOut()) > 0) {}
      while (this.started && this.inFlight.size < this.options.concurrency) {
        const rows = await this.claim(this.options.concurrency - this.inFlight.size);
        if (rows.length === 0) break;
        for (const row of rows) this.launch(row);
      }
      await this.pruneFinished();
    } catch (error) {
      this.deps.logger.error('event delivery pass failed', { error });
    }
  }

  private launch(row: DeliveryRow): void {
    const attempt: Promise<void> = this.attempt(row)
      .catch((error: unknown) => this.deps.logger.error('event delivery attempt failed', { id: row.id, error }))
      .finally(() => {
        this.inFlight.delete(attempt);
        this.wake();
      });
    this.inFlight.add(attempt);
  }

  /** Expands up to one batch of fan-out rows into deliveries; returns how many rows it consumed. */
  private async fanOut(): Promise<number> {
    const rows = await this.db.selectFrom('event_fanout').selectAll().orderBy('outbox_seq').limit(100).execute();
    if (rows.length === 0) return 0;
    const appsByTenant = await this.tenantApps(new Set(rows.map((row) => row.tenant_id)));
    // Rows of a tenant whose apps could not be listed stay for the next pass.
    const ready = rows.filter((row) => appsByTenant.has(row.tenant_id));
    if (ready.length === 0) return 0;
    const subscribers = await this.recentSubscribers([...appsByTenant.values()].flat());
    const now = this.clock.now();
    const deliveries: Insertable<EventsTables['event_delivery']>[] = [];
    for (const row of ready) {
      const event = reviveDomainEvent(row.domain_event);
      for (const app of appsByTenant.get(row.tenant_id) ?? []) {
        if (!app.eventUrl && !subscribers.has(app.appId)) continue;
        deliveries.push(...this.deliveriesFor(event, app, now));
      }
    }
    await this.db.transaction().execute(async (trx) => {
      for (let start = 0; start < deliveries.length; start += 500) {
        await trx
          .insertInto('event_delivery')
          .values(deliveries.slice(start, start + 500))
          .onConflict((conflict) => conflict.column('event_id').doNothing())
          .execute();
      }
      await trx
        .deleteFrom('event_fanout')
        .where(
          'outbox_seq',
          'in',
          ready.map((row) => row.outbox_seq),
        )
        .execute();
    });
    return ready.length;
  }

  /** The apps of each tenant; a tenant whose lookup fails is left out (and logged). */
  private async tenantApps(tenantIds: Set<string>): Promise<Map<string, AppRecord[]>> {
    const result = new Map<string, AppRecord[]>();
    for (const tenantId of tenantIds) {
      try {
        result.set(tenantId, await this.deps.apps.listTenantApps(tenantId));
      } catch (error) {
        this.deps.logger.error('could not list tenant apps for event fan-out', { tenantId, error });
      }
    }
    return result;
  }

  private deliveriesFor(event: DomainEvent, app: AppRecord, now: Date): Insertable<EventsTables['event_delivery']>[] {
    // The fan-out may run a moment after the commit (another node, the poll): an app created in
    // between never sees what happened before it existed.
    if (app.createdAt > event.createdAt) return [];
    return this.deps.registry.map(event, app).map((open, index) => {
      const eventId = deriveEventId(event.id, app.appId, open.eventType, index);
      const envelope = buildOpenEnvelope({ eventId, eventType: open.eventType, createdAt: event.createdAt, app, event: open.event });
      return {
        id: newId(),
        event_id: eventId,
        tenant_id: event.tenantId,
        app_id: app.appId,
        outbox_seq: event.seq,
        event_type: open.eventType,
        envelope: JSON.stringify(envelope),
        status: 'pending' as const,
        next_attempt_at: now,
        last_error: null,
        transport: null,
        delivered_at: null,
      };
    });
  }

  /** Apps with no event URL that use the long connection (open here, or seen lately on any node). */
  private async recentSubscribers(apps: AppRecord[]): Promise<Set<string>> {
    const candidates = apps.filter((app) => !app.eventUrl).map((app) => app.appId);
    const result = new Set(candidates.filter((appId) => this.deps.longConnections.isConnected(appId)));
    const unknown = candidates.filter((appId) => !result.has(appId));
    if (unknown.length === 0) return result;
    const since = new Date(this.clock.now().getTime() - this.options.subscriberWindowMs);
    const rows = await this.db
      .selectFrom('event_subscriber')
      .select('app_id')
      .where('app_id', 'in', unknown)
      .where('last_connected_at', '>', since)
      .execute();
    for (const row of rows) result.add(row.app_id);
    return result;
  }

  /**
   * Takes up to `limit` due deliveries by pushing their next attempt past a lease, so no other node
   * (or pass) takes them meanwhile; SKIP LOCKED keeps concurrent claimers from blocking each other.
   */
  private async claim(limit: number): Promise<DeliveryRow[]> {
    if (limit <= 0) return [];
    const now = this.clock.now();
    return this.db
      .updateTable('event_delivery')
      .set({ next_attempt_at: new Date(now.getTime() + this.options.leaseMs), updated_at: now })
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('event_delivery')
          .select('id')
          .where('status', '=', 'pending')
          .where('next_attempt_at', '<=', now)
          .orderBy('next_attempt_at')
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      )
      .returningAll()
      .execute();
  }

  private async attempt(row: DeliveryRow): Promise<void> {
    const app = await this.deps.apps.getApp(row.app_id);
    if (!app) {
      await this.recordOutcome(row, { status: 'failed', error: 'app no longer exists', transport: null });
      return;
    }
    try {
      const { transport } = await this.transmit(app, row.envelope);
      await this.recordOutcome(row, { status: 'delivered', error: null, transport });
    } catch (error) {
      const failure = error instanceof DeliveryFailure ? error : new DeliveryFailure(errorMessage(error), null);
      const attempts = row.attempts + 1;
      const status = attempts >= this.options.maxAttempts ? 'failed' : 'pending';
      this.deps.logger.warn('event delivery failed', { appId: row.app_id, eventId: row.event_id, attempts, error: failure.message });
      await this.recordOutcome(row, { status, error: failure.message, transport: failure.transport });
    }
  }

  private async recordOutcome(
    row: DeliveryRow,
    outcome: { status: 'delivered' | 'pending' | 'failed'; error: string | null; transport: string | null },
  ): Promise<void> {
    const now = this.clock.now();
    const attempts = row.attempts + 1;
    await this.db
      .updateTable('event_delivery')
      .set({
        status: outcome.status,
        attempts,
        last_error: outcome.error,
        transport: outcome.transport,
        updated_at: now,
        delivered_at: outcome.status === 'delivered' ? now : null,
        next_attempt_at: outcome.status === 'pending' ? new Date(now.getTime() + this.backoffAfter(attempts)) : now,
      })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .execute();
  }

  /** Wait after the `attempts`-th failure. */
  private backoffAfter(attempts: number): number {
    const schedule = this.options.backoffMs;
    return schedule[Math.min(attempts, schedule.length) - 1] ?? 0;
  }

  /** Deletes finished rows past retention, at most once an hour. */
  private async pruneFinished(): Promise<void> {
    const now = this.clock.now().getTime();
    if (now - this.lastPrunedAt < 3_600_000) return;
    this.lastPrunedAt = now;
    await this.db
      .deleteFrom('event_delivery')
      .where('status', '<>', 'pending')
      .where('updated_at', '<', new Date(now - this.options.retentionMs))
      .execute();
  }

  /** Remembers that `app` uses the long connection (called on connect and on disconnect). */
  async recordSubscriber(app: AppRecord): Promise<void> {
    const now = this.clock.now();
    await this.db
      .insertInto('event_subscriber')
      .values({ app_id: app.appId, tenant_id: app.tenantId, last_connected_at: now })
      .onConflict((conflict) => conflict.column('app_id').doUpdateSet({ last_connected_at: now, tenant_id: app.tenantId }))
      .execute();
  }
}

export type VerifyEventUrlResult = { ok: true } | { ok: false; reason: string };

/**
 * The url_verification handshake Feishu performs when an admin sets an app's event URL: POST
 * `{challenge, token, type:'url_verification'}` (encrypted and signed when the app has an encrypt
 * key) and expect the challenge echoed back as `{"challenge": …}`.
 */
export async function verifyEventUrl(
  app: Pick<AppRecord, 'eventUrl' | 'encryptKey' | 'verificationToken'>,
  timeoutMs = DEFAULT_DELIVERY_OPTIONS.requestTimeoutMs,
): Promise<VerifyEventUrlResult> {
  if (!app.eventUrl) return { ok: false, reason: 'the app has no event URL' };
  return challengeUrl(app.eventUrl, (json) => buildEventRequest(json, app.encryptKey), app.verificationToken, timeoutMs);
}

/**
 * The same handshake against a card request URL, which Feishu sends unencrypted (legacy v1 card
 * callbacks never are), signed with sha1 over the verification token like the callbacks themselves.
 */
export async function verifyCardUrl(
  app: Pick<AppRecord, 'cardUrl' | 'verificationToken'>,
  timeoutMs = DEFAULT_DELIVERY_OPTIONS.requestTimeoutMs,
): Promise<VerifyEventUrlResult> {
  if (!app.cardUrl) return { ok: false, reason: 'the app has no card request URL' };
  return challengeUrl(app.cardUrl, (json) => buildCardCallbackV1Request(json, app.verificationToken), app.verificationToken, timeoutMs);
}

/** POSTs `{challenge, token, type:'url_verification'}` built by `build` and checks the echo. */
async function challengeUrl(
  url: string,
  build: (json: string) => SignedRequest,
  verificationToken: string | null,
  timeoutMs: number,
): Promise<VerifyEventUrlResult> {
  const challenge = randomToken(18);
  const json = JSON.stringify({ challenge, token: verificationToken ?? '', type: 'url_verification' });
  let response: HttpResponse;
  try {
    response = await postJson(url, build(json), timeoutMs);
  } catch (error) {
    return { ok: false, reason: `request failed: ${errorMessage(error)}` };
  }
  if (response.status < 200 || response.status >= 300) return { ok: false, reason: `HTTP ${response.status}` };
  const body = parseJsonOrText(response.body);
  const echoed = typeof body === 'object' && body !== null ? (body as { challenge?: unknown }).challenge : undefined;
  return echoed === challenge ? { ok: true } : { ok: false, reason: 'the response did not echo the challenge' };
}

interface HttpResponse {
  status: number;
  body: string;
}

/** Answers larger than this are cut: we only ever need a challenge or a card back. */
const MAX_RESPONSE_BYTES = 256 * 1024;

/**
 * POSTs a signed request. Redirects are not followed (a 3xx is a failure), so an event URL cannot
 * bounce our requests somewhere its admin did not configure.
 */
async function postJson(url: string, request: SignedRequest, timeoutMs: number): Promise<HttpResponse> {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new Error(`unsupported URL scheme ${target.protocol}`);
  const response = await fetch(target, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: response.status, body: await readLimited(response, MAX_RESPONSE_BYTES) };
}

async function readLimited(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
    if (size >= limit) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

function parseJsonOrText(body: string): unknown {
  if (body === '') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

function reviveDomainEvent(stored: unknown): DomainEvent {
  const raw = (typeof stored === 'string' ? JSON.parse(stored) : stored) as Omit<DomainEvent, 'createdAt'> & { createdAt: string };
  return { ...raw, createdAt: new Date(raw.createdAt) };
}

/** fetch rejects with a `TimeoutError` DOMException when `AbortSignal.timeout` fires. */
function isTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError';
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
  }
  return String(error);
}
