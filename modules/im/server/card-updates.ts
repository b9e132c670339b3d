import { createHash } from 'node:crypto';
import type { UserLookup } from '@kite/contact/contract';
import type { Clock } from '@kite/kernel/clock';
import { AppError, errors } from '@kite/kernel/errors';
import { randomHex } from '@kite/kernel/ids';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { cardTokenRepository as tokens } from './card-token-repository.ts';
import type { EphemeralCards } from './ephemeral-cards.ts';
import type { EphemeralRow } from './ephemeral-repository.ts';
import { type ImDb, imRepository as repo } from './im-repository.ts';
import type { Ctx, ImService } from './im-service.ts';
import { imErrors } from './policy.ts';

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
  notInChat: (openIds: readonly string[]) =>
    tokenRefused(
      'card_update_open_ids_invalid',
      `open_ids: ${openIds.slice(0, 10).join(', ')}${openIds.length > 10 ? ` and ${openIds.length - 10} more` : ''} ` +
        'did not receive this card (unknown, or not in its chat); nothing was updated',
    ),
};

/** People one delayed update may name (Feishu gives no limit; a chat's people are far fewer). */
const MAX_OPEN_IDS = 1000;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The card without Feishu's `open_ids` (the people whose view of a non-shared card to update), and
 * those open ids, or null when the app named nobody.
 */
function splitOpenIds(card: Record<string, unknown>): { card: Record<string, unknown>; openIds: string[] | null } {
  const { open_ids: openIds, ...rest } = card;
  if (openIds === undefined || openIds === null) return { card: rest, openIds: null };
  if (!Array.isArray(openIds) || openIds.some((id) => typeof id !== 'string' || id.length === 0 || id.length > 64))
    throw errors.validation('open_ids must be a list of open ids');
  if (openIds.length > MAX_OPEN_IDS) throw errors.validation(`open_ids may name at most ${MAX_OPEN_IDS} people`);
  return { card: rest, openIds: openIds.length > 0 ? [...new Set(openIds as string[])] : null };
}

export interface DelayedCardUpdateDeps {
  db: Kysely<ImDb>;
  im: Pick<ImService, 'edit'>;
  /** Cards only one person sees: a click on one gives a token too, and the update replaces it for that person. */
  ephemeral?: Pick<EphemeralCards, 'find' | 'updateByToken'>;
  /** Resolves `open_ids` to people. */
  users: Pick<UserLookup, 'usersByPublicIds'>;
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
   * API's `message.patch` (the same checks). A shared card (before and after) changes for everyone
   * (`im.message.updated` to the whole chat live); a non-shared one becomes the own view of the
   * people in `open_ids`, or of the clicker when it names nobody (Feishu's 独享卡片). A card only one
   * person sees is replaced for that person (`im.ephemeral.updated` to them alone; `open_ids` may name
   * only them). A refused card gives its use back.
   * @throws AppError `card_token_invalid` (unknown, another app's or another tenant's),
   *   `card_token_expired`, `card_token_used_up`, `card_update_open_ids_invalid`, and whatever
   *   `message.patch` refuses (recalled 230011, not in the chat, content 230001/230025/230099)
   */
  async update(ctx: Ctx, input: CardUpdateInput): Promise<void> {
    if (ctx.actor.type !== 'app') throw updateErrors.invalid();
    const { card, openIds } = splitOpenIds(input.card);
    const tokenHash = hashToken(input.token);
    const row = await tokens.find(this.deps.db, tokenHash);
    if (!row || row.app_id !== ctx.actor.appId || row.tenant_id !== ctx.tenantId) throw updateErrors.invalid();
    const now = this.deps.clock.now();
    if (row.expires_at <= now) throw updateErrors.expired();
    const ephemeral = await this.deps.ephemeral?.find(ctx.tenantId, row.message_id);
    let viewers = [row.user_id];
    if (ephemeral) await this.assertOnlyItsPerson(ctx.tenantId, ephemeral, openIds);
    else if (openIds) viewers = await this.peopleOfCard(ctx.tenantId, row.message_id, openIds);
    if (!(await tokens.takeUse(this.deps.db, tokenHash, CARD_TOKEN_MAX_USES, now))) {
      throw row.expires_at <= this.deps.clock.now() ? updateErrors.expired() : updateErrors.usedUp();
    }
    try {
      if (ephemeral) await this.deps.ephemeral!.updateByToken(ctx, ephemeral.id, JSON.stringify(card));
      else await this.deps.im.edit(ctx, row.message_id, { content: JSON.stringify(card), card: true, viewers });
    } catch (error) {
      await tokens.returnUse(this.deps.db, tokenHash);
      throw error;
    }
  }

  /**
   * A card only one person sees reaches that person alone: `open_ids`, when given, may name nobody else.
   * @throws AppError `card_update_open_ids_invalid` naming the others
   */
  private async assertOnlyItsPerson(tenantId: string, card: EphemeralRow, openIds: readonly string[] | null): Promise<void> {
    if (!openIds) return;
    const people = await this.deps.users.usersByPublicIds(tenantId, 'open_id', openIds);
    const itsOpenIds = new Set(people.filter((person) => person.id === card.user_id).map((person) => person.openId));
    const strangers = openIds.filter((openId) => !itsOpenIds.has(openId));
    if (strangers.length > 0) throw updateErrors.notInChat(strangers);
  }

  /**
   * The people `open_ids` name, each of whom received the card: a person in its chat. Checked on
   * shared cards too, where the update then reaches everyone.
   * @throws AppError `card_update_open_ids_invalid` naming the open ids that are not
   */
  private async peopleOfCard(tenantId: string, messageId: string, openIds: readonly string[]): Promise<string[]> {
    const message = await repo.findMessage(this.deps.db, tenantId, messageId);
    if (!message) throw imErrors.messageNotFound();
    const people = await this.deps.users.usersByPublicIds(tenantId, 'open_id', openIds);
    const members = await repo.findMembers(
      this.deps.db,
      message.chat_id,
      'user',
      people.map((person) => person.id),
    );
    const inChat = new Set(members.map((member) => member.member_id));
    const received = people.filter((person) => inChat.has(person.id));
    const receivedOpenIds = new Set(received.map((person) => person.openId));
    const strangers = openIds.filter((openId) => !receivedOpenIds.has(openId));
    if (strangers.length > 0) throw updateErrors.notInChat(strangers);
    return received.map((person) => person.id);
  }
}
