import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type Clock, systemClock } from '@kite/kernel/clock';
import { publicId } from '@kite/kernel/ids';
import type { Logger } from '@kite/kernel/logger';
import type { AppDirectory, AppRecord } from '@kite/openplatform/contract';
import type { OutboxDispatcher } from '@kite/platform/outbox';
import type { PlatformTables } from '@kite/platform/platform-tables';
import type { Kysely } from 'kysely';
import type { AppCallbacks, OpenEventEnvelope, OpenEventMapper, OpenEventOptions } from '../contract/index.ts';
import {
  createFanoutConsumer,
  DeliveryFailure,
  type DeliveryOptions,
  DeliveryWorker,
  OUTBOX_CONSUMER_NAME,
  type Transmission,
  type VerifyEventUrlResult,
  verifyCardUrl,
  verifyEventUrl,
} from './delivery.ts';
import { type EndpointReply, type LongConnectionOptions, LongConnectionServer } from './long-connection.ts';
import { buildOpenEnvelope, OpenEventRegistry } from './open-events.ts';

export { WS_CONNECTION_PATH, WS_ENDPOINT_PATH } from './long-connection.ts';
export { eventsMigrations } from './migrations.ts';
export type { EventsTables } from './tables.ts';
export type { DeliveryOptions, EndpointReply, Transmission, VerifyEventUrlResult };
export { DeliveryFailure };

export interface EventsServiceDeps {
  db: Kysely<PlatformTables>;
  /** Only `addDurable` is used; the service must be created before `dispatcher.start()`. */
  dispatcher: Pick<OutboxDispatcher, 'addDurable'>;
  apps: AppDirectory;
  logger: Logger;
  /** Public base URL clients reach us at (`https://kite.example.com`); else the Host header is used. */
  publicUrl?: string;
  clock?: Clock;
  delivery?: Partial<DeliveryOptions>;
  longConnection?: Partial<
    Pick<
      LongConnectionOptions,
      'clientConfig' | 'ticketTtlMs' | 'ackTimeoutMs' | 'maxFramePayloadBytes' | 'maxConnectionsPerApp' | 'heartbeatMs' | 'readyGraceMs'
    >
  >;
}

/** The events module as the composition root sees it. */
export interface EventsService {
  /** Starts the delivery worker and the long-connection heartbeat. */
  start(): void;
  /** Stops both, waits for attempts in flight, drops every long connection. */
  stop(): Promise<void>;
  /**
   * Mount on the HTTP server's `upgrade` event; false means "not my path" (try the next handler, or
   * destroy the socket).
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /**
   * `POST /callback/ws/endpoint`: reply with `status` and `json` as they are. Never rejects.
   * @param body the parsed JSON body
   * @param hostHeader the request's Host header (ignored when `publicUrl` is set)
   */
  endpointHandler(body: unknown, hostHeader: string | undefined): Promise<EndpointReply>;
  /** The url_verification challenge against `app.eventUrl`; call when an admin sets the URL. */
  verifyEventUrl(app: Pick<AppRecord, 'eventUrl' | 'encryptKey' | 'verificationToken'>): Promise<VerifyEventUrlResult>;
  /** The same challenge against `app.cardUrl` (unencrypted, sha1-signed); call when an admin sets it. */
  verifyCardUrl(app: Pick<AppRecord, 'cardUrl' | 'verificationToken'>): Promise<VerifyEventUrlResult>;
  /** Card callbacks: one event or legacy callback sent now, its answer returned (see contract). */
  readonly callbacks: AppCallbacks;
  /** Declares how a domain event type becomes Feishu events per app (see contract). */
  registerOpenEvent(domainType: string, mapper: OpenEventMapper, options?: OpenEventOptions): void;
  /**
   * Sends one envelope to an app right now (long connection first, else webhook) and returns its
   * answer; not stored, not retried. For card callbacks, whose answer (a new card, a toast) the
   * caller shows to the user.
   * @throws DeliveryFailure when the app is unknown, unreachable or refuses the event
   */
  sendToApp(appId: string, envelope: OpenEventEnvelope | string): Promise<Transmission>;
  /** Whether the app has an open long connection on this node. */
  isConnected(appId: string): boolean;
  /** Drops the app's long connections on this node (call when the app is deleted or its secret rotates). */
  disconnectApp(appId: string): number;
  /** Wakes the worker (it also polls). */
  wake(): void;
  /** One full fan-out + delivery pass that waits for the outcomes; for tests and operators. */
  deliverDue(): Promise<number>;
}

/**
 * Builds the events module: registers the `events.apps` durable outbox consumer on `dispatcher`
 * (so call it before `dispatcher.start()`), and returns the long-connection endpoint, the upgrade
 * handler and the delivery worker, which runs once `start()` is called.
 */
export function createEventsService(deps: EventsServiceDeps): EventsService {
  const logger = deps.logger.child({ module: 'events' });
  const clock = deps.clock ?? systemClock;
  const registry = new OpenEventRegistry(logger);
  const longConnections = new LongConnectionServer({
    ...deps.longConnection,
    apps: deps.apps,
    logger,
    clock: deps.clock,
    publicUrl: deps.publicUrl,
    onConnected: rememberSubscriber,
    onDisconnected: rememberSubscriber,
  });
  const worker = new DeliveryWorker({
    db: deps.db,
    apps: deps.apps,
    registry,
    longConnections,
    logger,
    clock: deps.clock,
    options: deps.delivery,
  });
  deps.dispatcher.addDurable(
    OUTBOX_CONSUMER_NAME,
    createFanoutConsumer(registry, () => setTimeout(() => worker.wake(), 0).unref()),
    // Events no app can receive move the cursor without a transaction.
    { wants: (event) => registry.mayDeliver(event) },
  );

  /** Keeps `event_subscriber` fresh, so events queue for the app while it reconnects (even after a restart). */
  function rememberSubscriber(app: AppRecord): void {
    worker.recordSubscriber(app).catch((error: unknown) => logger.warn('could not record subscriber', { appId: app.appId, error }));
  }

  return {
    start() {
      longConnections.start();
      worker.start();
    },
    async stop() {
      // Drop sockets while the worker winds down: pushes awaiting an ack fail at once and are retried
      // after restart, instead of holding shutdown for the ack timeout.
      const stopping = worker.stop();
      await longConnections.close();
      await stopping;
    },
    handleUpgrade: (request, socket, head) => longConnections.handleUpgrade(request, socket, head),
    endpointHandler: (body, hostHeader) => longConnections.handleEndpoint(body, hostHeader),
    verifyEventUrl: (app) => verifyEventUrl(app, worker.options.requestTimeoutMs),
    verifyCardUrl: (app) => verifyCardUrl(app, worker.options.requestTimeoutMs),
    callbacks: {
      receivesEvents: (app) => Boolean(app.eventUrl) || longConnections.isConnected(app.appId),
      async callEvent(app, eventType, event, { timeoutMs }) {
        // A callback is answered once, not redelivered, so its event id need not be derivable.
        const envelope = buildOpenEnvelope({ eventId: publicId.eventId(), eventType, createdAt: clock.now(), app, event });
        return (await worker.transmit(app, JSON.stringify(envelope), timeoutMs)).response;
      },
      callCardUrl: (app, body, { timeoutMs }) => worker.postCardCallback(app, JSON.stringify(body), timeoutMs),
    },
    registerOpenEvent: (domainType, mapper, options) => registry.register(domainType, mapper, options),
    async sendToApp(appId, envelope) {
      const app = await deps.apps.getApp(appId);
      if (!app) throw new DeliveryFailure(`unknown app ${appId}`, null);
      return worker.transmit(app, typeof envelope === 'string' ? envelope : JSON.stringify(envelope));
    },
    isConnected: (appId) => longConnections.isConnected(appId),
    disconnectApp: (appId) => longConnections.disconnectApp(appId),
    wake: () => worker.wake(),
    deliverDue: () => worker.deliverDue(),
  };
}
