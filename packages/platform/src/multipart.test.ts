import { describe, expect, it } from 'vitest';
import { multipartBoundary, parseMultipart } from './multipart.ts';

const B = 'XyZ-boundary';

function body(parts: string[]): Buffer {
  return Buffer.from(`preamble\r\n${parts.map((part) => `--${B}\r\n${part}\r\n`).join('')}--${B}--\r\nepilogue`, 'utf8');
}

/** Feeds `bytes` in chunks of `size`, so boundaries and headers fall across chunk edges. */
async function* chunks(bytes: Buffer, size: number) {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

async function parse(bytes: Buffer, size: number) {
  return parseMultipart(chunks(bytes, size), B, {
    fileFields: ['file'],
    onFile: async (file) => {
      const parts: Buffer[] = [];
      for await (const chunk of file.stream) parts.push(chunk as Buffer);
      return { ...file, stream: undefined, bytes: Buffer.concat(parts) };
    },
  });
}

describe('multipart', () => {
  it('reads the boundary of form-data only', () => {
    expect(multipartBoundary(`multipart/form-data; boundary=${B}`)).toBe(B);
    expect(multipartBoundary('multipart/form-data; boundary="a b"')).toBe('a b');
    expect(multipartBoundary('application/json')).toBeNull();
    expect(multipartBoundary('multipart/form-data')).toBeNull();
  });

  it('parses fields and a file at any chunk size, with CRLF and boundary-like bytes inside the file', async () => {
    const payload = `line1\r\n--${B.slice(0, 5)}\r\n\r\nend\r\n-`;
    const bytes = body([
      'Content-Disposition: form-data; name="file_type"\r\n\r\npdf',
      'Content-Disposition: form-data; name="file_name"\r\n\r\n季度.pdf',
      `Content-Disposition: form-data; name="file"; filename="a \\"q\\".pdf"\r\nContent-Type: application/pdf\r\n\r\n${payload}`,
    ]);
    // Non-ASCII field values are UTF-8 on the wire, and survive being split inside a character.
    for (const size of [1, 2, 7, 64, 100_000]) {
      const { fields, files } = await parse(bytes, size);
      expect(fields).toEqual({ file_type: 'pdf', file_name: '季度.pdf' });
      expect(files).toHaveLength(1);
      expect(files[0]).toMatchObject({ field: 'file', filename: 'a "q".pdf', contentType: 'application/pdf' });
      expect(files[0]!.bytes.toString('latin1')).toBe(payload);
    }
  });

  it('treats the file field as a file without a filename (the SDK sends Buffers so)', async () => {
    const { files } = await parse(body(['Content-Disposition: form-data; name="file"\r\n\r\nabc']), 3);
    expect(files[0]).toMatchObject({ filename: '', contentType: 'application/octet-stream' });
  });

  it('refuses truncated bodies, missing names, too many files, oversized fields', async () => {
    const truncated = Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue`);
    await expect(parse(truncated, 4)).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(parse(body(['Content-Disposition: form-data\r\n\r\nx']), 10)).rejects.toMatchObject({ code: 'validation_failed' });
    const two = body(['Content-Disposition: form-data; name="file"\r\n\r\na', 'Content-Disposition: form-data; name="file"\r\n\r\nb']);
    await expect(parse(two, 10)).rejects.toMatchObject({ code: 'validation_failed' });
    const long = body([`Content-Disposition: form-data; name="a"\r\n\r\n${'x'.repeat(70 * 1024)}`]);
    await expect(parse(long, 1024)).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('passes an error from the file consumer through', async () => {
    const failing = parseMultipart(chunks(body([`Content-Disposition: form-data; name="file"\r\n\r\n${'y'.repeat(5000)}`]), 100), B, {
      fileFields: ['file'],
      onFile: async (file) => {
        let size = 0;
        for await (const chunk of file.stream) {
          size += (chunk as Buffer).length;
          if (size > 1000) throw Object.assign(new Error('too big'), { code: 'file_too_large' });
        }
      },
    });
    await expect(failing).rejects.toMatchObject({ code: 'file_too_large' });
  });
});
