import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { textFrame } from './frame.ts';

/** Payloads of exactly `bytes` UTF-8 bytes, ASCII and with 3-byte characters (so bytes ≠ characters). */
function payloads(bytes: number): string[] {
  const ascii = 'a'.repeat(bytes);
  const wide = '界'.repeat(Math.floor(bytes / 3)) + 'b'.repeat(bytes % 3);
  return bytes >= 3 ? [ascii, wide] : [ascii];
}

const BOUNDARIES = [0, 1, 125, 126, 127, 65_535, 65_536, 200_000];

describe('textFrame', () => {
  it.each([
    [0, 2, 0],
    [125, 2, 125],
    [126, 4, 126],
    [65_535, 4, 126],
    [65_536, 10, 127],
  ])('frames %i bytes with a %i-byte header (length field %i)', (bytes, header, field) => {
    const frame = textFrame('x'.repeat(bytes));
    expect(frame.length).toBe(header + bytes);
    expect(frame[0]).toBe(0x81);
    expect(frame[1]).toBe(field);
    if (header === 4) expect(frame.readUInt16BE(2)).toBe(bytes);
    if (header === 10) expect(frame.readBigUInt64BE(2)).toBe(BigInt(bytes));
    expect(frame.subarray(header).toString()).toBe('x'.repeat(bytes));
  });

  describe('read by a real ws client', () => {
    let server: Server;
    let client: WebSocket;
    const received: string[] = [];
    let stream: Duplex;

    beforeAll(async () => {
      const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
      const accepted = new Promise<void>((resolve) => {
        server = createServer().on('upgrade', (request, socket, head) => {
          wss.handleUpgrade(request, socket, head, () => {
            stream = socket;
            resolve();
          });
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`, { perMessageDeflate: false });
      client.on('message', (data, isBinary) => {
        expect(isBinary).toBe(false);
        received.push(String(data));
      });
      await Promise.all([accepted, new Promise((resolve) => client.once('open', resolve))]);
    });

    afterAll(async () => {
      client.terminate();
      await new Promise((resolve) => server.close(resolve));
    });

    it('decodes every length boundary, ASCII and multi-byte, back to back in one write', async () => {
      const sent = BOUNDARIES.flatMap(payloads);
      stream.write(Buffer.concat(sent.map(textFrame)));
      for (let waited = 0; received.length < sent.length && client.readyState === WebSocket.OPEN; waited++) {
        if (waited > 500) throw new Error(`received ${received.length} of ${sent.length} messages`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(client.readyState).toBe(WebSocket.OPEN);
      expect(received.map((text) => Buffer.byteLength(text))).toEqual(sent.map((text) => Buffer.byteLength(text)));
      expect(received).toEqual(sent);
    });
  });
});
