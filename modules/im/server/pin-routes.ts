import { errors } from '@kite/kernel/errors';
import { type Authenticators, openOk } from '@kite/platform/http';
import { parseInput } from '@kite/platform/validation';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Ctx } from './im-service.ts';
import type { ImPins } from './pin-service.ts';
import { partyKey } from './presenters.ts';
import { presentOpenPin } from './urgent-pin-presenters.ts';
import type { PinCursor } from './urgent-pin-repository.ts';
import type { PinRow } from './urgent-pin-tables.ts';

const IdParam = z.object({ id: z.string().min(1).max(64) });
const MessageParam = z.object({ message_id: z.string().min(1).max(64) });
const PinInput = z.object({ message_id: z.string().min(1).max(64) });
/** Milliseconds since the epoch, as strings (Feishu's pin times). */
const millis = z
  .string()
  .regex(/^\d{1,15}$/)
  .optional();
const PinListQuery = z.object({
  chat_id: z.string().min(1).max(64),
  start_time: millis,
  end_time: millis,
  page_size: z.coerce.number().int().min(1).max(50).default(20),
  page_token: z.string().max(200).optional(),
});

const time = (value: string | undefined) => (value === undefined ? undefined : new Date(Number(value)));

function encodeCursor(row: PinRow): string {
  return Buffer.from(JSON.stringify([row.created_at.toISOString(), row.message_id])).toString('base64url');
}

function decodeCursor(token: string | undefined): PinCursor | undefined {
  if (!token) return undefined;
  try {
    const [at, messageId] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof at === 'string' && typeof messageId === 'string' && !Number.isNaN(Date.parse(at)))
      return { createdAt: new Date(at), messageId };
  } catch {
    // a malformed token is the caller's bad input, reported below
  }
  throw errors.validation('Invalid page_token');
}

/** Pinned messages: the internal API (docs/internal-api.md § Messenger) and Feishu's `im/v1/pins`. */
export function registerImPinRoutes(app: FastifyInstance, deps: { pins: ImPins; authenticate: Authenticators }): void {
  const { pins, authenticate } = deps;

  /** Feishu's pin objects for rows of one chat. */
  async function openPins(ctx: Ctx, chatId: string, rows: readonly PinRow[]) {
    const { messages, parties } = await pins.details(ctx, rows);
    return rows.flatMap((row) => {
      const message = messages.get(row.message_id);
      const operator = parties.get(partyKey(row.operator_kind, row.operator_id));
      return message ? [presentOpenPin(row, { messageId: message.messageId, chatId }, operator)] : [];
    });
  }

  app.get('/api/im/chats/:id/pins', async (request) => {
    const ctx = await authenticate.user(request);
    return pins.list(ctx, parseInput(IdParam, request.params).id);
  });
  app.post('/api/im/messages/:id/pin', async (request) => {
    const ctx = await authenticate.user(request);
    return (await pins.pin(ctx, parseInput(IdParam, request.params).id)).view;
  });
  app.delete('/api/im/messages/:id/pin', async (request) => {
    const ctx = await authenticate.user(request);
    await pins.unpin(ctx, parseInput(IdParam, request.params).id);
    return {};
  });

  app.post('/open-apis/im/v1/pins', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { message_id } = parseInput(PinInput, request.body);
    const { chat, row } = await pins.pin(ctx, message_id);
    const [pin] = await openPins(ctx, chat.chat_id, [row]);
    return openOk({ pin });
  });
  app.delete('/open-apis/im/v1/pins/:message_id', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    await pins.unpin(ctx, parseInput(MessageParam, request.params).message_id);
    return openOk({});
  });
  app.get('/open-apis/im/v1/pins', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const query = parseInput(PinListQuery, request.query);
    const page = await pins.page(ctx, query.chat_id, {
      start: time(query.start_time),
      end: time(query.end_time),
      after: decodeCursor(query.page_token),
      limit: query.page_size,
    });
    const last = page.rows[page.rows.length - 1];
    return openOk({
      items: await openPins(ctx, page.chat.chat_id, page.rows),
      has_more: page.hasMore,
      page_token: page.hasMore && last ? encodeCursor(last) : '',
    });
  });
}
