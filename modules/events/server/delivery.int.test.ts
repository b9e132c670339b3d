import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { ManualClock } from '@kite/kernel/clock';
import { createCommandRunner, type DomainEvent } from '@kite/platform/outbox';
import * as lark from '@larksuiteoapi/node-sdk';
import type { Selectable } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Harness, listen, startHarness } from './events-test-harness.ts';
import type { EventsTables } from './tables.ts';
import { decryptPayload } from './webhook-crypto.ts';

const quiet = lark.LoggerLevel.error;
const servers: Server[] = [];

/** Starts a local receiver; `handler` may be the SDK's `adaptDefault` or a hand-written one. */
async function receiver(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  return `http://127.0.0.1:${await listen(server)}`;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** Collects request bodies and headers, answering with the given statuses in turn (then the last). */
function scriptedReceiver(statuses: number[]) {
  const requests: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  const handler: Parameters<typeof createServer>[1] = (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.statusCode = statuses[Math.min(requests.length, statuses.length) - 1] ?? 200;
      response.end('{}');
    });
  };
  return { requests, handler };
}

describe('webhook delivery to the official SDK receiver', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('passes url verification and delivers signed, encrypted events', async () => {
    const received: Array<Record<string, unknown>> = [];
    const seenHeaders: IncomingHttpHeaders[] = [];
    const dispatcher = new lark.EventDispatcher({ encryptKey: 'my-encrypt-key', loggerLevel: quiet }).register({
      'contact.user.created_v3': async (data: Record<string, unknown>) => {
        received.push(data);
        return 'ok';
      },
    });
    const sdkHandler = lark.adaptDefault('/hook', dispatcher, { autoChallenge: true });
    const base = await receiver((request, response) => {
      seenHeaders.push(request.headers);
      void sdkHandler(request, response);
    });
    const app = harness.apps.add({ eventUrl: `${base}/hook`, encryptKey: 'my-encrypt-key', verificationToken: 'vt-1' });

    await expect(harness.events.verifyEventUrl(app)).resolves.toEqual({ ok: true });
    expect(received).toHaveLength(0);

    await harness.emitUserCreated({ name: 'Grace', openId: 'ou_grace' });
    await vi.waitFor(() => expect(received).toHaveLength(1), { timeout: 10_000 });
    expect(received[0]).toMatchObject({
      event_type: 'contact.user.created_v3',
      app_id: app.appId,
      token: 'vt-1',
      tenant_key: 'tk-tenant-1',
      object: { open_id: 'ou_grace', name: 'Grace' },
    });
    expect(received[0]?.event_id).toMatch(/^[0-9a-f]{32}$/);
    const eventHeaders = seenHeaders.at(-1) ?? {};
    expect(eventHeaders['x-lark-signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(eventHeaders['x-lark-request-timestamp']).toMatch(/^\d+$/);
    await vi.waitFor(async () => {
      const row = (await harness.deliveries()).find((delivery) => delivery.app_id === app.appId);
      expect(row).toMatchObject({ status: 'delivered', transport: 'webhook', attempts: 1, last_error: null });
    });
  });

  it('delivers plain JSON to an app without an encrypt key', async () => {
    const received: unknown[] = [];
    const dispatcher = new lark.EventDispatcher({ loggerLevel: quiet }).register({
      'contact.user.created_v3': async (data: unknown) => {
        received.push(data);
      },
    });
    const base = await receiver(lark.adaptDefault('/plain', dispatcher, { autoChallenge: true }));
    const app = harness.apps.add({ eventUrl: `${base}/plain` });
    await expect(harness.events.verifyEventUrl(app)).resolves.toEqual({ ok: true });
    await harness.emitUserCreated({ name: 'Linus' });
    await vi.waitFor(
      () => expect(received).toEqual([expect.objectContaining({ app_id: app.appId, object: expect.objectContaining({ name: 'Linus' }) })]),
      {
        timeout: 10_000,
      },
    );
  });

  it('fails url verification when the challenge is not echoed or the URL is unreachable', async () => {
    const wrong = await receiver((_request, response) => response.end('{"challenge":"something else"}'));
    await expect(harness.events.verifyEventUrl({ eventUrl: wrong, encryptKey: null, verificationToken: null })).resolves.toMatchObject({
      ok: false,
    });
    const closed = createServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    await expect(
      harness.events.verifyEventUrl({ eventUrl: `http://127.0.0.1:${port}/x`, encryptKey: null, verificationToken: null }),
    ).resolves.toMatchObject({ ok: false, reason: expect.stringContaining('request failed') });
    await expect(harness.events.verifyEventUrl({ eventUrl: null, encryptKey: null, verificationToken: null })).resolves.toMatchObject({
      ok: false,
    });
  });
});

describe('fan-out and retries (manual clock, worker driven by hand)', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 21, 10, 0, 0));
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ clock, startWorker: false, delivery: { backoffMs: [5_000, 30_000], maxAttempts: 4 } });
  });
  afterAll(async () => {
    await harness?.close();
  });

  async function rowsFor(appId: string): Promise<Selectable<EventsTables['event_delivery']>[]> {
    return (await harness.deliveries()).filter((row) => row.app_id === appId);
  }

  it('retries a failing webhook with backoff until it succeeds, keeping the event id', async () => {
    const { requests, handler } = scriptedReceiver([500, 503, 200]);
    const app = harness.apps.add({ tenantId: 'tenant-retry', eventUrl: `${await receiver(handler)}/hook`, encryptKey: 'k' });
    await harness.emitUserCreated({ name: 'Retry' }, 'tenant-retry');

    expect(await harness.events.deliverDue()).toBe(1);
    let [row] = await rowsFor(app.appId);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: 'event URL answered HTTP 500', transport: 'webhook' });
    expect(row?.next_attempt_at.getTime()).toBe(clock.now().getTime() + 5_000);

    expect(await harness.events.deliverDue()).toBe(0);
    clock.advance(5_000);
    expect(await harness.events.deliverDue()).toBe(1);
    [row] = await rowsFor(app.appId);
    expect(row).toMatchObject({ status: 'pending', attempts: 2, last_error: 'event URL answered HTTP 503' });
    expect(row?.next_attempt_at.getTime()).toBe(clock.now().getTime() + 30_000);

    clock.advance(29_999);
    expect(await harness.events.deliverDue()).toBe(0);
    clock.advance(1);
    expect(await harness.events.deliverDue()).toBe(1);
    [row] = await rowsFor(app.appId);
    expect(row).toMatchObject({ status: 'delivered', attempts: 3, last_error: null });
    expect(row?.delivered_at?.getTime()).toBe(clock.now().getTime());

    const eventIds = requests.map((request) => JSON.parse(decryptPayload(JSON.parse(request.body).encrypt, 'k')).header.event_id);
    expect(eventIds).toHaveLength(3);
    expect(new Set(eventIds).size).toBe(1);
  });

  it('gives up after the last attempt and marks the delivery failed', async () => {
    const { requests, handler } = scriptedReceiver([500]);
    const app = harness.apps.add({ tenantId: 'tenant-fail', eventUrl: `${await receiver(handler)}/hook` });
    await harness.emitUserCreated({ name: 'Doomed' }, 'tenant-fail');
    for (let attempt = 0; attempt < 4; attempt++) {
      expect(await harness.events.deliverDue()).toBe(1);
      clock.advance(30_000);
    }
    expect(await harness.events.deliverDue()).toBe(0);
    const [row] = await rowsFor(app.appId);
    expect(row).toMatchObject({ status: 'failed', attempts: 4 });
    expect(requests).toHaveLength(4);
  });

  it('queues nothing for apps without the scope, or with neither an event URL nor a long connection', async () => {
    const { handler } = scriptedReceiver([200]);
    const url = `${await receiver(handler)}/hook`;
    const subscribed = harness.apps.add({ tenantId: 'tenant-filter', eventUrl: url });
    const noScope = harness.apps.add({ tenantId: 'tenant-filter', eventUrl: url, scopes: ['im:message'] });
    const unreachable = harness.apps.add({ tenantId: 'tenant-filter', eventUrl: null });
    const otherTenant = harness.apps.add({ tenantId: 'tenant-other', eventUrl: url });
    await harness.emitUserCreated({ name: 'Filtered' }, 'tenant-filter');
    expect(await harness.events.deliverDue()).toBe(1);
    expect(await rowsFor(subscribed.appId)).toHaveLength(1);
    for (const app of [noScope, unreachable, otherTenant]) expect(await rowsFor(app.appId)).toHaveLength(0);
  });

  it('fans the same domain event out only once even if it is processed again', async () => {
    const { requests, handler } = scriptedReceiver([200]);
    const app = harness.apps.add({ tenantId: 'tenant-dup', eventUrl: `${await receiver(handler)}/hook` });
    await harness.emitUserCreated({ name: 'Once' }, 'tenant-dup');
    expect(await harness.events.deliverDue()).toBe(1);
    // Simulate at-least-once redelivery of the outbox batch: the same event lands in event_fanout again.
    const [event] = await harness.dispatcher.read(0, harness.database.db, 'tenant-dup');
    if (!event) throw new Error('the domain event is missing from the outbox');
    await harness.database.db
      .withTables<EventsTables>()
      .insertInto('event_fanout')
      .values({ outbox_seq: event.seq, tenant_id: 'tenant-dup', domain_event: JSON.stringify(event) })
      .execute();
    expect(await harness.events.deliverDue()).toBe(0);
    expect(await rowsFor(app.appId)).toHaveLength(1);
    expect(requests).toHaveLength(1);
  });

  it('fans out only events some app may receive, and never to an app created after them', async () => {
    const { requests, handler } = scriptedReceiver([200]);
    const url = `${await receiver(handler)}/hook`;
    const bot = harness.apps.add({ tenantId: 'tenant-chat', eventUrl: url, scopes: ['im:message'] });
    // Like a chat message: only the bots listed in the event can receive it.
    const appsOf = (event: DomainEvent) => (event.payload as { appIds: string[] }).appIds;
    harness.events.registerOpenEvent(
      'test.chat.said',
      (event, app) => (appsOf(event).includes(app.appId) ? { eventType: 'said_v1', event: {} } : null),
      {
        appsOf,
      },
    );
    const commands = createCommandRunner(harness.database.db, harness.dispatcher);
    const say = (appIds: string[]) =>
      commands.run({ tenantId: 'tenant-chat', actor: { type: 'system', name: 'test' } }, (_trx, emit) =>
        emit({ type: 'test.chat.said', subjectType: 'chat', subjectId: 'c1', payload: { appIds } }),
      );
    // An app the event names but which is created only after the event (its id reserved here).
    const laterId = 'cli_00000000000000aa';
    await say([]);
    await say([bot.appId, laterId]);
    await harness.dispatcher.settle();
    const fanout = await harness.database.db.withTables<EventsTables>().selectFrom('event_fanout').select('domain_event').execute();
    expect(fanout.map((row) => (row.domain_event as { payload: unknown }).payload)).toEqual([{ appIds: [bot.appId, laterId] }]);

    const later = harness.apps.add({
      appId: laterId,
      tenantId: 'tenant-chat',
      eventUrl: url,
      scopes: ['im:message'],
      createdAt: new Date(Date.now() + 60_000),
    });
    expect(await harness.events.deliverDue()).toBe(1);
    expect(await rowsFor(bot.appId)).toHaveLength(1);
    expect(await rowsFor(later.appId)).toHaveLength(0);
    expect(requests).toHaveLength(1);
  });
});
