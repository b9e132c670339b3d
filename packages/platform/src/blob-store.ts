import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '@kite/kernel/errors';

/**
 * Opaque binary objects (uploaded images and files). Keys are made by the store; metadata that
 * matters to a module (owner, name, tenant) lives in that module's tables, next to the key.
 */
export interface BlobStore {
  /**
   * Stores the bytes and returns their key. `maxBytes` is enforced while streaming: a longer body
   * rejects with `file_too_large` (413) and leaves nothing behind.
   */
  put(body: Readable | Buffer, options: { contentType: string; maxBytes?: number }): Promise<{ key: string; size: number }>;
  /** The bytes of `key`, or null when there is no such blob. */
  get(key: string): Promise<{ stream: Readable; size: number; contentType: string } | null>;
  delete(key: string): Promise<void>;
}

/** 32 lowercase hex characters: the only keys a store hands out or accepts. */
const KEY_SHAPE = /^[0-9a-f]{32}$/;

export function isBlobKey(key: string): boolean {
  return KEY_SHAPE.test(key);
}

function newKey(): string {
  return randomBytes(16).toString('hex');
}

export function fileTooLarge(maxBytes: number): AppError {
  return new AppError('file_too_large', `The upload may be at most ${Math.floor(maxBytes / 1024)} KB`, {
    status: 413,
    openCode: 234_006,
    details: { maxBytes },
  });
}

/** Counts bytes on the way through and fails the pipeline once `maxBytes` is passed. */
function sizeLimit(maxBytes: number | undefined, counter: { size: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      counter.size += chunk.length;
      if (maxBytes !== undefined && counter.size > maxBytes) callback(fileTooLarge(maxBytes));
      else callback(null, chunk);
    },
  });
}

/**
 * Blobs on local disk: `<root>/<k0k1>/<k2k3>/<key>` plus `<key>.json` (content type). A write goes to a
 * temporary file in the same directory and is renamed into place, so a reader never sees half a blob.
 */
export class DiskBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  private dirOf(key: string): string {
    if (!isBlobKey(key)) throw new AppError('not_found', 'blob not found', { status: 404, openCode: 1_000_404 });
    return join(this.root, key.slice(0, 2), key.slice(2, 4));
  }

  async put(body: Readable | Buffer, options: { contentType: string; maxBytes?: number }): Promise<{ key: string; size: number }> {
    const key = newKey();
    const dir = this.dirOf(key);
    await mkdir(dir, { recursive: true });
    const temp = join(dir, `.${key}.${randomBytes(4).toString('hex')}.tmp`);
    const counter = { size: 0 };
    try {
      const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
      await pipeline(source, sizeLimit(options.maxBytes, counter), createWriteStream(temp, { flags: 'wx' }));
      await writeFile(`${temp}.json`, JSON.stringify({ contentType: options.contentType, size: counter.size }), { flag: 'wx' });
      await rename(`${temp}.json`, join(dir, `${key}.json`));
      await rename(temp, join(dir, key));
    } catch (error) {
      await rm(temp, { force: true });
      await rm(`${temp}.json`, { force: true });
      await rm(join(dir, `${key}.json`), { force: true });
      throw error;
    }
    return { key, size: counter.size };
  }

  async get(key: string): Promise<{ stream: Readable; size: number; contentType: string } | null> {
    if (!isBlobKey(key)) return null;
    const path = join(this.dirOf(key), key);
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch {
      return null;
    }
    let contentType = 'application/octet-stream';
    try {
      const meta = JSON.parse(await readFile(`${path}.json`, 'utf8')) as { contentType?: unknown };
      if (typeof meta.contentType === 'string') contentType = meta.contentType;
    } catch {
      // no metadata: served as bytes
    }
    return { stream: createReadStream(path), size, contentType };
  }

  async delete(key: string): Promise<void> {
    if (!isBlobKey(key)) return;
    const path = join(this.dirOf(key), key);
    await rm(path, { force: true });
    await rm(`${path}.json`, { force: true });
  }
}

/** Blobs in memory, for tests on an in-memory database (`KITE_DATA_DIR=memory://`). */
export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, { bytes: Buffer; contentType: string }>();

  async put(body: Readable | Buffer, options: { contentType: string; maxBytes?: number }): Promise<{ key: string; size: number }> {
    const chunks: Buffer[] = [];
    const counter = { size: 0 };
    const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
    await pipeline(source, sizeLimit(options.maxBytes, counter), async (stream: AsyncIterable<Buffer>) => {
      for await (const chunk of stream) chunks.push(chunk);
    });
    const key = newKey();
    this.blobs.set(key, { bytes: Buffer.concat(chunks), contentType: options.contentType });
    return { key, size: counter.size };
  }

  async get(key: string): Promise<{ stream: Readable; size: number; contentType: string } | null> {
    const blob = isBlobKey(key) ? this.blobs.get(key) : undefined;
    if (!blob) return null;
    return { stream: Readable.from([blob.bytes]), size: blob.bytes.length, contentType: blob.contentType };
  }

  async delete(key: string): Promise<void> {
    this.blobs.delete(key);
  }
}

/** The store for a data directory: `memory://…` keeps blobs in memory, anything else under `<dir>/blobs`. */
export function openBlobStore(dataDir: string): BlobStore {
  return dataDir.startsWith('memory://') ? new MemoryBlobStore() : new DiskBlobStore(join(dataDir, 'blobs'));
}
