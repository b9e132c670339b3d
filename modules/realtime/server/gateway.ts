import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '@kite/kernel/logger';
import type { DomainEvent, OutboxDispatcher } from '@kite/platform/outbox';
import { CLOSE_TOO_SLOW, CLOSE_UNAUTHENTICATED, type EventAudience } from '@kite/realtime/contract';
import { type WebSocket, WebSocketServer } from 'ws';

export interface GatewayIdentity {
  tenantId: string;
  userId: string;
  /** The browser session the socket was opened with (sha256 of its token), so signing out closes it. */
  sessionId?: string;
}

export interface GatewayOptions {
  dispatcher: OutboxDispatcher;
  logger: Logger;
  /** Resolves the session cookie of an upgrade request. */
  authenticate(request: IncomingMessage): Promise<GatewayIdentity | null>;
  /** Topics a new connection follows, loaded once at connect (tenant, user, the user's chats…). */
  topicsFor(identity: GatewayIdentity): Promise<readonly string[]>;
  /** Who receives an event; null when no client does. Must be pure: it also runs on replay. */
  audienceOf(event: DomainEvent): EventAudience | null;
  /** The user whose sessions an event ends (deactivation, password reset); their sockets are closed. */
  endsSessionsOf?(event: DomainEvent): string | null;
  /** The one session an event ends (sign-out): sockets opened with it are closed, the user's others stay. */
  endsSession?(event: DomainEvent): { userId: string; sessionId: string } | null;
  path?: string;
  /** A client whose unsent bytes exceed this is disconnected (it resumes on reconnect). */
  maxBufferedBytes?: number;
  heartbeatMs?: number;
}

interface Connection {
  socket: WebSocket;
  identity: GatewayIdentity;
  topics: Set<string>;
  /** Last sequence applied; live events at or below it were already replayed. */
  lastSeq: number;
  /** Live events that arrived while the connection was loading its topics and replaying, applied after. */
  pending: DomainEvent[] | null;
  alive: boolean;
  closed: boolean;
}

/**
 * The client realtime gateway: one WebSocket per tab. A client loads a snapshot over HTTP, then gets
 * ordered events, each tagged with its outbox sequence; on reconnect it sends `?after=SEQ` and gets
 * what it missed, or `reset` (refetch) when the outbox no longer holds it.
 *
 * Delivery is by topic: each connection follows a set of topics, each event names its audience, and
 * the event is serialised once and written to every following connection — the cost of a message
 * is its recipients, not the tenant's connection count. Membership changes (`join`/`leave`) update
 * the live connections' topics in event order, on live delivery and on replay alike.
 */
export class ClientGateway {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly byTopic = new Map<string, Set<Connection>>();
  private readonly byUser = new Map<string, Set<Connection>>();
  /** Connections still loading topics / replaying: every event of their tenant is queued for them. */
  private readonly opening = new Set<Connection>();
  private readonly path: string;
  private heartbeat?: NodeJS.Timeout;

  constructor(private readonly options: GatewayOptions) {
    this.path = options.path ?? '/ws/client';
    options.dispatcher.addLive('realtime.gateway', (events) => this.broadcast(events));
  }

  start(): void {
    this.heartbeat = setInterval(() => this.ping(), this.options.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
  }

  /** Returns false when the request is not for the gateway, so another handler can take it. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== this.path) return false;
    void this.accept(request, socket, head, url);
    return true;
  }

  get connectionCount(): number {
    let count = 0;
    for (const set of this.byUser.values()) count += set.size;
    return count;
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const set of this.byUser.values()) for (const connection of set) connection.socket.terminate();
    this.byUser.clear();
    this.byTopic.clear();
    this.opening.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private async accept(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> {
    let identity: GatewayIdentity | null = null;
    try {
      identity = await this.options.authenticate(request);
    } catch (error) {
      this.options.logger.warn('gateway authentication failed', { error });
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      if (!identity) {
        ws.close(CLOSE_UNAUTHENTICATED, 'unauthenticated');
        return;
      }
      const after = Number(url.searchParams.get('after'));
      void this.open(ws, identity, Number.isSafeInteger(after) && after > 0 ? after : null);
    });
  }

  private async open(socket: WebSocket, identity: GatewayIdentity, after: number | null): Promise<void> {
    const connection: Connection = { socket, identity, topics: new Set(), lastSeq: 0, pending: [], alive: true, closed: false };
    addTo(this.byUser, identity.userId, connection);
    this.opening.add(connection);
    socket.on('pong', () => {
      connection.alive = true;
    });
    socket.on('close', () => this.remove(connection));
    socket.on('error', () => socket.terminate());
    try {
      // The head is taken before the topics: a membership change after it is in `pending` and
      // applied below; one before it is already in what topicsFor reads. It is what the dispatcher
      // has delivered, not the newest seq: an event still in flight below the newest commits later
      // and must reach this connection live, not be skipped as already replayed.
      const head = this.options.dispatcher.deliveredSeq();
      const topics = await this.options.topicsFor(identity);
      if (connection.closed) return;
      for (const topic of topics) this.follow(connection, topic);
      if (after !== null) {
        const tail = await this.options.dispatcher.tailSeq();
        if (after < tail - 1) {
          this.send(connection, JSON.stringify({ t: 'reset' }));
        } else {
          let cursor = after;
          while (cursor < head) {
            const events = await this.options.dispatcher.read(cursor, undefined, identity.tenantId);
            if (events.length === 0) break;
            for (const event of events) if (event.seq <= head) this.apply(connection, event);
            cursor = events[events.length - 1]!.seq;
          }
        }
      }
      connection.lastSeq = Math.max(connection.lastSeq, head);
      this.send(connection, JSON.stringify({ t: 'hello', seq: connection.lastSeq }));
      const pending = connection.pending ?? [];
      connection.pending = null;
      this.opening.delete(connection);
      for (const event of pending) this.apply(connection, event);
    } catch (error) {
      this.options.logger.error('gateway replay failed', { error });
      socket.close(1011, 'replay failed');
    }
  }

  private broadcast(events: DomainEvent[]): void {
    for (const event of events) {
      const ended = this.options.endsSessionsOf?.(event);
      if (ended) {
        for (const connection of this.byUser.get(ended) ?? []) {
          if (connection.identity.tenantId === event.tenantId) connection.socket.close(CLOSE_UNAUTHENTICATED, 'session ended');
        }
      }
      const signedOut = this.options.endsSession?.(event);
      if (signedOut) {
        for (const connection of this.byUser.get(signedOut.userId) ?? []) {
          const { identity } = connection;
          if (identity.tenantId === event.tenantId && identity.sessionId === signedOut.sessionId) {
            connection.socket.close(CLOSE_UNAUTHENTICATED, 'signed out');
          }
        }
      }
      for (const connection of this.opening) {
        if (connection.identity.tenantId === event.tenantId) connection.pending?.push(event);
      }
      const audience = this.options.audienceOf(event);
      if (!audience) continue;
      for (const join of audience.join ?? []) {
        for (const userId of join.userIds) {
          for (const connection of this.byUser.get(userId) ?? []) {
            if (!connection.pending && connection.identity.tenantId === event.tenantId) this.follow(connection, join.topic);
          }
        }
      }
      const recipients = new Set<Connection>();
      for (const topic of audience.topics) for (const connection of this.byTopic.get(topic) ?? []) recipients.add(connection);
      let frame: string | undefined;
      for (const connection of recipients) {
        // Opening connections get the event from `pending`; a topic never spans tenants, but the
        // tenant check keeps a mistaken audience from crossing them.
        if (connection.pending || event.seq <= connection.lastSeq || connection.identity.tenantId !== event.tenantId) continue;
        connection.lastSeq = event.seq;
        frame ??= serialise(event);
        this.send(connection, frame);
      }
      for (const leave of audience.leave ?? []) {
        for (const userId of leave.userIds) {
          for (const connection of this.byUser.get(userId) ?? []) {
            if (!connection.pending && connection.identity.tenantId === event.tenantId) this.unfollow(connection, leave.topic);
          }
        }
      }
    }
  }

  /** One event for one connection, in order: joins, delivery when it follows a topic, leaves. */
  private apply(connection: Connection, event: DomainEvent): void {
    if (event.seq <= connection.lastSeq) return;
    connection.lastSeq = event.seq;
    if (event.tenantId !== connection.identity.tenantId) return;
    const audience = this.options.audienceOf(event);
    if (!audience) return;
    const { userId } = connection.identity;
    for (const join of audience.join ?? []) if (join.userIds.includes(userId)) this.follow(connection, join.topic);
    if (audience.topics.some((topic) => connection.topics.has(topic))) this.send(connection, serialise(event));
    for (const leave of audience.leave ?? []) if (leave.userIds.includes(userId)) this.unfollow(connection, leave.topic);
  }

  private follow(connection: Connection, topic: string): void {
    if (connection.closed || connection.topics.has(topic)) return;
    connection.topics.add(topic);
    addTo(this.byTopic, topic, connection);
  }

  private unfollow(connection: Connection, topic: string): void {
    if (!connection.topics.delete(topic)) return;
    removeFrom(this.byTopic, topic, connection);
  }

  private remove(connection: Connection): void {
    connection.closed = true;
    this.opening.delete(connection);
    for (const topic of connection.topics) removeFrom(this.byTopic, topic, connection);
    connection.topics.clear();
    removeFrom(this.byUser, connection.identity.userId, connection);
  }

  private send(connection: Connection, frame: string): void {
    const { socket } = connection;
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > (this.options.maxBufferedBytes ?? 4 * 1024 * 1024)) {
      socket.close(CLOSE_TOO_SLOW, 'too slow; resume with ?after=');
      return;
    }
    socket.send(frame);
  }

  private ping(): void {
    for (const set of this.byUser.values()) {
      for (const connection of set) {
        if (!connection.alive) {
          connection.socket.terminate();
          continue;
        }
        connection.alive = false;
        connection.socket.ping();
      }
    }
  }
}

function serialise(event: DomainEvent): string {
  return JSON.stringify({ t: 'event', seq: event.seq, type: event.type, payload: event.payload });
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(value);
}

function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}
