import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '@kite/kernel/logger';
import type { DomainEvent, OutboxDispatcher } from '@kite/platform/outbox';
import { CLOSE_TOO_SLOW, CLOSE_UNAUTHENTICATED } from '@kite/realtime/contract';
import { type WebSocket, WebSocketServer } from 'ws';

export interface GatewayIdentity {
  tenantId: string;
  userId: string;
}

export interface GatewayOptions {
  dispatcher: OutboxDispatcher;
  logger: Logger;
  /** Resolves the session cookie of an upgrade request. */
  authenticate(request: IncomingMessage): Promise<GatewayIdentity | null>;
  /** Whether a user may see an event; events not matched are never sent to clients. */
  isVisible(event: DomainEvent, identity: GatewayIdentity): boolean;
  /** The user whose sessions an event ends (deactivation, password reset); their sockets are closed. */
  endsSessionsOf?(event: DomainEvent): string | null;
  path?: string;
  /** A client whose unsent bytes exceed this is disconnected (it resumes on reconnect). */
  maxBufferedBytes?: number;
  heartbeatMs?: number;
}

interface Connection {
  socket: WebSocket;
  identity: GatewayIdentity;
  /** Last sequence sent; live events at or below it were already replayed. */
  lastSeq: number;
  /** Live events that arrived during the replay, sent after it. */
  pending: DomainEvent[] | null;
  alive: boolean;
}

/**
 * The client realtime gateway: one WebSocket per tab. A client loads a snapshot over HTTP, then gets
 * ordered events, each tagged with its outbox sequence; on reconnect it sends `?after=SEQ` and gets
 * what it missed, or `reset` (refetch) when the outbox no longer holds it. Each event is serialised
 * once per batch, not once per recipient.
 */
export class ClientGateway {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly byTenant = new Map<string, Set<Connection>>();
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
    for (const set of this.byTenant.values()) count += set.size;
    return count;
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const set of this.byTenant.values()) for (const connection of set) connection.socket.terminate();
    this.byTenant.clear();
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
    const connection: Connection = { socket, identity, lastSeq: 0, pending: [], alive: true };
    let set = this.byTenant.get(identity.tenantId);
    if (!set) {
      set = new Set();
      this.byTenant.set(identity.tenantId, set);
    }
    set.add(connection);
    socket.on('pong', () => {
      connection.alive = true;
    });
    socket.on('close', () => {
      set.delete(connection);
      if (set.size === 0) this.byTenant.delete(identity.tenantId);
    });
    socket.on('error', () => socket.terminate());
    try {
      const head = await this.options.dispatcher.headSeq();
      if (after !== null) {
        const tail = await this.options.dispatcher.tailSeq();
        if (after < tail - 1) {
          this.send(connection, JSON.stringify({ t: 'reset' }));
        } else {
          let cursor = after;
          while (cursor < head) {
            const events = await this.options.dispatcher.read(cursor, undefined, identity.tenantId);
            if (events.length === 0) break;
            for (const event of events) if (event.seq <= head) this.deliver(connection, event, serialise(event));
            cursor = events[events.length - 1]!.seq;
          }
        }
      }
      connection.lastSeq = Math.max(connection.lastSeq, head);
      this.send(connection, JSON.stringify({ t: 'hello', seq: connection.lastSeq }));
      const pending = connection.pending ?? [];
      connection.pending = null;
      for (const event of pending) this.deliver(connection, event, serialise(event));
    } catch (error) {
      this.options.logger.error('gateway replay failed', { error });
      socket.close(1011, 'replay failed');
    }
  }

  private broadcast(events: DomainEvent[]): void {
    for (const event of events) {
      const set = this.byTenant.get(event.tenantId);
      if (!set || set.size === 0) continue;
      const ended = this.options.endsSessionsOf?.(event);
      let frame: string | undefined;
      for (const connection of set) {
        if (ended && connection.identity.userId === ended) {
          connection.socket.close(CLOSE_UNAUTHENTICATED, 'session ended');
          continue;
        }
        if (connection.pending) {
          connection.pending.push(event);
          continue;
        }
        if (!this.options.isVisible(event, connection.identity)) continue;
        frame ??= serialise(event);
        this.deliver(connection, event, frame);
      }
    }
  }

  private deliver(connection: Connection, event: DomainEvent, frame: string): void {
    if (event.seq <= connection.lastSeq) return;
    if (!this.options.isVisible(event, connection.identity)) {
      connection.lastSeq = event.seq;
      return;
    }
    connection.lastSeq = event.seq;
    this.send(connection, frame);
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
    for (const set of this.byTenant.values()) {
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
