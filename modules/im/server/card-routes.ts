import { CardActionInput } from '@kite/im/contract';
import { errors } from '@kite/kernel/errors';
import { type Authenticators, openOk } from '@kite/platform/http';
import { RateLimiter } from '@kite/platform/rate-limit';
import { parseInput } from '@kite/platform/validation';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { CardCallbacks } from './card-callbacks.ts';
import { CardUpdateInput, type DelayedCardUpdates } from './card-updates.ts';

const IdParam = z.object({ id: z.string().min(1).max(64) });

/** Clicks per person per 10 s: each one is a request to an app, which a script must not flood. */
const CLICKS_PER_WINDOW = 30;

/**
 * `POST /api/im/messages/:id/card-actions` (docs/internal-api.md § Messenger, cards) and Feishu's
 * delayed update `POST /open-apis/interactive/v1/card/update` (tenant token; card-updates.ts).
 */
export function registerImCardRoutes(
  app: FastifyInstance,
  deps: { cards: CardCallbacks; updates: DelayedCardUpdates; authenticate: Authenticators; now?: () => number },
): void {
  const limiter = new RateLimiter(CLICKS_PER_WINDOW, 10_000, deps.now);
  app.post('/api/im/messages/:id/card-actions', async (request) => {
    const ctx = await deps.authenticate.user(request);
    const { id } = parseInput(IdParam, request.params);
    const input = parseInput(CardActionInput, request.body);
    const rate = limiter.hit(`card|${ctx.tenantId}|${ctx.actor.userId}`);
    if (!rate.allowed) throw errors.rateLimited(rate.resetSeconds);
    return deps.cards.act(ctx, id, input);
  });

  app.post('/open-apis/interactive/v1/card/update', async (request, reply) => {
    const ctx = await deps.authenticate.open(request, reply, ['tenant']);
    await deps.updates.update(ctx, parseInput(CardUpdateInput, request.body));
    return openOk({});
  });
}
