import { PassThrough, type Readable } from 'node:stream';
import { errors } from '@kite/kernel/errors';

/**
 * A minimal streaming `multipart/form-data` parser (RFC 7578) for the open platform's uploads, as the
 * Feishu SDK sends them (form-data: text fields plus one file). Text fields are kept in memory with
 * a small bound; a file part is handed to `onFile` as a stream while the body is still arriving, with
 * backpressure, so a 30 MB upload never sits in memory.
 */

export interface MultipartFile {
  field: string;
  filename: string;
  contentType: string;
  stream: Readable;
}

export interface MultipartOptions<T> {
  /**
   * Parts streamed as files, by name. The SDK (axios + form-data) sends a Buffer without a filename,
   * so the name decides, not the presence of `filename`; every other part is a bounded text field.
   */
  fileFields: readonly string[];
  /** Called once per file part; must consume `stream` (or fail). Its result is returned in `files`. */
  onFile(file: MultipartFile): Promise<T>;
  maxFiles?: number;
  maxFields?: number;
  maxFieldBytes?: number;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 16 * 1024;
const MAX_PREAMBLE_BYTES = 64 * 1024;

const bad = (message: string) => errors.validation(`Invalid multipart body: ${message}`);

/** The boundary of a `multipart/form-data` content type, or null when the type is something else. */
export function multipartBoundary(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\/form-data\s*(;|$)/i.test(contentType.trim())) return null;
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return match ? (match[1] ?? match[2] ?? null) : null;
}

/** `name="value"` parameters of a header, quoted strings with backslash escapes; `filename*` per RFC 5987. */
function headerParams(value: string): Record<string, string> {
  const params: Record<string, string> = {};
  const pattern = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  for (const match of value.matchAll(pattern)) {
    const name = match[1]!.toLowerCase();
    let param = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] ?? '').trim();
    if (name.endsWith('*')) {
      const extended = /^([\w-]+)'[^']*'(.*)$/.exec(param);
      if (!extended) continue;
      try {
        param = decodeURIComponent(extended[2]!);
      } catch {
        continue;
      }
      params[name.slice(0, -1)] = param;
      continue;
    }
    if (!(name in params)) params[name] = param;
  }
  return params;
}

interface PartHeaders {
  name: string;
  filename: string | null;
  contentType: string;
}

function parseHeaders(block: string): PartHeaders {
  let disposition: string | null = null;
  let contentType = 'application/octet-stream';
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw bad('malformed part header');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-disposition') disposition = value;
    else if (name === 'content-type') contentType = value.slice(0, 200);
  }
  if (!disposition || !/^form-data\s*(;|$)/i.test(disposition)) throw bad('a part without Content-Disposition: form-data');
  const params = headerParams(disposition);
  if (!params.name) throw bad('a part without a name');
  return { name: params.name, filename: params.filename ?? null, contentType };
}

/**
 * Reads a whole `multipart/form-data` body. Throws `validation_failed` (400) on a malformed body; an
 * error from `onFile` (say, `file_too_large`) is rethrown as is, once the part's stream is closed.
 */
export async function parseMultipart<T>(
  body: AsyncIterable<Buffer>,
  boundary: string,
  options: MultipartOptions<T>,
): Promise<{ fields: Record<string, string>; files: T[] }> {
  const maxFiles = options.maxFiles ?? 1;
  const maxFields = options.maxFields ?? 20;
  const maxFieldBytes = options.maxFieldBytes ?? 64 * 1024;
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const fields: Record<string, string> = {};
  const files: T[] = [];
  let fieldCount = 0;

  type Part =
    | { kind: 'field'; name: string; chunks: Buffer[]; size: number }
    | { kind: 'file'; sink: PassThrough; done: Promise<T>; failure: { error: unknown } | null };
  let part: Part | null = null;
  type State = 'preamble' | 'afterDelimiter' | 'headers' | 'body' | 'epilogue';
  let state = 'preamble' as State;
  // A leading CRLF lets the first boundary (at the very start) match the delimiter.
  let buffer: Buffer = Buffer.from(CRLF);
  let skipped = 0;

  const write = async (data: Buffer) => {
    if (!part || data.length === 0) return;
    if (part.kind === 'field') {
      part.size += data.length;
      if (part.size > maxFieldBytes) throw bad(`field ${part.name} is too long`);
      part.chunks.push(data);
      return;
    }
    const file = part;
    if (file.failure) throw file.failure.error;
    if (!file.sink.write(data)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          file.sink.off('drain', done);
          file.sink.off('close', done);
          resolve();
        };
        file.sink.on('drain', done);
        file.sink.on('close', done);
      });
      const failure = file.failure as { error: unknown } | null;
      if (failure) throw failure.error;
    }
  };

  const finishPart = async () => {
    if (!part) return;
    const current = part;
    part = null;
    if (current.kind === 'field') {
      fields[current.name] = Buffer.concat(current.chunks).toString('utf8');
      return;
    }
    current.sink.end();
    files.push(await current.done);
  };

  const startPart = (headers: PartHeaders) => {
    if (!options.fileFields.includes(headers.name)) {
      if (++fieldCount > maxFields) throw bad('too many fields');
      part = { kind: 'field', name: headers.name, chunks: [], size: 0 };
      return;
    }
    if (files.length >= maxFiles) throw bad(`at most ${maxFiles} file(s) per request`);
    const sink = new PassThrough();
    const file: Part & { kind: 'file' } = { kind: 'file', sink, done: Promise.resolve(undefined as T), failure: null };
    file.done = options.onFile({ field: headers.name, filename: headers.filename ?? '', contentType: headers.contentType, stream: sink });
    file.done.catch((error: unknown) => {
      file.failure = { error };
      sink.destroy();
    });
    part = file;
  };

  const consume = async () => {
    for (;;) {
      if (state === 'preamble' || state === 'body') {
        const index = buffer.indexOf(delimiter);
        if (index === -1) {
          // Keep what could be the start of a delimiter split across chunks.
          const keep = delimiter.length - 1;
          if (buffer.length > keep) {
            const data = buffer.subarray(0, buffer.length - keep);
            if (state === 'body') await write(data);
            else {
              skipped += data.length;
              if (skipped > MAX_PREAMBLE_BYTES) throw bad('no boundary found');
            }
            buffer = buffer.subarray(buffer.length - keep);
          }
          return;
        }
        if (state === 'body') {
          await write(buffer.subarray(0, index));
          await finishPart();
        }
        buffer = buffer.subarray(index + delimiter.length);
        state = 'afterDelimiter';
      }
      if (state === 'afterDelimiter') {
        if (buffer.length < 2) return;
        if (buffer[0] === 0x2d && buffer[1] === 0x2d) {
          state = 'epilogue';
          return;
        }
        const lineEnd = buffer.indexOf(CRLF);
        if (lineEnd === -1) {
          if (buffer.length > 256) throw bad('malformed boundary line');
          return;
        }
        // Transport padding (spaces, tabs) may follow a boundary.
        if (!/^[ \t]*$/.test(buffer.toString('latin1', 0, lineEnd))) throw bad('malformed boundary line');
        buffer = buffer.subarray(lineEnd + 2);
        state = 'headers';
      }
      if (state === 'headers') {
        let block: string;
        if (buffer.length >= 2 && buffer[0] === 0x0d && buffer[1] === 0x0a) {
          block = '';
          buffer = buffer.subarray(2);
        } else {
          const end = buffer.indexOf(HEADER_END);
          if (end === -1) {
            if (buffer.length > MAX_HEADER_BYTES) throw bad('part headers too long');
            return;
          }
          block = buffer.toString('utf8', 0, end);
          buffer = buffer.subarray(end + HEADER_END.length);
        }
        if (!block) throw bad('a part without Content-Disposition: form-data');
        startPart(parseHeaders(block));
        state = 'body';
      }
      if (state === 'epilogue') return;
    }
  };

  try {
    for await (const chunk of body) {
      if (state === 'epilogue') continue;
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      await consume();
    }
    if (state !== 'epilogue') throw bad('the body ends before its closing boundary');
  } catch (error) {
    const open = part as Part | null;
    if (open?.kind === 'file') {
      open.sink.destroy(error instanceof Error ? error : new Error(String(error)));
      await open.done.catch(() => undefined);
    }
    throw error;
  }
  return { fields, files };
}
