import type { CreateWebhookBotInput, UpdateWebhookBotInput, WebhookBotCredentials, WebhookBotView } from '@kite/im/contract';
import { api } from '@kite/ui/api-client';
import { useQuery } from '@tanstack/react-query';

/** Starts with `im` like every messenger key, so a realtime reset refetches it too. */
export const webhookQueryKey = (chatId: string) => ['im', 'webhooks', chatId] as const;

const botPath = (id: string) => `/api/im/webhooks/${encodeURIComponent(id)}`;

export function fetchWebhookBots(chatId: string): Promise<{ items: WebhookBotView[] }> {
  return api.get(`/api/im/chats/${encodeURIComponent(chatId)}/webhooks`);
}

export function createWebhookBot(chatId: string, input: CreateWebhookBotInput): Promise<WebhookBotCredentials> {
  return api.post(`/api/im/chats/${encodeURIComponent(chatId)}/webhooks`, input);
}

export function updateWebhookBot(id: string, patch: UpdateWebhookBotInput): Promise<WebhookBotCredentials> {
  return api.patch(botPath(id), patch);
}

export function resetWebhookBot(id: string, what: 'url' | 'secret'): Promise<WebhookBotCredentials> {
  return api.post(`${botPath(id)}/reset`, { what });
}

export function removeWebhookBot(id: string): Promise<unknown> {
  return api.delete(botPath(id));
}

/** A chat's custom bots; `im.webhook.*` events make it stale (im-realtime.ts). */
export function useWebhookBots(chatId: string) {
  return useQuery({ queryKey: webhookQueryKey(chatId), queryFn: () => fetchWebhookBots(chatId), select: (answer) => answer.items });
}
