import type { Logger } from '@kite/kernel/logger';
import type { AppRecord } from '@kite/openplatform/contract';
import type { DomainEvent } from '@kite/platform/outbox';
import * as lark from '@larksuiteoapi/node-sdk';
import { describe, expect, it } from 'vitest';
import { appHasScope } from '../contract/index.ts';
import { buildOpenEnvelope, deriveEventId, OpenEventRegistry } from './open-events.ts';

function recordingLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  const logger: Logger & { errors: string[] } = {
    errors,
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (message) => errors.push(message),
    child: () => logger,
  };
  return logger;
}

const app: AppRecord = {
  id: 'a1',
  appId: 'cli_0123456789abcdef',
  tenantId: 't1',
  tenantKey: 'tk1',
  name: 'Bot',
  description: '',
  scopes: ['contact:contact:readonly'],
  eventUrl: null,
  encryptKey: null,
  verificationToken: 'vt',
  cardUrl: null,
  redirectUrls: [],
  botOpenId: 'ou_bot',
  createdAt: new Date(0),
};

const event: DomainEvent = {
  seq: 1,
  id: 'evt-1',
  tenantId: 't1',
  type: 'contact.user.created',
  subjectType: 'user',
  subjectId: 'u1',
  payload: { name: 'Ada' },
  actor: null,
  context: null,
  createdAt: new Date(1_700_000_000_123),
};

describe('OpenEventRegistry', () => {
  it('collects single, list and null results of every mapper in order', () => {
    const registry = new OpenEventRegistry(recordingLogger());
    registry.register('contact.user.created', () => ({ eventType: 'a', event: {} }));
    registry.register('contact.user.created', () => null);
    registry.register('contact.user.created', () => [
      { eventType: 'b', event: {} },
      { eventType: 'c', event: {} },
    ]);
    expect(registry.map(event, app).map((open) => open.eventType)).toEqual(['a', 'b', 'c']);
    expect(registry.handles('contact.user.created')).toBe(true);
    expect(registry.handles('contact.user.deleted')).toBe(false);
  });

  it('lets a mapper filter on scopes', () => {
    const registry = new OpenEventRegistry(recordingLogger());
    registry.register('contact.user.created', (_event, target) =>
      appHasScope(target, 'contact:contact', 'contact:contact:readonly') ? { eventType: 'contact.user.created_v3', event: {} } : null,
    );
    expect(registry.map(event, app)).toHaveLength(1);
    expect(registry.map(event, { ...app, scopes: ['im:message'] })).toHaveLength(0);
  });

  it('skips and logs a mapper that throws, keeping the others', () => {
    const logger = recordingLogger();
    const registry = new OpenEventRegistry(logger);
    registry.register('contact.user.created', () => {
      throw new Error('boom');
    });
    registry.register('contact.user.created', () => ({ eventType: 'ok', event: {} }));
    expect(registry.map(event, app).map((open) => open.eventType)).toEqual(['ok']);
    expect(logger.errors).toEqual(['open event mapper failed']);
  });
});

describe('OpenEventRegistry.mayDeliver', () => {
  const message = (appIds: string[]): DomainEvent => ({ ...event, type: 'im.message.created', payload: { chat: { appIds } } });
  const appsOf = (domainEvent: DomainEvent) => (domainEvent.payload as { chat: { appIds: string[] } }).chat.appIds;

  it('is false for types no mapper handles, and for events whose mappers name no candidate app', () => {
    const registry = new OpenEventRegistry(recordingLogger());
    registry.register('im.message.created', () => null, { appsOf });
    expect(registry.mayDeliver({ ...event, type: 'im.read' })).toBe(false);
    expect(registry.mayDeliver(message([]))).toBe(false);
    expect(registry.mayDeliver(message([app.appId]))).toBe(true);
  });

  it('is true whenever one mapper of the type cannot narrow its apps', () => {
    const registry = new OpenEventRegistry(recordingLogger());
    registry.register('im.message.created', () => null, { appsOf });
    registry.register('im.message.created', () => null);
    expect(registry.mayDeliver(message([]))).toBe(true);
    const contact = new OpenEventRegistry(recordingLogger());
    contact.register('contact.user.created', () => null);
    expect(contact.mayDeliver(event)).toBe(true);
  });

  it('delivers rather than drops when a narrowing throws, and logs it', () => {
    const logger = recordingLogger();
    const registry = new OpenEventRegistry(logger);
    registry.register('im.message.created', () => null, {
      appsOf: () => {
        throw new Error('bad payload');
      },
    });
    expect(registry.mayDeliver(message([]))).toBe(true);
    expect(logger.errors).toEqual(['open event appsOf failed']);
  });
});

describe('event ids and envelopes', () => {
  it('derives stable 32-hex ids that differ per app, type and index', () => {
    const id = deriveEventId('evt-1', app.appId, 'x', 0);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(deriveEventId('evt-1', app.appId, 'x', 0)).toBe(id);
    expect(deriveEventId('evt-1', 'cli_ffffffffffffffff', 'x', 0)).not.toBe(id);
    expect(deriveEventId('evt-1', app.appId, 'y', 0)).not.toBe(id);
    expect(deriveEventId('evt-1', app.appId, 'x', 1)).not.toBe(id);
  });

  it('builds the v2 envelope the SDK flattens for handlers', async () => {
    const envelope = buildOpenEnvelope({
      eventId: 'e1',
      eventType: 'contact.user.created_v3',
      createdAt: event.createdAt,
      app,
      event: { object: { name: 'Ada' } },
    });
    expect(envelope).toEqual({
      schema: '2.0',
      header: {
        event_id: 'e1',
        event_type: 'contact.user.created_v3',
        create_time: '1700000000123',
        token: 'vt',
        app_id: 'cli_0123456789abcdef',
        tenant_key: 'tk1',
      },
      event: { object: { name: 'Ada' } },
    });
    expect(
      buildOpenEnvelope({ eventId: 'e', eventType: 't', createdAt: new Date(0), app: { ...app, verificationToken: null }, event: {} })
        .header.token,
    ).toBe('');
    let received: Record<string, unknown> | undefined;
    const dispatcher = new lark.EventDispatcher({ loggerLevel: lark.LoggerLevel.error }).register({
      'contact.user.created_v3': async (data: Record<string, unknown>) => {
        received = data;
      },
    });
    await dispatcher.invoke(JSON.parse(JSON.stringify(envelope)));
    expect(received).toMatchObject({ event_id: 'e1', app_id: app.appId, tenant_key: 'tk1', object: { name: 'Ada' } });
  });
});
