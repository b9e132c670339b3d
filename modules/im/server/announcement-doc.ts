import { errors } from '@kite/kernel/errors';
import { z } from 'zod';

/**
 * A chat announcement in the shape of Feishu's legacy document API, which `im.v1.chatAnnouncement`
 * speaks: `content` is a document JSON string of paragraphs of text runs, and a patch is a list of
 * operations against character offsets of the document's text (paragraphs joined by `\n`).
 * Kite keeps announcements as plain text, so the document is derived from it and the operations
 * Kite understands are the two that edit text: inserting paragraphs and deleting a range.
 */

interface TextRun {
  type: 'textRun';
  textRun: { text: string; style?: Record<string, unknown> };
}
interface Paragraph {
  type: 'paragraph';
  paragraph: { elements: TextRun[] };
}

export function announcementDocument(text: string): string {
  const blocks: Paragraph[] = text === '' ? [] : text.split('\n').map(paragraph);
  return JSON.stringify({ title: { elements: [] }, body: { blocks } });
}

function paragraph(line: string): Paragraph {
  return { type: 'paragraph', paragraph: { elements: line === '' ? [] : [{ type: 'textRun', textRun: { text: line } }] } };
}

const Location = z.object({ zoneId: z.string().optional(), index: z.number().int().min(-1).optional() });
const Blocks = z.object({
  blocks: z
    .array(
      z.object({
        type: z.string(),
        paragraph: z
          .object({
            elements: z.array(z.object({ type: z.string(), textRun: z.object({ text: z.string() }).optional() })).default([]),
          })
          .optional(),
      }),
    )
    .max(500),
});
const Request = z.discriminatedUnion('requestType', [
  z.object({
    requestType: z.literal('InsertBlocksRequestType'),
    insertBlocksRequest: z.object({ payload: z.string().max(100_000), location: Location.optional() }),
  }),
  z.object({
    requestType: z.literal('DeleteContentRangeRequestType'),
    deleteContentRangeRequest: z.object({
      deleteRange: z.object({ zoneId: z.string().optional(), startIndex: z.number().int().min(0), endIndex: z.number().int().min(0) }),
    }),
  }),
]);

function parseJson(value: string, what: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw errors.validation(`${what} is not valid JSON`);
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw errors.validation(`${what}: ${result.error.issues[0]?.message ?? 'invalid'}`);
  return result.data;
}

/** The plain text of inserted blocks: paragraphs' text runs; other block types are refused. */
function blocksText(payload: string): string {
  const { blocks } = parse(Blocks, parseJson(payload, 'insertBlocksRequest.payload'), 'insertBlocksRequest.payload');
  return blocks
    .map((block) => {
      if (block.type !== 'paragraph' || !block.paragraph) throw errors.validation(`Unsupported block type "${block.type}"`);
      return block.paragraph.elements.map((element) => element.textRun?.text ?? '').join('');
    })
    .join('\n');
}

/**
 * Applies `requests` (JSON strings, in order) to the announcement's text. Offsets count UTF-16
 * code units, as the JavaScript that calls it does; an offset past the end is the caller's error.
 */
export function applyAnnouncementRequests(text: string, requests: readonly string[]): string {
  let current = text;
  requests.forEach((raw, position) => {
    const request = parse(Request, parseJson(raw, `requests[${position}]`), `requests[${position}]`);
    if (request.requestType === 'InsertBlocksRequestType') {
      const inserted = blocksText(request.insertBlocksRequest.payload);
      const index = request.insertBlocksRequest.location?.index ?? -1;
      if (index > current.length) throw errors.validation(`requests[${position}]: index ${index} is past the end (${current.length})`);
      if (index === -1 || index === current.length) current = current === '' ? inserted : `${current}\n${inserted}`;
      else current = `${current.slice(0, index)}${inserted}\n${current.slice(index)}`;
    } else {
      const { startIndex, endIndex } = request.deleteContentRangeRequest.deleteRange;
      if (endIndex < startIndex || endIndex > current.length) {
        throw errors.validation(`requests[${position}]: range ${startIndex}–${endIndex} is outside the text (${current.length})`);
      }
      current = current.slice(0, startIndex) + current.slice(endIndex);
    }
  });
  return current;
}
