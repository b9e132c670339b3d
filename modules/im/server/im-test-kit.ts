import type { Readable } from 'node:stream';

/** What the messenger's integration tests share: a tiny image, the SDK's way of failing, reading a download. */

/** A 1×1 PNG. */
export const PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** Keeps the SDK quiet about the errors a test provokes on purpose. */
export const quietLogger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, trace: () => {} };

/** The SDK throws (axios) on non-2xx; Feishu answers IM business errors with HTTP 400. */
export async function sdkFailure(call: Promise<unknown>): Promise<{ status: number; code: number }> {
  try {
    const body = (await call) as { code: number };
    return { status: 200, code: body.code };
  } catch (error) {
    const response = (error as { response?: { status: number; data: { code: number } } }).response;
    if (!response) throw error;
    return { status: response.status, code: response.data.code };
  }
}

/** A whole download (the SDK's `getReadableStream()`) as bytes. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}
