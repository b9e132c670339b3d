import * as lark from '@larksuiteoapi/node-sdk';
import { describe, expect, it } from 'vitest';
import {
  buildCardCallbackV1Request,
  buildEventRequest,
  decryptPayload,
  encryptPayload,
  type IncomingHeaders,
  LARK_SIGNATURE_HEADER,
  openCallbackBody,
  type SignedRequest,
  verifyCardCallbackRequest,
  verifyEventRequest,
} from './webhook-crypto.ts';

const quiet = { loggerLevel: lark.LoggerLevel.error };

/** What `adaptDefault` hands the dispatcher: the parsed body with the headers on its prototype. */
function asSdkRequest(request: SignedRequest): Record<string, unknown> {
  return Object.assign(Object.create({ headers: request.headers }), JSON.parse(request.body));
}

const envelope = JSON.stringify({
  schema: '2.0',
  header: {
    event_id: 'e1',
    event_type: 'contact.user.created_v3',
    create_time: '1700000000000',
    token: 'vt',
    app_id: 'cli_0123456789abcdef',
    tenant_key: 'tk',
  },
  event: { object: { name: '张三 / Zhang <san>', open_id: 'ou_1' } },
});

describe('payload encryption', () => {
  it('produces what the SDK AESCipher decrypts', () => {
    const encrypted = encryptPayload(envelope, 'encrypt-key');
    expect(new lark.AESCipher('encrypt-key').decrypt(encrypted)).toBe(envelope);
  });

  it('uses a fresh IV each time', () => {
    expect(encryptPayload('x', 'k')).not.toBe(encryptPayload('x', 'k'));
  });

  it('decrypts its own output and refuses the wrong key', () => {
    const encrypted = encryptPayload(envelope, 'k1');
    expect(decryptPayload(encrypted, 'k1')).toBe(envelope);
    expect(() => decryptPayload(encrypted, 'k2')).toThrow();
  });
});

describe('event requests', () => {
  it('are accepted by the SDK EventDispatcher when encrypted and signed', async () => {
    const request = buildEventRequest(envelope, 'encrypt-key');
    expect(Object.keys(JSON.parse(request.body))).toEqual(['encrypt']);
    const seen: unknown[] = [];
    const dispatcher = new lark.EventDispatcher({ encryptKey: 'encrypt-key', ...quiet }).register({
      'contact.user.created_v3': async (data: unknown) => {
        seen.push(data);
        return 'handled';
      },
    });
    await expect(dispatcher.invoke(asSdkRequest(request))).resolves.toBe('handled');
    expect(seen).toEqual([
      expect.objectContaining({ event_id: 'e1', app_id: 'cli_0123456789abcdef', object: expect.objectContaining({ open_id: 'ou_1' }) }),
    ]);
  });

  it('are dropped by the SDK when the signature does not match', async () => {
    const request = buildEventRequest(envelope, 'encrypt-key');
    request.headers[LARK_SIGNATURE_HEADER] = '0'.repeat(64);
    let called = false;
    const dispatcher = new lark.EventDispatcher({ encryptKey: 'encrypt-key', ...quiet }).register({
      'contact.user.created_v3': async () => {
        called = true;
      },
    });
    await expect(dispatcher.invoke(asSdkRequest(request))).resolves.toBeUndefined();
    expect(called).toBe(false);
  });

  it('go out plain and unsigned without an encrypt key', async () => {
    const request = buildEventRequest(envelope, null);
    expect(request.body).toBe(envelope);
    expect(request.headers[LARK_SIGNATURE_HEADER]).toBeUndefined();
    const dispatcher = new lark.EventDispatcher(quiet).register({ 'contact.user.created_v3': async () => 'ok' });
    await expect(dispatcher.invoke(asSdkRequest(request))).resolves.toBe('ok');
  });

  it('verify incoming like the SDK: signature over the re-serialised body', () => {
    const request = buildEventRequest(envelope, 'k');
    const incoming = { headers: request.headers as IncomingHeaders, body: request.body };
    expect(verifyEventRequest(incoming, 'k')).toBe(true);
    expect(verifyEventRequest({ ...incoming, body: JSON.stringify(JSON.parse(request.body), null, 2) }, 'k')).toBe(true);
    expect(verifyEventRequest(incoming, 'other-key')).toBe(false);
    const tampered = JSON.stringify({ encrypt: encryptPayload(envelope, 'k') });
    expect(verifyEventRequest({ ...incoming, body: tampered }, 'k')).toBe(false);
    expect(verifyEventRequest({ headers: {}, body: 'not json' }, null)).toBe(true);
  });

  it('open encrypted bodies and keep sibling keys as the SDK does', () => {
    const body = JSON.stringify({ encrypt: encryptPayload(envelope, 'k'), extra: 1 });
    expect(openCallbackBody(body, 'k')).toEqual({ ...JSON.parse(envelope), extra: 1 });
    expect(() => openCallbackBody(body, null)).toThrow(/no encrypt key/);
    expect(openCallbackBody('{"a":1}', null)).toEqual({ a: 1 });
  });
});

describe('legacy v1 card callbacks', () => {
  const card = JSON.stringify({
    open_id: 'ou_1',
    user_id: 'u1',
    tenant_key: 'tk',
    open_message_id: 'om_1',
    token: 'vt',
    action: { value: { pick: 'yes' }, tag: 'button' },
  });

  it('carry the sha1 signature the SDK CardActionHandler checks', async () => {
    const request = buildCardCallbackV1Request(card, 'vt');
    const handler = new lark.CardActionHandler({ verificationToken: 'vt', ...quiet }, async (data: { action: { value: unknown } }) => ({
      got: data.action.value,
    }));
    await expect(handler.invoke(asSdkRequest(request))).resolves.toEqual({ got: { pick: 'yes' } });
  });

  it('are refused by the SDK under another verification token', async () => {
    const request = buildCardCallbackV1Request(card, 'vt');
    const handler = new lark.CardActionHandler({ verificationToken: 'other', ...quiet }, async () => 'called');
    await expect(handler.invoke(asSdkRequest(request))).resolves.toBeUndefined();
  });

  it('verify incoming: sha1 for v1 bodies, the event rule for encrypted ones', () => {
    const v1 = buildCardCallbackV1Request(card, 'vt');
    const keys = { encryptKey: 'ek', verificationToken: 'vt' };
    expect(verifyCardCallbackRequest({ headers: v1.headers, body: v1.body }, keys)).toBe(true);
    expect(verifyCardCallbackRequest({ headers: v1.headers, body: v1.body }, { ...keys, verificationToken: 'x' })).toBe(false);
    expect(verifyCardCallbackRequest({ headers: {}, body: v1.body }, { encryptKey: null, verificationToken: null })).toBe(true);
    const v2 = buildEventRequest(envelope, 'ek');
    expect(verifyCardCallbackRequest({ headers: v2.headers, body: v2.body }, keys)).toBe(true);
    expect(verifyCardCallbackRequest({ headers: v2.headers, body: v2.body }, { ...keys, encryptKey: 'zz' })).toBe(false);
  });
});
