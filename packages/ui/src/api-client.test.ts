import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, whenAnswersOlderThan } from './api-client.ts';

/**
 * Answer positions against a real HTTP server: `/at/N` answers read at outbox position N (after
 * `?delay=MS`), `/unsaid` answers without a position. The module's record of answers lives for the
 * page, so the cases run in order, each seeing what the earlier ones read.
 */
describe('whenAnswersOlderThan', () => {
  let server: Server;
  let base = '';

  beforeAll(async () => {
    server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      const [, kind, seq] = url.pathname.split('/');
      if (kind === 'at') response.setHeader('x-kite-seq', String(seq));
      response.setHeader('content-type', 'application/json');
      setTimeout(() => response.end('{"ok":true}'), Number(url.searchParams.get('delay') ?? 0));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

  it('stays quiet when everything read so far is at or past the stream start', async () => {
    await api.get(`${base}/at/10`);
    await api.get(`${base}/at/12`);
    let older = 0;
    const stop = whenAnswersOlderThan(10, () => older++);
    await settle();
    expect(older).toBe(0);
    // A request started after the stream began is not its concern.
    await api.get(`${base}/at/3`);
    await settle();
    expect(older).toBe(0);
    stop();
  });

  it('calls once, after the answer, when a request under way at the start answers older', async () => {
    let older = 0;
    const late = api.get(`${base}/at/20?delay=50`);
    const stop = whenAnswersOlderThan(3, () => older++);
    await settle();
    expect(older).toBe(0);
    const stopHigher = whenAnswersOlderThan(25, () => older++);
    await late;
    await settle();
    expect(older).toBe(1);
    stop();
    stopHigher();
  });

  it('counts an answer that does not say its position as older than any', async () => {
    await api.get(`${base}/unsaid`);
    let older = 0;
    whenAnswersOlderThan(0, () => older++);
    await settle();
    expect(older).toBe(1);
  });
});
