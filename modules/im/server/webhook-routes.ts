import {
  CreateWebhookBotInput,
  ResetWebhookBotInput,
  UpdateWebhookBotInput,
  type WebhookBotCredentials,
  webhookPath,
} from '@kite/im/contract';
import { isAppError } from '@kite/kernel/errors';
import { type Authenticators, clientInfo } from '@kite/platform/http';
import { parseInput } from '@kite/platform/validation';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { IssuedBot, WebhookBots } from './webhook-service.ts';

const IdParam = z.object({ id: z.string().min(1).max(64) });
const TokenParam = z.object({ token: z.string() });

export interface WebhookRouteDeps {
  bots: WebhookBots;
  authenticate: Authenticators;
  /** The URL people and other systems reach this server at (for the hook URL shown once). */
  baseUrl: (request: FastifyRequest) => string;
}

/**
 * Custom bots: managing them (`/api/im/…/webhooks`, docs/internal-api.md § Messenger) and their hook
 * (`POST /open-apis/bot/v2/hook/:token`, Feishu's custom-bot API, authenticated by the token alone).
 */
export function registerImWebhookRoutes(app: FastifyInstance, deps: WebhookRouteDeps): void {
  const { bots, authenticate } = deps;
  const credentials = (request: FastifyRequest, issued: IssuedBot): WebhookBotCredentials => ({
    bot: issued.bot,
    webhookUrl: issued.token ? `${deps.baseUrl(request)}${webhookPath(issued.token)}` : null,
    secret: issued.secret,
  });

  app.get('/api/im/chats/:id/webhooks', async (request) => {
    const ctx = await authenticate.user(request);
    return bots.list(ctx, parseInput(IdParam, request.params).id);
  });
  app.post('/api/im/chats/:id/webhooks', async (request) => {
    const ctx = await authenticate.user(request);
    const { id } = parseInput(IdParam, request.params);
    return credentials(request, await bots.create(ctx, id, parseInput(CreateWebhookBotInput, request.body)));
  });
  app.patch('/api/im/webhooks/:id', async (request) => {
    const ctx = await authenticate.user(request);
    const { id } = parseInput(IdParam, request.params);
    return credentials(request, await bots.update(ctx, id, parseInput(UpdateWebhookBotInput, request.body)));
  });
  app.post('/api/im/webhooks/:id/reset', async (request) => {
    const ctx = await authenticate.user(request);
    const { id } = parseInput(IdParam, request.params);
    return credentials(request, await bots.reset(ctx, id, parseInput(ResetWebhookBotInput, request.body).what));
  });
  app.delete('/api/im/webhooks/:id', async (request) => {
    const ctx = await authenticate.user(request);
    await bots.remove(ctx, parseInput(IdParam, request.params).id);
    return {};
  });

  // The hook reads its body as text, whatever the Content-Type (senders differ), and answers every
  // refusal in Feishu's custom-bot envelope `{code, msg, data}`.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scope.post('/open-apis/bot/v2/hook/:token', async (request, reply) => {
      try {
        await bots.receive({
          token: parseInput(TokenParam, request.params).token,
          body: typeof request.body === 'string' ? request.body : '',
          ...clientInfo(request),
        });
        return { code: 0, msg: 'success', data: {} };
      } catch (error) {
        if (!isAppError(error)) throw error;
        const retry = (error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
        if (error.openStatus === 429 && retry) reply.header('retry-after', String(retry));
        return reply.status(error.openStatus).send({ code: error.openCode, msg: error.message, data: {} });
      }
    });
  });
}
