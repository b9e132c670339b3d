import protobuf from 'protobufjs';

/**
 * Codec for `pbbp2.Frame`, the protobuf message every WebSocket binary message of the Feishu long
 * connection carries (reference/feishu-openapi.md §6b; SDK lib:101509). Built by reflection from the
 * descriptor below, so there is no codegen step.
 *
 * The SDK's schema is proto2 with fields 1–4 `required`: its decoder throws when one is missing, so
 * they must be written even when zero — which proto3 semantics would skip.
 */
const descriptor = {
  nested: {
    pbbp2: {
      nested: {
        Header: {
          fields: {
            key: { rule: 'required', type: 'string', id: 1 },
            value: { rule: 'required', type: 'string', id: 2 },
          },
        },
        Frame: {
          fields: {
            SeqID: { rule: 'required', type: 'uint64', id: 1 },
            LogID: { rule: 'required', type: 'uint64', id: 2 },
            service: { rule: 'required', type: 'int32', id: 3 },
            method: { rule: 'required', type: 'int32', id: 4 },
            headers: { rule: 'repeated', type: 'Header', id: 5 },
            payloadEncoding: { type: 'string', id: 6 },
            payloadType: { type: 'string', id: 7 },
            payload: { type: 'bytes', id: 8 },
            LogIDNew: { type: 'string', id: 9 },
          },
        },
      },
    },
  },
};

const FrameType = protobuf.Root.fromJSON(descriptor).lookupType('pbbp2.Frame');

/** `Frame.method`: control frames carry ping/pong, data frames carry events and their acks. */
export const FrameMethod = { control: 0, data: 1 } as const;

/** Header keys the SDK reads and writes (lib:102111). */
export const FrameHeaderKey = {
  type: 'type',
  messageId: 'message_id',
  sum: 'sum',
  seq: 'seq',
  traceId: 'trace_id',
  bizRt: 'biz_rt',
} as const;

/** Values of the `type` header (lib:102125). */
export const FrameMessageType = { event: 'event', card: 'card', ping: 'ping', pong: 'pong' } as const;

export interface FrameHeader {
  key: string;
  value: string;
}

/** A decoded frame. `seqId`/`logId` are protobuf uint64, hence bigint. */
export interface Frame {
  seqId: bigint;
  logId: bigint;
  service: number;
  method: number;
  headers: FrameHeader[];
  payloadEncoding?: string;
  payloadType?: string;
  payload?: Uint8Array;
  logIdNew?: string;
}

/**
 * protobufjs represents uint64 as `{low, high}` (Long) or a plain number, depending on global config
 * — and the Lark SDK switches Long off process-wide when it loads. Decoded ids above 2^53 are then
 * approximate; harmless here, since we choose the ids and the client only echoes them.
 */
interface LongLike {
  low: number;
  high: number;
}

/**
 * Encodes a frame to the bytes of one WebSocket binary message.
 * @throws RangeError when `seqId` or `logId` does not fit in an unsigned 64-bit integer.
 */
export function encodeFrame(frame: Frame): Uint8Array {
  const message: Record<string, unknown> = {
    SeqID: toLongLike(frame.seqId),
    LogID: toLongLike(frame.logId),
    service: frame.service,
    method: frame.method,
    headers: frame.headers.map((header) => ({ key: header.key, value: header.value })),
  };
  if (frame.payloadEncoding !== undefined) message.payloadEncoding = frame.payloadEncoding;
  if (frame.payloadType !== undefined) message.payloadType = frame.payloadType;
  if (frame.payload !== undefined) message.payload = frame.payload;
  if (frame.logIdNew !== undefined) message.LogIDNew = frame.logIdNew;
  return FrameType.encode(message).finish();
}

/**
 * Decodes one WebSocket binary message.
 * @throws Error when the bytes are not a frame or a required field is missing.
 */
export function decodeFrame(bytes: Uint8Array): Frame {
  const message = FrameType.decode(bytes) as unknown as Record<string, unknown>;
  const frame: Frame = {
    seqId: fromLongLike(message.SeqID),
    logId: fromLongLike(message.LogID),
    service: message.service as number,
    method: message.method as number,
    headers: ((message.headers as FrameHeader[] | undefined) ?? []).map((header) => ({
      key: header.key,
      value: header.value,
    })),
  };
  // Optional fields read as prototype defaults ('' / empty bytes) when absent; keep absent as absent.
  if (Object.hasOwn(message, 'payloadEncoding')) frame.payloadEncoding = message.payloadEncoding as string;
  if (Object.hasOwn(message, 'payloadType')) frame.payloadType = message.payloadType as string;
  if (Object.hasOwn(message, 'payload')) frame.payload = message.payload as Uint8Array;
  if (Object.hasOwn(message, 'LogIDNew')) frame.logIdNew = message.LogIDNew as string;
  return frame;
}

/** The value of the first header named `key`, if any. */
export function frameHeader(frame: Pick<Frame, 'headers'>, key: string): string | undefined {
  return frame.headers.find((header) => header.key === key)?.value;
}

const MAX_UINT64 = (1n << 64n) - 1n;

function toLongLike(value: bigint): LongLike {
  if (value < 0n || value > MAX_UINT64) throw new RangeError(`uint64 out of range: ${value}`);
  return { low: Number(value & 0xffffffffn) | 0, high: Number(value >> 32n) | 0 };
}

function fromLongLike(value: unknown): bigint {
  if (typeof value === 'number') return BigInt(value);
  if (typeof value === 'bigint') return value;
  const long = value as LongLike;
  return (BigInt(long.high >>> 0) << 32n) | BigInt(long.low >>> 0);
}
