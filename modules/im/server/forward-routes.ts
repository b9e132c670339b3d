import { ForwardInput, MAX_MERGE_FORWARD_MESSAGES, MergeForwardInput } from '@kite/im/contract';
import { type Authenticators, openOk } from '@kite/platform/http';
import { parseInput } from '@kite/platform/validation';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ImForwarding } from './forwarding.ts';
import type { OpenImApi } from './open-im.ts';

const IdParam = z.object({ id: z.string().min(1).max(64) });
const MessageParam = z.object({ message_id: z.string().min(1).max(64) });
/** `thread_id`: into a thread (`omt_…`) as a thread reply. */
const ForwardQuery = z.object({
  receive_id_type: z.enum(['open_id', 'union_id', 'user_id', 'email', 'chat_id', 'thread_id']),
  user_id_type: z.enum(['open_id', 'union_id', 'user_id']).default('open_id'),
  uuid: z.string().max(50).optional(),
});
const receiveId = z.string().min(1).max(64);
const OpenMergeInput = z.object({
  receive_id: receiveId,
  message_id_list: z
    .array(z.string().min(1).max(64))
    .min(1, 'message_id_list needs at least one message')
    .max(MAX_MERGE_FORWARD_MESSAGES, `Merge-forward at most ${MAX_MERGE_FORWARD_MESSAGES} messages at once`),
});

/**
 * Forward and merge-forward: internal (`/api/im/messages/:id/forward`, `/api/im/messages/merge-forward`,
 * `/api/im/messages/:id/merged`) and im v1 (`messages/:message_id/forward`, `messages/merge_forward`).
 * Sources and targets are checked before anything is written (a person's p2p chat is opened last).
 */
export function registerImForwardRoutes(
  app: FastifyInstance,
  deps: { forwarding: ImForwarding; openIm: OpenImApi; authenticate: Authenticators },
): void {
  const { forwarding, openIm, authenticate } = deps;

  app.post('/api/im/messages/:id/forward', async (request) => {
    const ctx = await authenticate.user(request);
    const { id } = parseInput(IdParam, request.params);
    return { items: await forwarding.forwardTo(ctx, id, parseInput(ForwardInput, request.body)) };
  });

  app.post('/api/im/messages/merge-forward', async (request) => {
    const ctx = await authenticate.user(request);
    return { items: await forwarding.mergeForwardTo(ctx, parseInput(MergeForwardInput, request.body)) };
  });

  app.get('/api/im/messages/:id/merged', async (request) => {
    const ctx = await authenticate.user(request);
    return forwarding.mergedHistory(ctx, parseInput(IdParam, request.params).id);
  });

  app.post('/open-apis/im/v1/messages/:message_id/forward', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { message_id } = parseInput(MessageParam, request.params);
    const query = parseInput(ForwardQuery, request.query);
    const { receive_id } = parseInput(z.object({ receive_id: receiveId }), request.body);
    const source = await forwarding.forwardSource(ctx, message_id);
    const target = await openIm.receiver(ctx, receive_id, query.receive_id_type);
    const sent = await forwarding.sendForward(ctx, source, target.chatRef, query.uuid, target.threadRootId);
    return openOk(await openIm.message(ctx, sent.id, query.user_id_type));
  });

  app.post('/open-apis/im/v1/messages/merge_forward', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const query = parseInput(ForwardQuery, request.query);
    const input = parseInput(OpenMergeInput, request.body);
    const source = await forwarding.mergeSource(ctx, input.message_id_list, { strict: false });
    const target = await openIm.receiver(ctx, input.receive_id, query.receive_id_type);
    const sent = await forwarding.sendMerged(ctx, source, target.chatRef, query.uuid, target.threadRootId);
    return openOk({ message: await openIm.message(ctx, sent.id, query.user_id_type), invalid_message_id_list: source.invalid });
  });
}
