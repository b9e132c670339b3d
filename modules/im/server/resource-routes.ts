import { PassThrough, type Readable } from 'node:stream';
import { errors } from '@kite/kernel/errors';
import { fileTooLarge } from '@kite/platform/blob-store';
import { type Authenticators, openOk } from '@kite/platform/http';
import { multipartBoundary, parseMultipart } from '@kite/platform/multipart';
import { parseInput } from '@kite/platform/validation';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Ctx as ImContext } from './im-service.ts';
import { type Download, FILE_TYPES, IMAGE_TYPES, type ImResources, oneOf, presentResource, type ReceivedBlob } from './resource-service.ts';
import type { ResourceKind } from './resource-tables.ts';

/** Room for multipart boundaries and the text fields around the file. */
const MULTIPART_OVERHEAD = 64 * 1024;

const NameQuery = z.object({ name: z.string().trim().min(1).max(255) });
const KeyParam = z.object({ key: z.string().min(1).max(100) });
const ImageKeyParam = z.object({ image_key: z.string().min(1).max(100) });
const FileKeyParam = z.object({ file_key: z.string().min(1).max(100) });
const MessageResourceParam = z.object({ message_id: z.string().min(1).max(64), file_key: z.string().min(1).max(100) });
const MessageResourceQuery = z.object({ type: z.enum(['image', 'file']) });

/**
 * The request body as a stream that can fail without taking the connection down: destroying the
 * request itself would reset the socket before a 413 could be answered; the rest of an unread body is
 * drained by Node once the reply is sent.
 */
function bodyOf(request: FastifyRequest): Readable {
  const body = new PassThrough();
  request.raw.on('error', (error) => body.destroy(error));
  request.raw.pipe(body);
  return body;
}

/** A declared Content-Length past the limit is refused before a byte is stored. */
function checkLength(request: FastifyRequest, maxBytes: number, overhead = 0): void {
  const length = Number(request.headers['content-length']);
  if (Number.isFinite(length) && length > maxBytes + overhead) throw fileTooLarge(maxBytes);
}

function send(reply: FastifyReply, download: Download) {
  return reply
    .header('content-type', download.contentType)
    .header('content-length', String(download.size))
    .header('content-disposition', download.disposition)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; img-src 'self'; sandbox")
    .header('cache-control', 'private, max-age=31536000, immutable')
    .send(download.stream);
}

/**
 * Uploads and downloads of images and files: internal (`/api/im/images`, `/api/im/files`,
 * `/api/im/resources/:key`) and im v1 (`images`, `files`, `messages/:id/resources/:key`).
 */
export function registerImResourceRoutes(app: FastifyInstance, deps: { resources: ImResources; authenticate: Authenticators }): void {
  const { resources, authenticate } = deps;

  // Uploads read the body themselves (streamed to the blob store); their own scope takes any type.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));

    const internalUpload = (kind: ResourceKind) => async (request: FastifyRequest) => {
      const ctx = await authenticate.user(request);
      const { name } = parseInput(NameQuery, request.query);
      checkLength(request, resources.maxBytes(kind));
      const row = await resources.upload(ctx, kind, bodyOf(request), {
        name,
        declaredType: request.headers['content-type'],
      });
      return presentResource(row);
    };
    scope.post('/api/im/images', internalUpload('image'));
    scope.post('/api/im/files', internalUpload('file'));

    /** A Feishu SDK upload: multipart fields plus the file under `fileField`. */
    const openUpload = async (request: FastifyRequest, ctx: ImContext, kind: ResourceKind, fileField: string) => {
      resources.assertCanUpload(ctx);
      const boundary = multipartBoundary(request.headers['content-type']);
      if (!boundary) throw errors.validation('Uploads are multipart/form-data');
      checkLength(request, resources.maxBytes(kind), MULTIPART_OVERHEAD);
      const received: Array<{ blob: ReceivedBlob; filename: string; contentType: string }> = [];
      try {
        const { fields } = await parseMultipart(bodyOf(request), boundary, {
          fileFields: [fileField],
          onFile: async (file) => {
            const blob = await resources.receive(kind, file.stream);
            received.push({ blob, filename: file.filename, contentType: file.contentType });
          },
        });
        const file = received[0];
        if (!file) throw errors.validation(`The ${fileField} field is required`);
        return { fields, file };
      } catch (error) {
        await Promise.all(received.map((entry) => resources.discard(entry.blob).catch(() => undefined)));
        throw error;
      }
    };

    scope.post('/open-apis/im/v1/images', async (request, reply) => {
      const ctx = await authenticate.open(request, reply);
      const { fields, file } = await openUpload(request, ctx, 'image', 'image');
      let imageType: string;
      try {
        imageType = oneOf(fields.image_type, IMAGE_TYPES, 'image_type');
      } catch (error) {
        await resources.discard(file.blob);
        throw error;
      }
      const row = await resources.create(ctx, 'image', file.blob, { name: file.filename, fileType: imageType });
      return openOk({ image_key: row.key });
    });

    scope.post('/open-apis/im/v1/files', async (request, reply) => {
      const ctx = await authenticate.open(request, reply);
      const { fields, file } = await openUpload(request, ctx, 'file', 'file');
      let fileType: string;
      let name: string;
      try {
        fileType = oneOf(fields.file_type, FILE_TYPES, 'file_type');
        name = fields.file_name?.trim() ?? '';
        if (!name || name.length > 255) throw errors.validation('file_name is required (at most 255 characters)');
        if (fields.duration !== undefined && !/^\d{1,9}$/.test(fields.duration)) throw errors.validation('duration is milliseconds');
      } catch (error) {
        await resources.discard(file.blob);
        throw error;
      }
      const row = await resources.create(ctx, 'file', file.blob, { name, declaredType: file.contentType, fileType });
      return openOk({ file_key: row.key });
    });
  });

  app.get('/api/im/resources/:key', async (request, reply) => {
    const ctx = await authenticate.user(request);
    return send(reply, await resources.open(ctx, parseInput(KeyParam, request.params).key));
  });

  app.get('/open-apis/im/v1/images/:image_key', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { image_key } = parseInput(ImageKeyParam, request.params);
    return send(reply, await resources.open(ctx, image_key, { kind: 'image' }));
  });

  app.get('/open-apis/im/v1/files/:file_key', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { file_key } = parseInput(FileKeyParam, request.params);
    return send(reply, await resources.open(ctx, file_key, { kind: 'file' }));
  });

  app.get('/open-apis/im/v1/messages/:message_id/resources/:file_key', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { message_id, file_key } = parseInput(MessageResourceParam, request.params);
    parseInput(MessageResourceQuery, request.query);
    return send(reply, await resources.open(ctx, file_key, { messageRef: message_id }));
  });
}
