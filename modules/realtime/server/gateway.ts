import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '@kite/kernel/logger';
import type { DomainEvent, OutboxDispatcher } from '@kite/platform/outbox';
import { CLOSE_TOO_SLOW, CLOSE_UNAUTHENTICATED, type EventAudience } from '@kite/realtime/contract';
import { WebSocket, WebSocketServer } from 'ws';
import { textFrame } from './frame.ts';

/** Slices of a heartbeat round (see `pingSlice`). */
const PING_SLICES = 30;

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
  /**
   * The TCP stream under `socket`. Data frames are written to it directly (one prebuilt frame for all
   * recipients); `ws` writes only control frames (ping, pong, close) to it, each straight through in
   * call order (no compression, no queue), so the two never reorder.
   */
  stream: Duplex;
  /** Corked for the current dispatch pass (uncorked at its end). */
  corked: boolean;
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
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, perMessageDeflate: false, clientTracking: false });
  private readonly byTopic = new Map<string, Set<Connection>>();
  private readonly byUser = new Map<string, Set<Connection>>();
  /** Connections still loading topics / replaying: every event of their tenant is queued for them. */
  private readonly opening = new Set<Connection>();
  private readonly path: string;
  private readonly maxBufferedBytes: number;
  /** Connections still to ping in this heartbeat round, and how many per slice. */
  private pingRound: Connection[] = [];
  private pingSliceSize = 0;
  /** Connections corked during the dispatch pass in progress; null outside one. */
  private corked: Connection[] | null = null;
  private heartbeat?: NodeJS.Timeout;

  constructor(private readonly options: GatewayOptions) {
    this.path = options.path ?? '/ws/client';
    this.maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;
    options.dispatcher.addLive('realtime.gateway', (events) => this.broadcast(events));
  }

  start(): void {
    this.heartbeat = setInterval(() => this.pingSlice(), (this.options.heartbeatMs ?? 30_000) / PING_SLICES);
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
      void this.open(ws, socket, identity, Number.isSafeInteger(after) && after > 0 ? after : null);
    });
  }

  private async open(socket: WebSocket, stream: Duplex, identity: GatewayIdentity, after: number | null): Promise<void> {
    const connection: Connection = {
      socket,
      stream,
      corked: false,
      identity,
      topics: new Set(),
      lastSeq: 0,
      pending: [],
      alive: true,
      closed: false,
    };
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
          this.send(connection, textFrame(JSON.stringify({ t: 'reset' })));
        } else {
          await this.replay(connection, after, head);
        }
      }
      if (connection.closed) return;
      connection.lastSeq = Math.max(connection.lastSeq, head);
      this.send(connection, textFrame(JSON.stringify({ t: 'hello', seq: connection.lastSeq })));
      const pending = connection.pending ?? [];
      connection.pending = null;
      this.opening.delete(connection);
      this.corkedWhile([connection], () => {
        for (const event of pending) this.apply(connection, event);
      });
    } catch (error) {
      this.options.logger.error('gateway replay failed', { error });
      socket.close(1011, 'replay failed');
    }
  }

  /**
   * What a resuming connection missed, up to `head`, a page at a time, each page written in one go
   * (corked). The replay keeps pace with the client: past half the unsent limit it waits for the
   * stream to drain, so a long absence is caught up rather than cut as too slow.
   */
  private async replay(connection: Connection, after: number, head: number): Promise<void> {
    let cursor = after;
    while (cursor < head && !connection.closed) {
      const events = await this.options.dispatcher.read(cursor, undefined, connection.identity.tenantId);
      if (events.length === 0) break;
      let index = 0;
      while (index < events.length && !connection.closed) {
        this.corkedWhile([connection], () => {
          for (; index < events.length && connection.stream.writableLength <= this.maxBufferedBytes / 2; index++) {
            if (events[index]!.seq <= head) this.apply(connection, events[index]!);
          }
        });
        if (index < events.length) await drained(connection.stream);
      }
      cursor = events[events.length - 1]!.seq;
    }
  }

  /** Runs `write` with the connections' streams corked, so what it writes leaves in one syscall each. */
  private corkedWhile(connections: Connection[], write: () => void): void {
    for (const connection of connections) connection.stream.cork();
    try {
      write();
    } finally {
      for (const connection of connections) connection.stream.uncork();
    }
  }

  /**
   * Live events of one dispatch pass. With several, each recipient's stream is corked on its first
   * frame and uncorked at the end, so a client in many busy chats gets one write per pass.
   */
  private broadcast(events: DomainEvent[]): void {
    if (events.length === 1) {
      this.deliver(events[0]!);
      return;
    }
    const corked: Connection[] = [];
    this.corked = corked;
    try {
      for (const event of events) this.deliver(event);
    } finally {
      this.corked = null;
      for (const connection of corked) {
        connection.corked = false;
        connection.stream.uncork();
      }
    }
  }

  /** One live event: sessions it ends, queues of opening connections, joins, delivery, leaves. */
  private deliver(event: DomainEvent): void {
    this.endSessions(event);
    for (const connection of this.opening) {
      if (connection.identity.tenantId === event.tenantId) connection.pending?.push(event);
    }
    const audience = this.options.audienceOf(event);
    if (!audience) return;
    for (const join of audience.join ?? []) this.moveLive(event, join, (connection) => this.follow(connection, join.topic));
    let frame: Buffer | undefined;
    for (const connection of this.recipientsOf(audience)) {
      // Opening connections get the event from `pending`; a topic never spans tenants, but the
      // tenant check keeps a mistaken audience from crossing them.
      if (connection.pending || event.seq <= connection.lastSeq || connection.identity.tenantId !== event.tenantId) continue;
      connection.lastSeq = event.seq;
      frame ??= serialise(event);
      this.send(connection, frame);
    }
    for (const leave of audience.leave ?? []) this.moveLive(event, leave, (connection) => this.unfollow(connection, leave.topic));
  }

  /** Closes the sockets of the sessions an event ends (all of a user's, or one browser's). */
  private endSessions(event: DomainEvent): void {
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
  }

  /** Applies a join or leave to the named users' live (not opening) connections in the event's tenant. */
  private moveLive(event: DomainEvent, change: { userIds: readonly string[] }, move: (connection: Connection) => void): void {
    for (const userId of change.userIds) {
      for (const connection of this.byUser.get(userId) ?? []) {
        if (!connection.pending && connection.identity.tenantId === event.tenantId) move(connection);
      }
    }
  }

  /** The connections following any of the audience's topics, each once (one topic: its set as it is). */
  private recipientsOf(audience: EventAudience): Iterable<Connection> {
    if (audience.topics.length === 1) return this.byTopic.get(audience.topics[0]!) ?? [];
    const recipients = new Set<Connection>();
    for (const topic of audience.topics) for (const connection of this.byTopic.get(topic) ?? []) recipients.add(connection);
    return recipients;
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

  private send(connection: Connection, frame: Buffer): void {
    const { socket, stream } = connection;
    if (socket.readyState !== WebSocket.OPEN) return;
    if (stream.writableLength > this.maxBufferedBytes) {
      this.cut(connection);
      return;
    }
    if (this.corked && !connection.corked) {
      connection.corked = true;
      stream.cork();
      this.corked.push(connection);
    }
    stream.write(frame);
  }

  /**
   * A client that does not read what it is sent: closed with 4008 and taken off its topics at once,
   * so nothing more queues for it; it reconnects with `?after=` and resumes from the outbox.
   */
  private cut(connection: Connection): void {
    connection.closed = true;
    for (const topic of connection.topics) removeFrom(this.byTopic, topic, connection);
    connection.topics.clear();
    connection.socket.close(CLOSE_TOO_SLOW, 'too slow; resume with ?after=');
  }

  /**
   * One slice of the heartbeat round: every connection is pinged once per `heartbeatMs`, a slice at
   * a time, so 5,000 sockets cost the event loop 1/30 of their pings each tick, not one long stall
   * that every message waits behind. A connection that has not answered the previous ping is dropped.
   */
  private pingSlice(): void {
    if (this.pingRound.length === 0) {
      for (const set of this.byUser.values()) for (const connection of set) this.pingRound.push(connection);
      this.pingSliceSize = Math.ceil(this.pingRound.length / PING_SLICES);
    }
    for (const connection of this.pingRound.splice(0, this.pingSliceSize)) {
      if (connection.closed) continue;
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }
}

function serialise(event: DomainEvent): Buffer {
  return textFrame(JSON.stringify({ t: 'event', seq: event.seq, type: event.type, payload: event.payload }));
}

/** Resolves when the stream has written out its buffer, or has closed (then nothing will drain). */
function drained(stream: Duplex): Promise<void> {
  if (stream.destroyed || stream.writableLength === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
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
