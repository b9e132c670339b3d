import * as lark from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { DeliveryFailure } from './delivery.ts';
import { type Harness, startHarness } from './events-test-harness.ts';
import { decodeFrame, encodeFrame, type Frame, FrameMethod, frameHeader } from './feishu-frame.ts';
import { EndpointCode } from './long-connection.ts';

const quiet = lark.LoggerLevel.error;
/** Small enough that a long event spans several frames, so the SDK's reassembly is exercised too. */
const FRAME_LIMIT = 512;

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ longConnection: { maxFramePayloadBytes: FRAME_LIMIT, ackTimeoutMs: 5_000 } });
});
afterAll(async () => {
  await harness?.close();
});

async function pullUrl(
  appId: string,
  appSecret: string,
): Promise<{ code: number; msg: string; data: { URL?: string; ClientConfig?: object } }> {
  const response = await fetch(`${harness.baseUrl}/callback/ws/endpoint`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ AppID: appId, AppSecret: appSecret }),
  });
  return (await response.json()) as { code: number; msg: string; data: { URL?: string } };
}

function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

function nextFrame(socket: WebSocket): Promise<Frame> {
  return new Promise((resolve) => socket.once('message', (data: Buffer) => resolve(decodeFrame(data))));
}

describe('long connection with the official WSClient', () => {
  it('delivers events to the SDK handler, split across frames when large, and records them delivered', async () => {
    const app = harness.apps.add();
    const received: Array<Record<string, unknown>> = [];
    const client = new lark.WSClient({ appId: app.appId, appSecret: app.secret, domain: harness.baseUrl, loggerLevel: quiet });
    await client.start({
      eventDispatcher: new lark.EventDispatcher({ loggerLevel: quiet }).register({
        'contact.user.created_v3': async (data: Record<string, unknown>) => {
          received.push(data);
        },
      }),
    });
    try {
      await vi.waitFor(() => expect(harness.events.isConnected(app.appId)).toBe(true), { timeout: 10_000 });
      const longName = '长'.repeat(400); // 1200 UTF-8 bytes: fragments split mid-character
      await harness.emitUserCreated({ name: 'Ada', openId: 'ou_small' });
      await harness.emitUserCreated({ name: longName, openId: 'ou_large' });

      await vi.waitFor(() => expect(received).toHaveLength(2), { timeout: 10_000 });
      const byOpenId = new Map(received.map((data) => [(data.object as { open_id: string }).open_id, data]));
      expect(byOpenId.get('ou_small')).toMatchObject({
        schema: '2.0',
        event_type: 'contact.user.created_v3',
        app_id: app.appId,
        tenant_key: 'tk-tenant-1',
        token: '',
        object: { name: 'Ada' },
      });
      expect(byOpenId.get('ou_large')).toMatchObject({ object: { name: longName } });
      await vi.waitFor(async () => {
        const rows = (await harness.deliveries()).filter((row) => row.app_id === app.appId);
        expect(rows.map((row) => [row.status, row.transport, row.attempts])).toEqual([
          ['delivered', 'ws', 1],
          ['delivered', 'ws', 1],
        ]);
        expect(Buffer.byteLength(rows[1]?.envelope ?? '')).toBeGreaterThan(FRAME_LIMIT);
      });
    } finally {
      client.close({ force: true });
    }
  });

  it('returns the handler result to sendToApp, as a card callback needs', async () => {
    const app = harness.apps.add();
    const client = new lark.WSClient({ appId: app.appId, appSecret: app.secret, domain: harness.baseUrl, loggerLevel: quiet });
    await client.start({
      eventDispatcher: new lark.EventDispatcher({ loggerLevel: quiet }).register({
        'card.action.trigger': async (data: { action: { value: { choice: string } } }) => ({
          toast: { type: 'success', content: `picked ${data.action.value.choice}` },
        }),
      }),
    });
    try {
      await vi.waitFor(() => expect(harness.events.isConnected(app.appId)).toBe(true), { timeout: 10_000 });
      const result = await harness.events.sendToApp(app.appId, {
        schema: '2.0',
        header: { event_id: 'e-card', event_type: 'card.action.trigger', create_time: '1', token: '', app_id: app.appId, tenant_key: 'tk' },
        event: { operator: { open_id: 'ou_1' }, action: { value: { choice: 'B' }, tag: 'button' } },
      });
      expect(result).toEqual({ transport: 'ws', response: { toast: { type: 'success', content: 'picked B' } } });
    } finally {
      client.close({ force: true });
    }
  });

  it('makes the SDK give up with onError on wrong credentials instead of retrying', async () => {
    const app = harness.apps.add();
    const direct = await harness.events.endpointHandler({ AppID: app.appId, AppSecret: 'wrong' }, '127.0.0.1');
    expect(direct.json.code).not.toBe(0);
    expect(direct.json.code).not.toBe(EndpointCode.internalError);

    const failure = new Promise<Error>((resolve) => {
      const client = new lark.WSClient({
        appId: app.appId,
        appSecret: 'wrong',
        domain: harness.baseUrl,
        loggerLevel: lark.LoggerLevel.fatal,
        onError: (error: Error) => {
          client.close({ force: true });
          resolve(error);
        },
      });
      void client.start({ eventDispatcher: new lark.EventDispatcher({ loggerLevel: quiet }) });
    });
    expect((await failure).message).toContain(`code=${EndpointCode.authFailed}`);
    expect(harness.events.isConnected(app.appId)).toBe(false);
  });
});

describe('long connection protocol details', () => {
  it('answers a ping with a pong carrying the client config', async () => {
    const app = harness.apps.add();
    const reply = await pullUrl(app.appId, app.secret);
    const socket = await openSocket(reply.data.URL ?? '');
    try {
      const serviceId = Number(new URL(reply.data.URL ?? '').searchParams.get('service_id'));
      const pong = nextFrame(socket);
      socket.send(
        encodeFrame({ seqId: 0n, logId: 0n, service: serviceId, method: FrameMethod.control, headers: [{ key: 'type', value: 'ping' }] }),
      );
      const frame = await pong;
      expect(frame.method).toBe(FrameMethod.control);
      expect(frameHeader(frame, 'type')).toBe('pong');
      expect(frame.service).toBe(serviceId);
      expect(JSON.parse(Buffer.from(frame.payload ?? []).toString())).toEqual(reply.data.ClientConfig);
    } finally {
      socket.terminate();
    }
  });

  it('accepts a connection URL only once', async () => {
    const app = harness.apps.add();
    const url = (await pullUrl(app.appId, app.secret)).data.URL ?? '';
    const first = await openSocket(url);
    try {
      const status = await new Promise<{ code: number; handshake: string | undefined }>((resolve) => {
        const second = new WebSocket(url);
        second.on('unexpected-response', (_request, response) => {
          resolve({ code: response.statusCode ?? 0, handshake: response.headers['handshake-status'] as string | undefined });
          second.terminate();
        });
        second.on('error', () => {});
      });
      expect(status).toEqual({ code: 401, handshake: String(EndpointCode.authFailed) });
    } finally {
      first.terminate();
    }
  });

  it('fails a push when the client goes away before acking', async () => {
    const app = harness.apps.add();
    const socket = await openSocket((await pullUrl(app.appId, app.secret)).data.URL ?? '');
    await vi.waitFor(() => expect(harness.events.isConnected(app.appId)).toBe(true));
    socket.once('message', () => socket.terminate());
    const push = harness.events.sendToApp(app.appId, JSON.stringify({ schema: '2.0', header: {}, event: {} }));
    await expect(push).rejects.toBeInstanceOf(DeliveryFailure);
    await expect(push).rejects.toMatchObject({ transport: 'ws', message: expect.stringContaining('closed') });
  });

  it('treats a handler failure (ack code 500) as a failed delivery', async () => {
    const app = harness.apps.add();
    const socket = await openSocket((await pullUrl(app.appId, app.secret)).data.URL ?? '');
    try {
      await vi.waitFor(() => expect(harness.events.isConnected(app.appId)).toBe(true));
      socket.once('message', (data: Buffer) => {
        const frame = decodeFrame(data);
        socket.send(
          encodeFrame({ ...frame, headers: [...frame.headers, { key: 'biz_rt', value: '1' }], payload: Buffer.from('{"code":500}') }),
        );
      });
      await expect(harness.events.sendToApp(app.appId, '{"schema":"2.0"}')).rejects.toMatchObject({
        message: expect.stringContaining('500'),
      });
    } finally {
      socket.terminate();
    }
  });
});
