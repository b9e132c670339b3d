import { createRequire } from 'node:module';
import * as lark from '@larksuiteoapi/node-sdk';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, type Frame, FrameMethod, frameHeader } from './feishu-frame.ts';

/**
 * The SDK does not export its `pbbp2.Frame`, but its generated code registers it on protobufjs'
 * shared default root when the SDK loads — that is the encoder/decoder WSClient really uses.
 */
interface SdkFrameCodec {
  encode(message: Record<string, unknown>): { finish(): Uint8Array };
  decode(bytes: Uint8Array): Record<string, unknown> & { headers: Array<{ key: string; value: string }> };
}
const require = createRequire(import.meta.url);
void lark.LoggerLevel; // make sure the SDK module is loaded before reading its root
const sdkFrameCodec = (require('protobufjs/minimal') as { roots: Record<string, { pbbp2?: { Frame: SdkFrameCodec } }> }).roots.default
  ?.pbbp2?.Frame;
if (!sdkFrameCodec) throw new Error('the SDK did not register pbbp2.Frame on the protobufjs default root');
const sdkFrame: SdkFrameCodec = sdkFrameCodec;

describe('pbbp2.Frame codec', () => {
  it('encodes what the SDK decodes, including required zero fields', () => {
    const frame: Frame = {
      seqId: 0n,
      logId: 0n,
      service: 0,
      method: FrameMethod.control,
      headers: [{ key: 'type', value: 'pong' }],
      payload: new TextEncoder().encode('{"PingInterval":120}'),
    };
    const decoded = sdkFrame.decode(encodeFrame(frame));
    expect(decoded.SeqID).toBe(0);
    expect(decoded.LogID).toBe(0);
    expect(decoded.service).toBe(0);
    expect(decoded.method).toBe(0);
    expect(decoded.headers.map((h) => [h.key, h.value])).toEqual([['type', 'pong']]);
    expect(new TextDecoder().decode(decoded.payload as Uint8Array)).toBe('{"PingInterval":120}');
  });

  it('carries 64-bit ids with their high bits', () => {
    const frame: Frame = { seqId: (1n << 40n) + 7n, logId: (1n << 33n) + 1n, service: 12345, method: 1, headers: [] };
    const decoded = sdkFrame.decode(encodeFrame(frame));
    expect(decoded.SeqID).toBe(2 ** 40 + 7);
    expect(decoded.LogID).toBe(2 ** 33 + 1);
    const back = decodeFrame(encodeFrame(frame));
    expect(back.seqId).toBe((1n << 40n) + 7n);
    expect(back.logId).toBe((1n << 33n) + 1n);
  });

  it('decodes what the SDK encodes, such as an ack echo with biz_rt', () => {
    const bytes = sdkFrame
      .encode({
        SeqID: 3,
        LogID: 9,
        service: 77,
        method: 1,
        headers: [
          { key: 'type', value: 'event' },
          { key: 'message_id', value: 'm1' },
          { key: 'biz_rt', value: '-2' },
        ],
        payload: new TextEncoder().encode('{"code":200}'),
      })
      .finish();
    const frame = decodeFrame(bytes);
    expect(frame).toMatchObject({ seqId: 3n, logId: 9n, service: 77, method: FrameMethod.data });
    expect(frameHeader(frame, 'message_id')).toBe('m1');
    expect(frameHeader(frame, 'biz_rt')).toBe('-2');
    expect(new TextDecoder().decode(frame.payload)).toBe('{"code":200}');
    expect(frame.payloadType).toBeUndefined();
  });

  it('round-trips every field', () => {
    const frame: Frame = {
      seqId: 42n,
      logId: 43n,
      service: -1,
      method: 1,
      headers: [
        { key: 'a', value: '1' },
        { key: 'a', value: '2' },
      ],
      payloadEncoding: 'gzip',
      payloadType: 'json',
      payload: new Uint8Array([0, 1, 255]),
      logIdNew: 'log-new',
    };
    const back = decodeFrame(encodeFrame(frame));
    expect({ ...back, payload: [...(back.payload ?? [])] }).toEqual({ ...frame, payload: [0, 1, 255] });
  });

  it('rejects bytes that are not a frame', () => {
    expect(() => decodeFrame(new Uint8Array([0x0a, 0x01, 0x41]))).toThrow();
  });

  it('refuses ids outside uint64', () => {
    expect(() => encodeFrame({ seqId: -1n, logId: 0n, service: 0, method: 0, headers: [] })).toThrow(RangeError);
  });
});
