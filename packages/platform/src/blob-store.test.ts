import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { DiskBlobStore, MemoryBlobStore, openBlobStore } from './blob-store.ts';
import { sniffImage } from './image-info.ts';

const dir = mkdtempSync(join(tmpdir(), 'kite-blobs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function text(stream: Readable) {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

describe.each([
  ['disk', () => new DiskBlobStore(join(dir, 'blobs'))],
  ['memory', () => new MemoryBlobStore()],
])('%s blob store', (kind, make) => {
  const store = make();

  it('puts, gets and deletes streams and buffers', async () => {
    const put = await store.put(Readable.from([Buffer.from('hello '), Buffer.from('world')]), { contentType: 'text/plain' });
    expect(put).toEqual({ key: expect.stringMatching(/^[0-9a-f]{32}$/), size: 11 });
    const got = await store.get(put.key);
    expect(got).toMatchObject({ size: 11, contentType: 'text/plain' });
    expect(await text(got!.stream)).toBe('hello world');
    const buffer = await store.put(Buffer.from('x'), { contentType: 'application/octet-stream' });
    expect(buffer.size).toBe(1);
    await store.delete(put.key);
    expect(await store.get(put.key)).toBeNull();
  });

  it('refuses oversized bodies and leaves nothing behind', async () => {
    await expect(
      store.put(Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), { contentType: 'x/y', maxBytes: 1000 }),
    ).rejects.toMatchObject({
      code: 'file_too_large',
      status: 413,
    });
    if (kind === 'disk') {
      const files = readdirSync(join(dir, 'blobs'), { recursive: true }).map(String);
      expect(files.filter((file) => file.endsWith('.tmp') || file.endsWith('.tmp.json'))).toEqual([]);
    }
  });

  it('never treats a key as a path', async () => {
    for (const key of ['../../etc/passwd', '/etc/passwd', 'ab/cd', '', 'A'.repeat(32)]) {
      expect(await store.get(key)).toBeNull();
      await store.delete(key);
    }
  });
});

describe('openBlobStore and image sniffing', () => {
  it('keeps memory:// in memory', () => {
    expect(openBlobStore('memory://')).toBeInstanceOf(MemoryBlobStore);
    expect(openBlobStore(dir)).toBeInstanceOf(DiskBlobStore);
  });

  it('tells PNG, GIF and JPEG with their sizes, and refuses SVG', () => {
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
    expect(sniffImage(png)).toEqual({ contentType: 'image/png', width: 1, height: 1 });
    expect(sniffImage(Buffer.concat([Buffer.from('GIF87a'), Buffer.from([10, 0, 20, 0])]))).toEqual({
      contentType: 'image/gif',
      width: 10,
      height: 20,
    });
    // SOI, an APP0 segment, then SOF0 with height 480 and width 640.
    const jpeg = Buffer.from([
      0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0xe0, 0x02, 0x80, 0x03, 0, 0, 0, 0,
    ]);
    expect(sniffImage(jpeg)).toEqual({ contentType: 'image/jpeg', width: 640, height: 480 });
    expect(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffImage(Buffer.from('BM'))).toBeNull();
  });
});
