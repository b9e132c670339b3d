import type { UserLookup } from '@kite/contact/contract';
import { BuzzInput, MAX_BUZZ_RECIPIENTS } from '@kite/im/contract';
import { type Authenticators, openOk } from '@kite/platform/http';
import { parseInput } from '@kite/platform/validation';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ImUrgent } from './urgent-service.ts';
import { urgentErrors } from './urgent-service.ts';

const IdParam = z.object({ id: z.string().min(1).max(64) });
const MessageParam = z.object({ message_id: z.string().min(1).max(64) });
const UrgentQuery = z.object({ user_id_type: z.enum(['open_id', 'union_id', 'user_id']).default('open_id') });
const UrgentBody = z.object({ user_id_list: z.array(z.string().min(1).max(64)).min(1).max(MAX_BUZZ_RECIPIENTS) });

const idField = { open_id: 'openId', union_id: 'unionId', user_id: 'userId' } as const;

/**
 * Urgent buzz: the internal API (docs/internal-api.md § Messenger) and Feishu's `urgent_app`, with
 * `urgent_sms` / `urgent_phone` refused as a quota of zero (Kite sends no texts and makes no calls).
 */
export function registerImUrgentRoutes(
  app: FastifyInstance,
  deps: { urgent: ImUrgent; users: Pick<UserLookup, 'usersByPublicIds'>; authenticate: Authenticators },
): void {
  const { urgent, users, authenticate } = deps;

  app.get('/api/im/urgent', async (request) => {
    const ctx = await authenticate.user(request);
    return urgent.pendingAlerts(ctx);
  });
  app.get('/api/im/chats/:id/urgent', async (request) => {
    const ctx = await authenticate.user(request);
    return urgent.summaries(ctx, parseInput(IdParam, request.params).id);
  });
  app.get('/api/im/messages/:id/urgent', async (request) => {
    const ctx = await authenticate.user(request);
    return urgent.status(ctx, parseInput(IdParam, request.params).id);
  });
  app.post('/api/im/messages/:id/urgent', async (request) => {
    const ctx = await authenticate.user(request);
    const { id } = parseInput(IdParam, request.params);
    const { userIds } = parseInput(BuzzInput, request.body);
    return (await urgent.buzz(ctx, id, userIds, { senderOnly: false, strict: true })).status;
  });
  app.post('/api/im/messages/:id/urgent/acknowledge', async (request) => {
    const ctx = await authenticate.user(request);
    return urgent.acknowledge(ctx, parseInput(IdParam, request.params).id);
  });

  app.patch('/open-apis/im/v1/messages/:message_id/urgent_app', async (request, reply) => {
    const ctx = await authenticate.open(request, reply);
    const { message_id } = parseInput(MessageParam, request.params);
    const { user_id_type } = parseInput(UrgentQuery, request.query);
    const { user_id_list } = parseInput(UrgentBody, request.body);
    // The caller names people by its id type; whoever names nobody active is invalid, as is anyone
    // the buzz cannot reach (not in the chat, the sender).
    const found = await users.usersByPublicIds(ctx.tenantId, user_id_type, user_id_list);
    const byRef = new Map(found.filter((user) => user.status === 'active').map((user) => [user[idField[user_id_type]], user.id]));
    const refOf = new Map([...byRef].map(([ref, id]) => [id, ref]));
    const { invalid } = await urgent.buzz(ctx, message_id, [...byRef.values()], { senderOnly: true, strict: false });
    return openOk({
      invalid_user_id_list: [...user_id_list.filter((ref) => !byRef.has(ref)), ...invalid.map((id) => refOf.get(id) ?? id)],
    });
  });
  for (const channel of ['sms', 'phone'] as const) {
    app.patch(`/open-apis/im/v1/messages/:message_id/urgent_${channel}`, async (request, reply) => {
      await authenticate.open(request, reply);
      parseInput(MessageParam, request.params);
      parseInput(UrgentQuery, request.query);
      parseInput(UrgentBody, request.body);
      throw urgentErrors.channelUnavailable(channel);
    });
  }
}
