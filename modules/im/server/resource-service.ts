import { type Readable, Transform } from 'node:stream';
import type { ResourceView } from '@kite/im/contract';
import type { Clock } from '@kite/kernel/clock';
import { AppError, errors } from '@kite/kernel/errors';
import { randomHex } from '@kite/kernel/ids';
import type { BlobStore } from '@kite/platform/blob-store';
import { sniffImage } from '@kite/platform/image-info';
import type { Kysely, Transaction } from 'kysely';
import { contentInvalid } from './content.ts';
import { imRepository, type MessageRow } from './im-repository.ts';
import type { Ctx } from './im-service.ts';
import type { MessageResourceHooks } from './message-resources.ts';
import { assertScope, partyOf } from './policy.ts';
import { FILE_KEY_PREFIX, IMAGE_KEY_PREFIX, resourceRefs } from './resource-keys.ts';
import { resourceRepository as repo } from './resource-repository.ts';
import type { ResourceDb, ResourceKind, ResourceRow } from './resource-tables.ts';

export interface ResourceLimits {
  maxFileBytes: number;
  maxImageBytes: number;
}

/** Bytes received into the blob store, not yet a resource. */
export interface ReceivedBlob {
  blobKey: string;
  size: number;
  /** The first bytes, for sniffing the format and reading image dimensions. */
  head: Buffer;
}

export interface Download {
  row: ResourceRow;
  stream: Readable;
  size: number;
  contentType: string;
  disposition: string;
}

const HEAD_BYTES = 64 * 1024;
/** Declared types that a browser could run or render as a page: served as bytes instead. */
const ACTIVE_TYPE = /(html|xml|svg|javascript|ecmascript|x-shockwave|pdf-script)/i;
const TYPE_SHAPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,127}$/i;

export const IMAGE_TYPES = ['message', 'avatar'] as const;
export const FILE_TYPES = ['opus', 'mp4', 'pdf', 'doc', 'xls', 'ppt', 'stream'] as const;

export const resourceErrors = {
  imageInvalid: () => new AppError('image_invalid', 'Images must be PNG, JPEG, GIF, WebP or BMP', { status: 400, openCode: 234_011 }),
  empty: () => new AppError('file_empty', 'The file is empty', { status: 400, openCode: 234_010 }),
  notFound: () => new AppError('not_found', 'resource not found', { status: 404, openStatus: 400, openCode: 234_003 }),
};

/** A file name safe to store and to put in a header: no paths, no control characters, at most 255 characters. */
export function cleanFileName(name: string | undefined, fallback: string): string {
  const base = (name ?? '')
    .normalize('NFC')
    .split('')
    .filter((char) => char.charCodeAt(0) > 0x1f && char.charCodeAt(0) !== 0x7f)
    .join('')
    .split(/[\\/]/)
    .pop()!
    .trim()
    .slice(0, 255);
  return base && base !== '.' && base !== '..' ? base : fallback;
}

function asciiFallback(name: string): string {
  return name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
}

export function presentResource(row: ResourceRow): ResourceView {
  return {
    key: row.key,
    kind: row.kind,
    name: row.name,
    size: Number(row.size),
    contentType: row.content_type,
    width: row.width,
    height: row.height,
  };
}

/**
 * Uploaded images and files of the messenger: bytes in the blob store, a row in `im_resource`, and
 * `im_resource_ref` rows for the messages referring to them. Whoever uploaded a resource may read
 * it; so may every member of a chat holding a message that refers to it.
 */
export class ImResources implements MessageResourceHooks {
  constructor(private readonly deps: { db: Kysely<ResourceDb>; blobs: BlobStore; limits: ResourceLimits; clock: Clock }) {}

  get limits(): ResourceLimits {
    return this.deps.limits;
  }

  maxBytes(kind: ResourceKind): number {
    return kind === 'image' ? this.deps.limits.maxImageBytes : this.deps.limits.maxFileBytes;
  }

  /** People may upload; apps need `im:resource` (or `im:message`). */
  assertCanUpload(ctx: Ctx): void {
    assertScope(ctx, 'im:resource', 'im:message');
    partyOf(ctx);
  }

  /** Streams bytes into the blob store, within the kind's size limit (`file_too_large`, 413). */
  async receive(kind: ResourceKind, body: Readable): Promise<ReceivedBlob> {
    const chunks: Buffer[] = [];
    let captured = 0;
    const capture = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        if (captured < HEAD_BYTES) {
          chunks.push(chunk.subarray(0, HEAD_BYTES - captured));
          captured += Math.min(chunk.length, HEAD_BYTES - captured);
        }
        callback(null, chunk);
      },
    });
    body.on('error', (error) => capture.destroy(error));
    const stored = await this.deps.blobs.put(body.pipe(capture), {
      contentType: 'application/octet-stream',
      maxBytes: this.maxBytes(kind),
    });
    return { blobKey: stored.key, size: stored.size, head: Buffer.concat(chunks) };
  }

  async discard(blob: ReceivedBlob): Promise<void> {
    await this.deps.blobs.delete(blob.blobKey);
  }

  /**
   * Turns received bytes into a resource: images must be PNG/JPEG/GIF/WebP/BMP by their bytes (the
   * declared type is ignored; SVG is refused); files keep their declared type unless a browser
   * could run it. The bytes are deleted when the resource is refused.
   */
  async create(
    ctx: Ctx,
    kind: ResourceKind,
    blob: ReceivedBlob,
    meta: { name?: string; declaredType?: string; fileType?: string },
  ): Promise<ResourceRow> {
    try {
      const party = partyOf(ctx);
      if (blob.size === 0) throw resourceErrors.empty();
      let contentType: string;
      let width: number | null = null;
      let height: number | null = null;
      if (kind === 'image') {
        const info = sniffImage(blob.head);
        if (!info) throw resourceErrors.imageInvalid();
        contentType = info.contentType;
        width = info.width;
        height = info.height;
      } else {
        const declared = (meta.declaredType ?? '').split(';')[0]!.trim().toLowerCase();
        contentType = TYPE_SHAPE.test(declared) && !ACTIVE_TYPE.test(declared) ? declared : 'application/octet-stream';
      }
      const row: ResourceRow = {
        key: `${kind === 'image' ? IMAGE_KEY_PREFIX : FILE_KEY_PREFIX}${randomHex(16)}`,
        tenant_id: ctx.tenantId,
        kind,
        blob_key: blob.blobKey,
        uploader_kind: party.kind,
        uploader_id: party.id,
        name: cleanFileName(meta.name, kind === 'image' ? 'image' : 'file'),
        size: blob.size,
        content_type: contentType,
        file_type: meta.fileType ?? (kind === 'image' ? 'message' : 'stream'),
        width,
        height,
        created_at: this.deps.clock.now(),
      };
      await repo.insert(this.deps.db, row);
      return row;
    } catch (error) {
      await this.discard(blob).catch(() => undefined);
      throw error;
    }
  }

  /** Receive + create, for a body that is the file itself (the internal API). */
  async upload(
    ctx: Ctx,
    kind: ResourceKind,
    body: Readable,
    meta: { name?: string; declaredType?: string; fileType?: string },
  ): Promise<ResourceRow> {
    this.assertCanUpload(ctx);
    return this.create(ctx, kind, await this.receive(kind, body), meta);
  }

  /**
   * A resource the caller may read: they uploaded it, or they are in a (not dissolved) chat with a
   * message referring to it — with `messageRef`, that message. Anything else is `not_found`.
   */
  async open(ctx: Ctx, key: string, options: { kind?: ResourceKind; messageRef?: string } = {}): Promise<Download> {
    if (ctx.actor.type === 'app' || ctx.scopes) assertScope(ctx, 'im:resource', 'im:message');
    const party = partyOf(ctx);
    const row = await repo.find(this.deps.db, ctx.tenantId, key);
    if (!row || (options.kind && row.kind !== options.kind)) throw resourceErrors.notFound();
    let allowed: boolean;
    if (options.messageRef) {
      const message = await imRepository.findMessage(this.deps.db as never, ctx.tenantId, options.messageRef);
      allowed = Boolean(message) && (await repo.visibleTo(this.deps.db, ctx.tenantId, key, party, message!.id));
    } else {
      allowed =
        (row.uploader_kind === party.kind && row.uploader_id === party.id) ||
        (await repo.visibleTo(this.deps.db, ctx.tenantId, key, party));
    }
    if (!allowed) throw resourceErrors.notFound();
    const blob = await this.deps.blobs.get(row.blob_key);
    if (!blob) throw resourceErrors.notFound();
    const ascii = asciiFallback(row.name);
    const disposition =
      row.kind === 'image'
        ? `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(row.name)}`
        : `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(row.name)}`;
    return { row, stream: blob.stream, size: blob.size, contentType: row.content_type, disposition };
  }

  // MessageResourceHooks ----------------------------------------------------------------------------

  async check(tenantId: string, msgType: string, content: string): Promise<void> {
    const refs = resourceRefs(msgType, content);
    for (const [kind, keys] of [
      ['image', refs.images],
      ['file', refs.files],
    ] as const) {
      if (keys.length === 0) continue;
      const found = await repo.existingKeys(this.deps.db, tenantId, kind, keys);
      const missing = keys.find((key) => !found.has(key));
      if (missing !== undefined)
        throw contentInvalid(`${kind === 'image' ? 'image_key' : 'file_key'} ${missing} is not an uploaded ${kind}`);
    }
  }

  async link(trx: Transaction<never>, row: MessageRow, replace: boolean): Promise<void> {
    const refs = row.recalled ? { images: [], files: [] } : resourceRefs(row.msg_type, row.content);
    const keys = [...refs.images, ...refs.files];
    // A new text message refers to nothing: no query on the common path.
    if (keys.length === 0 && !replace) return;
    await repo.relink(
      trx as unknown as Transaction<ResourceDb>,
      { tenantId: row.tenant_id, chatId: row.chat_id, messageId: row.id },
      keys,
      replace,
    );
  }

  async linkContents(
    trx: Transaction<never>,
    row: MessageRow,
    contents: ReadonlyArray<{ msgType: string; content: string }>,
  ): Promise<void> {
    const keys = new Set<string>();
    for (const { msgType, content } of contents) {
      const refs = resourceRefs(msgType, content);
      for (const key of [...refs.images, ...refs.files]) keys.add(key);
    }
    if (keys.size === 0) return;
    await repo.relink(
      trx as unknown as Transaction<ResourceDb>,
      { tenantId: row.tenant_id, chatId: row.chat_id, messageId: row.id },
      [...keys],
      false,
    );
  }
}

/** Throws a 400 unless `value` is one of `allowed` (Feishu's `image_type` / `file_type`). */
export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], field: string): T {
  if (value === undefined || !(allowed as readonly string[]).includes(value)) {
    throw errors.validation(`${field} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}
