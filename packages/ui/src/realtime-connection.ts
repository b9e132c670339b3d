/**
 * The client side of `/ws/client` (docs/internal-api.md "Realtime"): one WebSocket carrying ordered
 * events with a sequence number. The client remembers the last sequence it applied and, after a
 * drop, reconnects with `?after=<seq>` so the server replays what was missed; when the server can
 * no longer replay (`reset`) the app refetches everything, and on the first stream it refetches
 * unless it knows what it loaded is no older than the stream's start (`onFirstHello`).
 */

export interface RealtimeEvent {
  seq: number;
  type: string;
  payload: unknown;
}

export type RealtimeStatus = 'connecting' | 'open' | 'closed';

export interface RealtimeHandlers {
  onEvent: (event: RealtimeEvent) => void;
  /** Cached state may be stale in unknown ways: refetch all of it. */
  onReset: () => void;
  /**
   * The first stream of the page starts at `seq`: what the app loaded before may lack events up to
   * there, which the stream will not send. Without this handler the app refetches (`onReset`).
   */
  onFirstHello?: (seq: number) => void;
  onStatusChange?: (status: RealtimeStatus) => void;
}

type ServerFrame = { t: 'hello'; seq: number } | { t: 'event'; seq: number; type: string; payload?: unknown } | { t: 'reset' };

function parseFrame(data: unknown): ServerFrame | null {
  if (typeof data !== 'string') return null;
  try {
    const frame = JSON.parse(data) as { t?: unknown; seq?: unknown; type?: unknown; payload?: unknown };
    if (frame.t === 'hello' && typeof frame.seq === 'number') return { t: 'hello', seq: frame.seq };
    if (frame.t === 'reset') return { t: 'reset' };
    if (frame.t === 'event' && typeof frame.seq === 'number' && typeof frame.type === 'string') {
      return { t: 'event', seq: frame.seq, type: frame.type, payload: frame.payload };
    }
  } catch {
    // A frame we cannot read is skipped; the sequence check notices anything lost.
  }
  return null;
}

const MIN_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;

export class RealtimeConnection {
  private socket: WebSocket | null = null;
  private lastSeq: number | null = null;
  /** Whether a stream has started before: a later start without a sequence follows a `reset`. */
  private started = false;
  private retryMs = MIN_RETRY_MS;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;

  constructor(
    private readonly path: string,
    private readonly handlers: RealtimeHandlers,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener('online', this.reconnectNow);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.reconnectNow);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.socket?.close(1000, 'client stopped');
    this.socket = null;
  }

  private url(): string {
    const protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    const after = this.lastSeq === null ? '' : `?after=${this.lastSeq}`;
    return `${protocol}//${window.location.host}${this.path}${after}`;
  }

  private connect(): void {
    if (this.stopped) return;
    this.handlers.onStatusChange?.('connecting');
    const socket = new WebSocket(this.url());
    this.socket = socket;
    socket.onopen = () => {
      this.retryMs = MIN_RETRY_MS;
      this.handlers.onStatusChange?.('open');
    };
    socket.onmessage = (message) => this.receive(parseFrame(message.data));
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.handlers.onStatusChange?.('closed');
      this.scheduleReconnect();
    };
    socket.onerror = () => socket.close();
  }

  private receive(frame: ServerFrame | null): void {
    if (!frame) return;
    switch (frame.t) {
      case 'hello':
        if (this.lastSeq === null) {
          // The stream starts here, at the server's head. What the app fetched before it — while
          // the first socket was opening, or before a reconnect that could not resume — may lack
          // events committed in between: after a reset it refetches; on the page's first stream
          // the app may know better (onFirstHello). From here on every event arrives.
          if (!this.started && this.handlers.onFirstHello) this.handlers.onFirstHello(frame.seq);
          else this.handlers.onReset();
          this.started = true;
          this.lastSeq = frame.seq;
        }
        return;
      case 'event':
        if (this.lastSeq !== null && frame.seq <= this.lastSeq) return;
        this.lastSeq = frame.seq;
        this.handlers.onEvent({ seq: frame.seq, type: frame.type, payload: frame.payload });
        return;
      case 'reset':
        // The server cannot replay from our sequence; the hello that follows refetches.
        this.lastSeq = null;
        return;
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retryTimer) return;
    const jitter = Math.random() * 0.3 * this.retryMs;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, this.retryMs + jitter);
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  private readonly reconnectNow = (): void => {
    if (this.stopped || this.socket) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.retryMs = MIN_RETRY_MS;
    this.connect();
  };
}
