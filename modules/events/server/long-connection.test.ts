import type { IncomingMessage } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { PassThrough } from 'node:stream';
import { ManualClock } from '@kite/kernel/clock';
import type { Logger } from '@kite/kernel/logger';
import type { AppRecord } from '@kite/openplatform/contract';
import { describe, expect, it } from 'vitest';
import { EndpointCode, LongConnectionServer, splitPayload, WS_CONNECTION_PATH } from './long-connection.ts';

const silent: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, child: () => silent };

const app: AppRecord = {
  id: 'a1',
  appId: 'cli_0123456789abcdef',
  tenantId: 't1',
  tenantKey: 'tk1',
  name: 'Bot',
  description: '',
  scopes: [],
  eventUrl: null,
  encryptKey: null,
  verificationToken: null,
  cardUrl: null,
  redirectUrls: [],
  botOpenId: 'ou_bot',
  createdAt: new Date(0),
};

function server(options: { publicUrl?: string; failDirectory?: boolean; clock?: ManualClock } = {}) {
  return new LongConnectionServer({
    logger: silent,
    publicUrl: options.publicUrl,
    clock: options.clock,
    apps: {
      verifySecret: async (appId, secret) => {
        if (options.failDirectory) throw new Error('database down');
        return appId === app.appId && secret === 'right' ? app : null;
      },
    },
  });
}

/**
 * What an SDK `WSClient` extracts from the URL (lib:102358): it runs `qs.parse` over the whole
 * string, which for plain `a=b&c=d` pairs splits like `querystring.parse` — the first key swallows
 * the `ws://host/path?` prefix.
 */
function parseLikeSdk(url: string): Record<string, unknown> {
  const parsed = parseQuery(url);
  expect(Object.keys(parsed)[0]).toBe(`${url.slice(0, url.indexOf('?'))}?fpid`);
  return parsed;
}

describe('POST /callback/ws/endpoint', () => {
  it('hands out a ws URL on the caller host with ids the SDK can parse, and the client config', async () => {
    const reply = await server().handleEndpoint({ AppID: app.appId, AppSecret: 'right' }, '127.0.0.1:4567');
    expect(reply.status).toBe(200);
    expect(reply.json.code).toBe(0);
    expect(reply.json.msg).toBe('ok');
    const url = reply.json.data.URL ?? '';
    expect(url.startsWith(`ws://127.0.0.1:4567${WS_CONNECTION_PATH}?fpid=1&`)).toBe(true);
    const parsed = parseLikeSdk(url);
    expect(parsed.device_id).toMatch(/^[0-9a-f]+$/);
    expect(Number(parsed.service_id)).toBeGreaterThan(0);
    expect(new URL(url).searchParams.get('ticket')).toBeTruthy();
    expect(reply.json.data.ClientConfig).toEqual({ PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 120, ReconnectNonce: 30 });
  });

  it('uses the configured public URL, switching to wss for https', async () => {
    const reply = await server({ publicUrl: 'https://kite.example.com/' }).handleEndpoint(
      { AppID: app.appId, AppSecret: 'right' },
      'internal:3000',
    );
    expect(reply.json.data.URL?.startsWith(`wss://kite.example.com${WS_CONNECTION_PATH}?`)).toBe(true);
  });

  it('issues a different one-time ticket and device each call', async () => {
    const endpoint = server();
    const first = new URL((await endpoint.handleEndpoint({ AppID: app.appId, AppSecret: 'right' }, 'h')).json.data.URL ?? '');
    const second = new URL((await endpoint.handleEndpoint({ AppID: app.appId, AppSecret: 'right' }, 'h')).json.data.URL ?? '');
    expect(first.searchParams.get('ticket')).not.toBe(second.searchParams.get('ticket'));
    expect(first.searchParams.get('device_id')).not.toBe(second.searchParams.get('device_id'));
  });

  it('answers wrong or missing credentials with the fatal AuthFailed code and an empty data object', async () => {
    const endpoint = server();
    for (const body of [{ AppID: app.appId, AppSecret: 'wrong' }, { AppID: 'cli_ffffffffffffffff', AppSecret: 'right' }, {}, null]) {
      const reply = await endpoint.handleEndpoint(body, 'h');
      expect(reply.status).toBe(200);
      expect(reply.json.code).toBe(EndpointCode.authFailed);
      expect(reply.json.code).not.toBe(EndpointCode.internalError);
      expect(reply.json.data).toEqual({});
      expect(reply.json.msg).toBeTruthy();
    }
  });

  it('refuses a Host header that would inject into the URL', async () => {
    const reply = await server().handleEndpoint({ AppID: app.appId, AppSecret: 'right' }, 'evil.com/x?ticket=');
    expect(reply.json.code).not.toBe(0);
    expect(reply.json.data).toEqual({});
  });

  it('answers a failing directory with the one code the SDK retries', async () => {
    const reply = await server({ failDirectory: true }).handleEndpoint({ AppID: app.appId, AppSecret: 'right' }, 'h');
    expect(reply.json.code).toBe(EndpointCode.internalError);
  });
});

describe('upgrade routing', () => {
  function upgrade(endpoint: LongConnectionServer, url: string) {
    const socket = new PassThrough();
    let written = '';
    socket.on('data', (chunk: Buffer) => {
      written += chunk.toString();
    });
    const handled = endpoint.handleUpgrade({ url, headers: {} } as IncomingMessage, socket, Buffer.alloc(0));
    return { handled, written: () => written };
  }

  it('leaves other paths alone', () => {
    const result = upgrade(server(), '/collab?x=1');
    expect(result.handled).toBe(false);
    expect(result.written()).toBe('');
  });

  it('rejects an unknown ticket with Feishu handshake headers', async () => {
    const result = upgrade(server(), `${WS_CONNECTION_PATH}?fpid=1&device_id=d&service_id=1&ticket=nope`);
    expect(result.handled).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(result.written()).toMatch(/^HTTP\/1\.1 401/);
    expect(result.written()).toContain(`Handshake-Status: ${EndpointCode.authFailed}`);
  });

  it('rejects an expired ticket', async () => {
    const clock = new ManualClock();
    const endpoint = server({ clock });
    const url = new URL((await endpoint.handleEndpoint({ AppID: app.appId, AppSecret: 'right' }, 'h')).json.data.URL ?? '');
    clock.advance(61_000);
    const result = upgrade(endpoint, `${url.pathname}${url.search}`);
    await new Promise((resolve) => setImmediate(resolve));
    expect(result.written()).toMatch(/^HTTP\/1\.1 401/);
  });
});

describe('splitPayload', () => {
  it('keeps small payloads whole and splits large ones at the byte limit', () => {
    const bytes = new Uint8Array(10).map((_, index) => index);
    expect(splitPayload(bytes, 10)).toHaveLength(1);
    const chunks = splitPayload(bytes, 4);
    expect(chunks.map((chunk) => [...chunk])).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect(splitPayload(new Uint8Array(0), 4)).toHaveLength(1);
  });
});
