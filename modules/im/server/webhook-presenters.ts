import type { UserRef, WebhookBotEventView, WebhookBotView } from '@kite/im/contract';
import { BOT_AVATAR_COLOR, type PartyInfo } from './presenters.ts';
import type { WebhookBotRow } from './webhook-tables.ts';

/** A custom bot as a message sender: a name, the bots' colour, no open or union id. */
export function presentWebhookParty(bot: WebhookBotRow): PartyInfo {
  return { type: 'webhook', id: bot.id, openId: '', unionId: '', userId: '', name: bot.name, avatarColor: BOT_AVATAR_COLOR };
}

export function presentWebhookBotEvent(bot: WebhookBotRow): WebhookBotEventView {
  return {
    id: bot.id,
    chatId: bot.chat_id,
    name: bot.name,
    description: bot.description,
    tokenHint: bot.token_hint,
    signed: bot.secret !== null,
    keywords: bot.keywords,
    ipAllowlist: bot.ip_allowlist,
    createdById: bot.created_by,
    createdAt: bot.created_at.toISOString(),
    updatedAt: bot.updated_at.toISOString(),
  };
}

export function presentWebhookBot(bot: WebhookBotRow, createdBy: UserRef | null, canManage: boolean): WebhookBotView {
  const { createdById: _createdById, ...view } = presentWebhookBotEvent(bot);
  return { ...view, createdBy, canManage };
}
