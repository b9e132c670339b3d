import { createHash } from 'node:crypto';
import type { Clock } from '@kite/kernel/clock';
import { AppError, errors } from '@kite/kernel/errors';
import { randomHex } from '@kite/kernel/ids';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { cardTokenRepository as tokens } from './card-token-repository.ts';
import type { ImDb } from './im-repository.ts';
import type { Ctx, ImService } from './im-service.ts';

/**
 * Feishu's delayed card update (延时更新消息卡片, `POST /open-apis/interactive/v1/card/update`):
 * every card click gives the app a `token`; with it, and its tenant token, the app replaces the
 * clicked card later — when its work takes longer than the callback's 3 seconds.
 *
 * Tokens are stored, not signed: Feishu allows two updates per token, and counting uses needs a row
 * per token anyway (a signed token could be replayed at will). The row keeps only the token's
 * sha256, bound to the app the callback went to, the card's message and the clicker.
 */

/** How long after the click the app may update the card (Feishu: 30 minutes). */
export const CARD_TOKEN_LIFETIME_MS = 30 * 60_000;
/** Updates one token allows (Feishu: 2). */
export const CARD_TOKEN_MAX_USES = 2;

/** `POST /open-apis/interactive/v1/card/update`. */
export const CardUpdateInput = z.object({
  token: z.string().min(1).max(200),
  /** The new card (raw JSON or a template card), plus Feishu's optional `open_ids`. */
  card: z.record(z.string(), z.unknown()),
});
export type CardUpdateInput = z.infer<typeof CardUpdateInput>;

/** Token refusals share Feishu's "invalid request parameter" code; the message and `details.reason` say which. */
function tokenRefused(reason: string, message: string): AppError {
  return new AppError(reason, message, { status: 400, openCode: 230_001, details: { reason } });
}

const updateErrors = {
  invalid: () => tokenRefused('card_token_invalid', 'The card token is invalid: no card click gave this app this token'),
  expired: () =>
    tokenRefused('card_token_expired', 'The card token has expired: a card can be updated with it for 30 minutes after the click'),
  usedUp: () =>
    tokenRefused('card_token_used_up', `The card token has been used ${CARD_TOKEN_MAX_USES} times, as many updates as one click allows`),
  perUser: () =>
    new AppError(
      'card_update_per_user_unsupported',
      'open_ids: Kite shows every card the same to everyone in its chat, so it cannot update it for some people only. ' +
        'Declare the card shared ("config": {"update_multi": true}) and leave open_ids out',
      { status: 400, openCode: 99_992_402 },
    ),
};

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Whether a card is shared (one copy for everyone): JSON 1.0 says so in `config.update_multi`; JSON 2.0 cards always are. */
function isSharedCard(card: Record<string, unknown>): boolean {
  const config = card.config as { update_multi?: unknown } | undefined;
  return card.schema === '2.0' || config?.update_multi === true;
}

/**
 * The card to show everyone, without Feishu's `open_ids` (the people to update): on a shared card
 * Feishu ignores them, and a card for some people only is what Kite cannot show.
 */
function sharedCard(card: Record<string, unknown>): Record<string, unknown> {
  const { open_ids: openIds, ...rest } = card;
  if (openIds === undefined || openIds === null) return rest;
  if (!Array.isArray(openIds) || openIds.some((id) => typeof id !== 'string'))
    throw errors.validation('open_ids must be a list of open ids');
  if (openIds.length > 0 && !isSharedCard(rest)) throw updateErrors.perUser();
  return rest;
}

export interface DelayedCardUpdateDeps {
  db: Kysely<ImDb>;
  im: Pick<ImService, 'edit'>;
  clock: Clock;
}

/** Issues click tokens and applies the updates apps make with them. */
export class DelayedCardUpdates {
  constructor(private readonly deps: DelayedCardUpdateDeps) {}

  /** A fresh `c-…` token for a click on `messageId` by `userId`, usable by `appId` only. */
  async issueToken(tenantId: string, appId: string, messageId: string, userId: string): Promise<string> {
    const token = `c-${randomHex(16)}`;
    const now = this.deps.clock.now();
    await tokens.insert(this.deps.db, {
      token_hash: hashToken(token),
      tenant_id: tenantId,
      app_id: appId,
      message_id: messageId,
      user_id: userId,
      created_at: now,
      expires_at: new Date(now.getTime() + CARD_TOKEN_LIFETIME_MS),
    });
    return token;
  }

  /**
   * Replaces the card a token's click was on, as the app that got the token — the path of the open
   * API's `message.patch` (the same checks, `im.message.updated` to the whole chat live). A refused
   * card gives its use back.
   * @throws AppError `card_token_invalid` (unknown, another app's or another tenant's),
   *   `card_token_expired`, `card_token_used_up`, `card_update_per_user_unsupported`, and whatever
   *   `message.patch` refuses (recalled 230011, not in the chat, content 230001/230025/230099)
   */
  async update(ctx: Ctx, input: CardUpdateInput): Promise<void> {
    if (ctx.actor.type !== 'app') throw updateErrors.invalid();
    const card = sharedCard(input.card);
    const tokenHash = hashToken(input.token);
    const row = await tokens.find(this.deps.db, tokenHash);
    if (!row || row.app_id !== ctx.actor.appId || row.tenant_id !== ctx.tenantId) throw updateErrors.invalid();
    const now = this.deps.clock.now();
    if (row.expires_at <= now) throw updateErrors.expired();
    if (!(await tokens.takeUse(this.deps.db, tokenHash, CARD_TOKEN_MAX_USES, now))) {
      throw row.expires_at <= this.deps.clock.now() ? updateErrors.expired() : updateErrors.usedUp();
    }
    try {
      await this.deps.im.edit(ctx, row.message_id, { content: JSON.stringify(card), card: true });
    } catch (error) {
      await tokens.returnUse(this.deps.db, tokenHash);
      throw error;
    }
  }
}
