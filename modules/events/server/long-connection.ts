import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type Clock, systemClock } from '@kite/kernel/clock';
import { randomHex, randomToken } from '@kite/kernel/ids';
import type { Logger } from '@kite/kernel/logger';
import type { AppDirectory, AppRecord } from '@kite/openplatform/contract';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import { decodeFrame, encodeFrame, type Frame, FrameHeaderKey, FrameMessageType, FrameMethod, frameHeader } from './feishu-frame.ts';

/**
 * The server side of the SDK's `WSClient` long connection (reference/feishu-openapi.md §6b):
 * 1. `POST /callback/ws/endpoint {AppID, AppSecret}` checks the credentials and hands out a WebSocket
 *    URL carrying a one-time ticket plus the client's timing config;
 * 2. the client opens that URL; frames are protobuf `pbbp2.Frame` (feishu-frame.ts);
 * 3. the client pings (control frame) and we pong with the config; we push events as data frames and
 *    the client echoes each one back with a `biz_rt` header as its ack.
 * Connections are held by this process only: with several nodes, an app's socket lives on one of them.
 */

export const WS_ENDPOINT_PATH = '/callback/ws/endpoint';
export const WS_CONNECTION_PATH = '/callback/ws/conn';

/**
 * Endpoint codes. The SDK retries only 1000040343 (lib:102107) and gives up, firing `onError`, on any
 * other nonzero code — so credential errors use Feishu's AuthFailed (514), which a client cannot
 * fix by retrying.
 */
export const EndpointCode = {
  ok: 0,
  systemBusy: 1,
  authFailed: 514,
  internalError: 1_000_040_343,
  exceedConnectionLimit: 1_000_040_350,
} as const;

/** Timing the client adopts, in seconds (sent by the endpoint and in every pong). */
export interface ClientConfig {
  PingInterval: number;
  ReconnectCount: number;
  ReconnectInterval: number;
  ReconnectNonce: number;
}

export interface EndpointReply {
  status: number;
  json: { code: number; msg: string; data: { URL?: string; ClientConfig?: ClientConfig } };
}

/** What the app's handler answered: `code` 200 when it succeeded, 500 when it threw. */
export interface AckResult {
  code: number;
  /** The handler's return value (base64 JSON on the wire), e.g. a card for a card callback. */
  data?: unknown;
}

export type LongConnectionFailure = 'no_connection' | 'ack_timeout' | 'closed' | 'send_failed';

/** Why an event could not be pushed over a long connection. */
export class LongConnectionError extends Error {
  constructor(
    readonly reason: LongConnectionFailure,
    message: string,
  ) {
    super(message);
    this.name = 'LongConnectionError';
  }
}

export interface LongConnectionOptions {
  apps: Pick<AppDirectory, 'verifySecret'>;
  logger: Logger;
  clock?: Clock;
  /** Public base URL (`https://kite.example.com`); when absent the caller's Host header is used. */
  publicUrl?: string;
  clientConfig?: Partial<ClientConfig>;
  /** How long an issued connection URL stays usable. */
  ticketTtlMs?: number;
  /** How long to wait for the client to ack an event. */
  ackTimeoutMs?: number;
  /** Events larger than this are split across frames (the SDK reassembles by `sum`/`seq`). */
  maxFramePayloadBytes?: number;
  /** Feishu allows 50 connections per app. */
  maxConnectionsPerApp?: number;
  /** Interval of protocol-level pings that detect dead sockets. */
  heartbeatMs?: number;
  /** Longest wait for a new socket's first frame before events are pushed to it anyway. */
  readyGraceMs?: number;
  /** Called when a socket of `app` opens (e.g. to remember the app uses the long connection). */
  onConnected?: (app: AppRecord) => void;
  /** Called when a socket of `app` closes. */
  onDisconnected?: (app: AppRecord) => void;
}

const DEFAULT_CLIENT_CONFIG: ClientConfig = {
  PingInterval: 120,
  ReconnectCount: -1,
  ReconnectInterval: 120,
  ReconnectNonce: 30,
};

const EndpointBody = z.object({
  AppID: z.string().min(1).max(128),
  AppSecret: z.string().min(1).max(512),
});

/** host, host:port, [v6], [v6]:port — anything else could smuggle a path or query into the URL. */
const HOST_PATTERN = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

interface Ticket {
  app: AppRecord;
  deviceId: string;
  expiresAt: number;
}

interface PendingAck {
  resolve: (result: AckResult) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface Connection {
  socket: WebSocket;
  app: AppRecord;
  deviceId: string;
  nextSeqId: bigint;
  alive: boolean;
  pending: Map<string, PendingAck>;
  /**
   * Settles on the client's first frame (the SDK pings as soon as it opens) or after a grace period.
   * Pushing earlier loses the event: the SDK attaches its message listener a few microtasks after
   * 'open', and a frame that arrives with the 101 response is emitted before that.
   */
  ready: Promise<void>;
  isReady: boolean;
  markReady: () => void;
}

export class LongConnectionServer {
  private readonly wss: WebSocketServer;
  private readonly tickets = new Map<string, Ticket>();
  private readonly connections = new Map<string, Connection[]>();
  private readonly roundRobin = new Map<string, number>();
  private readonly clientConfig: ClientConfig;
  private readonly clock: Clock;
  /** Identifies this server in the URL and in every frame's `service` field; the client echoes it. */
  private readonly serviceId = 1 + Math.floor(Math.random() * 0x7ffffffe);
  private nextLogId = 1n;
  private heartbeat?: NodeJS.Timeout;

  constructor(private readonly options: LongConnectionOptions) {
    this.clock = options.clock ?? systemClock;
    this.clientConfig = { ...DEFAULT_CLIENT_CONFIG, ...options.clientConfig };
    // Clients only send pings and acks; a small cap stops a client from making us buffer megabytes.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  }

  /**
   * `POST /callback/ws/endpoint`. Never rejects: every outcome is HTTP 200 with a `{code,msg,data}`
   * body, because the SDK destructures `data` even on errors and treats a thrown request (non-2xx)
   * as retryable — wrong credentials must be a fatal nonzero code instead.
   * @param body the parsed JSON body
   * @param hostHeader the request's Host header, used when no public URL is configured
   */
  async handleEndpoint(body: unknown, hostHeader: string | undefined): Promise<EndpointReply> {
    const parsed = EndpointBody.safeParse(body);
    if (!parsed.success) return endpointError(EndpointCode.authFailed, 'AppID and AppSecret are required');
    let app: AppRecord | null;
    try {
      app = await this.options.apps.verifySecret(parsed.data.AppID, parsed.data.AppSecret);
    } catch (error) {
      // The directory failed (database down): 1000040343 is the one code the SDK retries.
      this.options.logger.error('long connection endpoint failed', { error });
      return endpointError(EndpointCode.internalError, 'internal error, retry later');
    }
    if (!app) return endpointError(EndpointCode.authFailed, 'auth failed: invalid app_id or app_secret');
    if (this.connectionCount(app.appId) >= this.maxConnectionsPerApp) {
      return endpointError(EndpointCode.exceedConnectionLimit, 'exceed connection limit');
    }
    const base = this.webSocketBase(hostHeader);
    if (!base) return endpointError(EndpointCode.systemBusy, 'cannot build the connection URL: no valid Host header');
    const ticket = this.issueTicket(app);
    // device_id and service_id must not be the first parameter: the SDK runs querystring.parse over
    // the whole URL, so the first key comes out as `ws://host/path?fpid`.
    const query = new URLSearchParams({
      fpid: '1',
      device_id: ticket.deviceId,
      service_id: String(this.serviceId),
      ticket: ticket.id,
    });
    return {
      status: 200,
      json: {
        code: EndpointCode.ok,
        msg: 'ok',
        data: { URL: `${base}${WS_CONNECTION_PATH}?${query}`, ClientConfig: { ...this.clientConfig } },
      },
    };
  }

  /**
   * Routes an HTTP upgrade. Returns false (touching nothing) when the path is not ours, so one HTTP
   * server can route upgrades to several handlers; otherwise it answers the upgrade — rejecting it
   * when the ticket is unknown, used or expired.
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_CONNECTION_PATH) return false;
    const ticketId = url.searchParams.get('ticket') ?? '';
    const ticket = this.tickets.get(ticketId);
    // One-time: a leaked URL is useless once the client has connected.
    this.tickets.delete(ticketId);
    if (!ticket || ticket.expiresAt <= this.clock.now().getTime()) {
      rejectUpgrade(socket, 401, EndpointCode.authFailed, 'invalid or expired ticket');
      return true;
    }
    if (url.searchParams.get('device_id') !== ticket.deviceId) {
      rejectUpgrade(socket, 401, EndpointCode.authFailed, 'device_id does not match the ticket');
      return true;
    }
    if (this.connectionCount(ticket.app.appId) >= this.maxConnectionsPerApp) {
      rejectUpgrade(socket, 403, EndpointCode.authFailed, 'exceed connection limit', EndpointCode.exceedConnectionLimit);
      return true;
    }
    this.wss.handleUpgrade(request, socket, head, (webSocket) => this.accept(webSocket, ticket));
    return true;
  }

  /** Whether this process holds an open socket for the app. */
  isConnected(appId: string): boolean {
    return this.connectionCount(appId) > 0;
  }

  /** Open sockets of one app, or of all apps. */
  connectionCount(appId?: string): number {
    if (appId !== undefined) return this.connections.get(appId)?.length ?? 0;
    let total = 0;
    for (const list of this.connections.values()) total += list.length;
    return total;
  }

  /**
   * Pushes one event (the compact JSON of a v2 envelope) to one of the app's sockets and resolves
   * with the client's ack. Rejects with {@link LongConnectionError} when the app has no socket here,
   * the socket closes first, or no ack arrives within `ackTimeoutMs` (default: the server's ack timeout).
   */
  async sendEvent(appId: string, envelopeJson: string, ackTimeoutMs?: number): Promise<AckResult> {
    const connection = this.pickConnection(appId);
    if (!connection) throw new LongConnectionError('no_connection', `app ${appId} has no open long connection`);
    await connection.ready;
    if (connection.socket.readyState !== WebSocket.OPEN) {
      throw new LongConnectionError('closed', 'long connection closed before the event was sent');
    }
    const messageId = randomHex(16);
    const traceId = randomHex(16);
    const chunks = splitPayload(Buffer.from(envelopeJson, 'utf8'), this.maxFramePayloadBytes);
    const logId = this.nextLogId++;
    const frames = chunks.map((chunk, index) =>
      encodeFrame({
        seqId: connection.nextSeqId++,
        logId,
        service: this.serviceId,
        method: FrameMethod.data,
        headers: [
          { key: FrameHeaderKey.type, value: FrameMessageType.event },
          { key: FrameHeaderKey.messageId, value: messageId },
          { key: FrameHeaderKey.sum, value: String(chunks.length) },
          { key: FrameHeaderKey.seq, value: String(index) },
          { key: FrameHeaderKey.traceId, value: traceId },
        ],
        payload: chunk,
      }),
    );
    const ack = this.awaitAck(connection, messageId, ackTimeoutMs ?? this.options.ackTimeoutMs ?? 10_000);
    for (const frame of frames) {
      connection.socket.send(frame, (error) => {
        if (error) settlePending(connection, messageId, new LongConnectionError('send_failed', error.message));
      });
    }
    return ack;
  }

  /** Closes every socket of the app on this process (app deleted, secret rotated). */
  disconnectApp(appId: string): number {
    for (const [id, ticket] of this.tickets) if (ticket.app.appId === appId) this.tickets.delete(id);
    const list = [...(this.connections.get(appId) ?? [])];
    for (const connection of list) connection.socket.terminate();
    return list.length;
  }

  /** Starts the heartbeat that drops sockets whose peer stopped answering protocol pings. */
  start(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => this.checkHeartbeats(), this.options.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
  }

  /** Stops the heartbeat and drops every socket; clients reconnect to another node or later. */
  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    for (const list of this.connections.values()) for (const connection of [...list]) connection.socket.terminate();
    this.tickets.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private get maxConnectionsPerApp(): number {
    return this.options.maxConnectionsPerApp ?? 50;
  }

  private get maxFramePayloadBytes(): number {
    return this.options.maxFramePayloadBytes ?? 256 * 1024;
  }

  private webSocketBase(hostHeader: string | undefined): string | null {
    if (this.options.publicUrl) {
      const base = this.options.publicUrl.replace(/\/+$/, '');
      return base.replace(/^http(s?):\/\//i, (_match, secure: string) => (secure ? 'wss://' : 'ws://'));
    }
    const host = hostHeader?.trim();
    return host && HOST_PATTERN.test(host) ? `ws://${host}` : null;
  }

  private issueTicket(app: AppRecord): Ticket & { id: string } {
    const now = this.clock.now().getTime();
    for (const [id, ticket] of this.tickets) if (ticket.expiresAt <= now) this.tickets.delete(id);
    const ticket = { id: randomToken(24), app, deviceId: randomHex(8), expiresAt: now + (this.options.ticketTtlMs ?? 60_000) };
    this.tickets.set(ticket.id, ticket);
    return ticket;
  }

  private accept(socket: WebSocket, ticket: Ticket): void {
    let resolveReady = () => {};
    const connection: Connection = {
      socket,
      app: ticket.app,
      deviceId: ticket.deviceId,
      nextSeqId: 1n,
      alive: true,
      pending: new Map(),
      ready: new Promise<void>((resolve) => {
        resolveReady = resolve;
      }),
      isReady: false,
      markReady: () => {
        connection.isReady = true;
        resolveReady();
      },
    };
    setTimeout(() => connection.markReady(), this.options.readyGraceMs ?? 1_000).unref();
    const appId = ticket.app.appId;
    this.connections.set(appId, [...(this.connections.get(appId) ?? []), connection]);
    socket.on('message', (data, isBinary) => {
      connection.alive = true;
      connection.markReady();
      if (isBinary) this.onFrame(connection, data);
    });
    socket.on('pong', () => {
      connection.alive = true;
    });
    socket.on('error', (error) => this.options.logger.warn('long connection socket error', { appId, error }));
    socket.on('close', () => {
      connection.markReady();
      this.onClose(connection);
    });
    this.options.logger.info('long connection opened', { appId, deviceId: connection.deviceId });
    this.notify(this.options.onConnected, ticket.app);
  }

  private notify(hook: ((app: AppRecord) => void) | undefined, app: AppRecord): void {
    try {
      hook?.(app);
    } catch (error) {
      this.options.logger.error('long connection hook failed', { appId: app.appId, error });
    }
  }

  private onFrame(connection: Connection, data: RawData): void {
    let frame: Frame;
    try {
      frame = decodeFrame(toBytes(data));
    } catch (error) {
      this.options.logger.warn('undecodable long connection frame', { appId: connection.app.appId, error });
      return;
    }
    const type = frameHeader(frame, FrameHeaderKey.type);
    if (frame.method === FrameMethod.control && type === FrameMessageType.ping) this.sendPong(connection, frame);
    else if (frame.method === FrameMethod.data) this.onAck(connection, frame);
  }

  private sendPong(connection: Connection, ping: Frame): void {
    const pong: Frame = {
      seqId: 0n,
      logId: 0n,
      service: ping.service,
      method: FrameMethod.control,
      headers: [{ key: FrameHeaderKey.type, value: FrameMessageType.pong }],
      payload: Buffer.from(JSON.stringify(this.clientConfig), 'utf8'),
    };
    connection.socket.send(encodeFrame(pong));
  }

  /** The client answers an event by echoing its last frame with `biz_rt` and `{code, data?}`. */
  private onAck(connection: Connection, frame: Frame): void {
    const messageId = frameHeader(frame, FrameHeaderKey.messageId);
    if (!messageId || frameHeader(frame, FrameHeaderKey.bizRt) === undefined) return;
    settlePending(connection, messageId, parseAck(frame.payload));
  }

  private onClose(connection: Connection): void {
    const appId = connection.app.appId;
    const remaining = (this.connections.get(appId) ?? []).filter((entry) => entry !== connection);
    if (remaining.length > 0) this.connections.set(appId, remaining);
    else this.connections.delete(appId);
    for (const messageId of [...connection.pending.keys()]) {
      settlePending(connection, messageId, new LongConnectionError('closed', 'long connection closed before the ack'));
    }
    this.options.logger.info('long connection closed', { appId, deviceId: connection.deviceId });
    this.notify(this.options.onDisconnected, connection.app);
  }

  private awaitAck(connection: Connection, messageId: string, timeoutMs: number): Promise<AckResult> {
    return new Promise<AckResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        settlePending(connection, messageId, new LongConnectionError('ack_timeout', 'no ack from the client in time'));
      }, timeoutMs);
      timer.unref();
      connection.pending.set(messageId, { resolve, reject, timer });
    });
  }

  /** Spreads events over an app's ready sockets (Feishu delivers each event to one of them). */
  private pickConnection(appId: string): Connection | undefined {
    const open = (this.connections.get(appId) ?? []).filter((entry) => entry.socket.readyState === WebSocket.OPEN);
    const ready = open.filter((entry) => entry.isReady);
    const candidates = ready.length > 0 ? ready : open;
    if (candidates.length === 0) return undefined;
    const turn = (this.roundRobin.get(appId) ?? 0) % candidates.length;
    this.roundRobin.set(appId, turn + 1);
    return candidates[turn];
  }

  private checkHeartbeats(): void {
    for (const list of this.connections.values()) {
      for (const connection of list) {
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

/** Splits `bytes` into chunks of at most `limit` bytes (at least one chunk, even when empty). */
export function splitPayload(bytes: Uint8Array, limit: number): Uint8Array[] {
  if (limit < 1) throw new RangeError('frame payload limit must be positive');
  if (bytes.length <= limit) return [bytes];
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += limit) chunks.push(bytes.subarray(offset, offset + limit));
  return chunks;
}

function settlePending(connection: Connection, messageId: string, outcome: AckResult | Error): void {
  const pending = connection.pending.get(messageId);
  if (!pending) return;
  connection.pending.delete(messageId);
  clearTimeout(pending.timer);
  if (outcome instanceof Error) pending.reject(outcome);
  else pending.resolve(outcome);
}

/** Reads `{code, data?}`; `data` is base64 of the handler's JSON result (lib:102692). */
function parseAck(payload: Uint8Array | undefined): AckResult {
  try {
    const body = JSON.parse(Buffer.from(payload ?? new Uint8Array()).toString('utf8')) as { code?: unknown; data?: unknown };
    const code = typeof body.code === 'number' ? body.code : 0;
    if (typeof body.data !== 'string') return { code };
    const decoded = Buffer.from(body.data, 'base64').toString('utf8');
    try {
      return { code, data: JSON.parse(decoded) };
    } catch {
      return { code, data: decoded };
    }
  } catch {
    return { code: 0 };
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

function endpointError(code: number, msg: string): EndpointReply {
  // `data: {}` matters: the SDK destructures `data.URL` before it looks at `code`, and a TypeError
  // there would count as a retryable network error instead of a fatal one.
  return { status: 200, json: { code, msg, data: {} } };
}

/**
 * Refuses an upgrade the way Feishu's gateway does, with the code in `Handshake-*` headers (the Go
 * SDK reads them; the Node SDK just sees the failure and pulls a fresh URL).
 */
function rejectUpgrade(socket: Duplex, status: number, code: number, message: string, authCode?: number): void {
  const lines = [
    `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Forbidden'}`,
    `Handshake-Status: ${code}`,
    `Handshake-Msg: ${message}`,
    ...(authCode === undefined ? [] : [`Handshake-Autherrcode: ${authCode}`]),
    'Connection: close',
    'Content-Length: 0',
  ];
  socket.once('finish', () => socket.destroy());
  socket.end(`${lines.join('\r\n')}\r\n\r\n`);
}
