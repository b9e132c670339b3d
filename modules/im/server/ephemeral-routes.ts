import { errors } from '@kite/kernel/errors';
import { type Authenticators, openOk } from '@kite/platform/http';
import { RateLimiter } from '@kite/platform/rate-limit';
import { parseInput } from '@kite/platform/validation';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { EphemeralCards } from './ephemeral-cards.ts';
import type { OpenImApi } from './open-im.ts';

const id = z.string().min(1).max(64);

/** Feishu's body: the chat, the card, and the person by exactly one of open_id, user_id, email. */
const SendInput = z
  .object({
    chat_id: id,
    msg_type: z.literal('interactive'),
    card: z.record(z.string(), z.unknown()),
    open_id: id.optional(),
    user_id: id.optional(),
    email: z.string().min(3).max(254).optional(),
  })
  .refine((input) => [input.open_id, input.user_id, input.email].filter((value) => value !== undefined).length === 1, {
    message: 'Name the person by exactly one of open_id, user_id, email',
  });
const DeleteInput = z.object({ message_id: id });

/** Feishu: at most 40 sends a second to one group. */
const SENDS_PER_CHAT_PER_SECOND = 40;

/**
 * Feishu's `POST /open-apis/ephemeral/v1/send` and `/delete` (tenant token): cards only one person
 * in a group sees (ephemeral-cards.ts). The official SDK has no method for them: apps call
 * `client.request`.
 */
export function registerImEphemeralRoutes(
  app: FastifyInstance,
  deps: { ephemeral: EphemeralCards; openIm: OpenImApi; authenticate: Authenticators; now?: () => number },
): void {
  const limiter = new RateLimiter(SENDS_PER_CHAT_PER_SECOND, 1_000, deps.now);
  app.post('/open-apis/ephemeral/v1/send', async (request, reply) => {
    const ctx = await deps.authenticate.open(request, reply, ['tenant']);
    const input = parseInput(SendInput, request.body);
    const rate = limiter.hit(`ephemeral|${ctx.tenantId}|${input.chat_id}`);
    if (!rate.allowed) throw errors.rateLimited(rate.resetSeconds);
    const [type, ref] = input.open_id
      ? (['open_id', input.open_id] as const)
      : input.user_id
        ? (['user_id', input.user_id] as const)
        : (['email', input.email!] as const);
    const userId = await deps.openIm.resolveUser(ctx, ref, type);
    const sent = await deps.ephemeral.send(ctx, { chatRef: input.chat_id, userId, content: JSON.stringify(input.card) });
    return openOk({ message_id: sent.messageId });
  });

  app.post('/open-apis/ephemeral/v1/delete', async (request, reply) => {
    const ctx = await deps.authenticate.open(request, reply, ['tenant']);
    const { message_id } = parseInput(DeleteInput, request.body);
    await deps.ephemeral.delete(ctx, message_id);
    return openOk({});
  });
}
