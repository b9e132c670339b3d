import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { RealtimeConnection, type RealtimeEvent } from './realtime-connection.ts';

/**
 * The client against a real WebSocket server speaking the gateway's frames (`hello`, `event`,
 * `reset`); the browser globals it needs are Node's `ws` client and a stand-in `window`.
 */
describe('RealtimeConnection', () => {
  let server: WebSocketServer;
  /** The query string of each connection, and a way to speak on the newest one. */
  let opened: Array<{ query: string; socket: import('ws').WebSocket }>;
  let connection: RealtimeConnection | undefined;
  const seen: { events: RealtimeEvent[]; resets: number } = { events: [], resets: 0 };

  beforeEach(async () => {
    opened = [];
    seen.events = [];
    seen.resets = 0;
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    server.on('connection', (socket, request) => opened.push({ query: new URL(request.url ?? '/', 'http://x').search, socket }));
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    Object.assign(globalThis, {
      WebSocket,
      window: { location: { protocol: 'http:', host: `127.0.0.1:${port}` }, addEventListener() {}, removeEventListener() {} },
    });
  });

  afterEach(async () => {
    connection?.stop();
    await new Promise((resolve) => server.close(resolve));
  });

  function connect(onFirstHello?: (seq: number) => void): RealtimeConnection {
    connection = new RealtimeConnection('/ws/client', {
      onEvent: (event) => seen.events.push(event),
      onReset: () => {
        seen.resets++;
      },
      ...(onFirstHello ? { onFirstHello } : {}),
    });
    connection.start();
    return connection;
  }

  const until = async (check: () => boolean) => {
    const deadline = Date.now() + 5_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const say = (frame: object) => opened.at(-1)!.socket.send(JSON.stringify(frame));

  it('refetches once when the first stream starts, since what loaded before it may lack events', async () => {
    connect();
    await until(() => opened.length === 1);
    expect(opened[0]!.query).toBe('');
    say({ t: 'hello', seq: 41 });
    say({ t: 'event', seq: 42, type: 'im.message.created', payload: { id: 'm1' } });
    await until(() => seen.events.length === 1);
    expect(seen.resets).toBe(1);
    expect(seen.events).toEqual([{ seq: 42, type: 'im.message.created', payload: { id: 'm1' } }]);
  });

  it('resumes after a drop from the last event it applied, without refetching', async () => {
    connect();
    await until(() => opened.length === 1);
    say({ t: 'hello', seq: 10 });
    say({ t: 'event', seq: 11, type: 'a', payload: null });
    await until(() => seen.events.length === 1);
    opened[0]!.socket.terminate();
    // The client retries after about a second.
    await until(() => opened.length === 2);
    expect(opened[1]!.query).toBe('?after=11');
    say({ t: 'event', seq: 11, type: 'a', payload: null }); // a replayed duplicate is skipped
    say({ t: 'event', seq: 12, type: 'b', payload: null });
    say({ t: 'hello', seq: 12 });
    await until(() => seen.events.length === 2);
    expect(seen.events.map((event) => event.seq)).toEqual([11, 12]);
    expect(seen.resets).toBe(1);
  });

  it('leaves the first stream to onFirstHello, and refetches after a reset all the same', async () => {
    const firstHellos: number[] = [];
    connect((seq) => firstHellos.push(seq));
    await until(() => opened.length === 1);
    say({ t: 'hello', seq: 7 });
    say({ t: 'event', seq: 8, type: 'a', payload: null });
    await until(() => seen.events.length === 1);
    expect(firstHellos).toEqual([7]);
    expect(seen.resets).toBe(0);
    opened[0]!.socket.terminate();
    await until(() => opened.length === 2);
    expect(opened[1]!.query).toBe('?after=8');
    say({ t: 'reset' });
    say({ t: 'hello', seq: 500 });
    say({ t: 'event', seq: 501, type: 'b', payload: null });
    await until(() => seen.events.length === 2);
    expect(firstHellos).toEqual([7]);
    expect(seen.resets).toBe(1);
  });

  it('refetches once more when the server can no longer replay', async () => {
    connect();
    await until(() => opened.length === 1);
    say({ t: 'hello', seq: 5 });
    say({ t: 'event', seq: 6, type: 'a', payload: null });
    await until(() => seen.events.length === 1);
    opened[0]!.socket.terminate();
    await until(() => opened.length === 2);
    say({ t: 'reset' });
    say({ t: 'hello', seq: 900 });
    say({ t: 'event', seq: 901, type: 'b', payload: null });
    await until(() => seen.events.length === 2);
    expect(seen.resets).toBe(2);
  });
});
