import type { UserLookup } from '@kite/contact/contract';
import { type AppCallbacks, AppCallFailure, type AppCallFailureReason } from '@kite/events/contract';
import type { CardActionInput, CardActionResult, CardJson, MessageView } from '@kite/im/contract';
import { AppError, errors } from '@kite/kernel/errors';
import type { AppDirectory, AppRecord } from '@kite/openplatform/contract';
import type { Kysely } from 'kysely';
import { cardActionInvalid, resolveCardAction } from './card-actions.ts';
import { type CardClick, cardActionTriggerEvent, legacyCardCallback, readAppAnswer } from './card-callback-format.ts';
import type { DelayedCardUpdates } from './card-updates.ts';
import { withOwnCardViews } from './card-views.ts';
import type { EphemeralCards } from './ephemeral-cards.ts';
import { type ChatRow, type ImDb, type MessageRow, imRepository as repo } from './im-repository.ts';
import type { Ctx, ImService } from './im-service.ts';
import { assertMember, imErrors, partyOf } from './policy.ts';

/** Feishu gives a card callback 3 seconds before telling the person the app did not answer. */
export const CARD_CALLBACK_TIMEOUT_MS = 3_000;

const cardErrors = {
  sentByPerson: () =>
    new AppError('card_no_callback', 'This card was sent by a person, not an app, so it has nobody to call back', { status: 409 }),
  noHandler: () =>
    new AppError('card_no_handler', 'The app that sent this card takes no card callbacks (no card request URL, no events)', {
      status: 409,
    }),
  timeout: () => new AppError('card_callback_timeout', 'The app did not answer within 3 seconds', { status: 504 }),
  unreachable: () => new AppError('card_callback_unreachable', 'The app could not be reached', { status: 502 }),
  refused: () => new AppError('card_callback_failed', 'The app answered with an error', { status: 502 }),
  answerRefused: (reason: string) =>
    new AppError('card_answer_invalid', `The app answered with a card that cannot replace this one: ${reason}`, { status: 502 }),
};

/** What the clicker is told when the app gave no answer. */
const callFailures: Record<AppCallFailureReason, () => AppError> = {
  timeout: cardErrors.timeout,
  unreachable: cardErrors.unreachable,
  refused: cardErrors.refused,
};

export interface CardCallbackDeps {
  db: Kysely<ImDb>;
  im: Pick<ImService, 'edit' | 'viewOf'>;
  apps: Pick<AppDirectory, 'getApp'>;
  users: Pick<UserLookup, 'usersByIds'>;
  callbacks: AppCallbacks;
  /** Issues each click's `token`, with which the app may update the card later. */
  updates: Pick<DelayedCardUpdates, 'issueToken'>;
  /** Cards only the clicker sees: found, and replaced by the app's answer, there. */
  ephemeral?: Pick<EphemeralCards, 'forClick' | 'replace'>;
  timeoutMs?: number;
}

/**
 * A person used an element of a bot's card: check the click against the card (the forged-callback
 * guard), call the app that sent it — legacy v1 to its card request URL when it has one, else
 * `card.action.trigger` through its event subscription — and apply its answer: a new card replaces
 * the message's through the same path as the open API's `message.patch` (validation, realtime
 * `im.message.updated` for the whole chat) — or, on a non-shared card, the clicker's own view
 * (`im.card_view.updated` to them alone) —, a toast goes back to the clicker alone.
 */
export class CardCallbacks {
  constructor(private readonly deps: CardCallbackDeps) {}

  async act(ctx: Ctx, messageRef: string, input: CardActionInput): Promise<CardActionResult> {
    const { message, chat, ephemeral } = await this.cardMessage(ctx, messageRef);
    // The click is checked against the card as the clicker sees it (their own view of a non-shared card).
    const [seen] = await withOwnCardViews(this.deps.db, partyOf(ctx), [message]);
    const action = resolveCardAction(storedCard(seen!), input);
    const app = await this.deps.apps.getApp(message.sender_id);
    if (!app || app.tenantId !== ctx.tenantId || !this.takesCallbacks(app)) throw cardErrors.noHandler();
    const click: CardClick = {
      tenantKey: app.tenantKey,
      clicker: await this.clicker(ctx),
      openMessageId: message.message_id,
      openChatId: chat.chat_id,
      // Issued whatever the app answers: an app that cannot answer in 3 s updates the card later with it.
      token: await this.deps.updates.issueToken(ctx.tenantId, app.appId, message.id, partyOf(ctx).id),
      action,
    };
    const { card, toast } = readAppAnswer(await this.call(app, click));
    if (!card) return { toast, message: null };
    if (ephemeral) return { toast, message: await this.replaceEphemeral(app, ctx, message, card) };
    return { toast, message: await this.replaceCard(ctx, app, message, card) };
  }

  /**
   * The message and its chat, if it is a live card sent by an app in a chat the caller is in — or a
   * card only the caller sees there (`ephemeral`).
   */
  private async cardMessage(ctx: Ctx, messageRef: string): Promise<{ message: MessageRow; chat: ChatRow; ephemeral?: true }> {
    const party = partyOf(ctx);
    if (party.kind !== 'user') throw errors.forbidden('Only people use cards');
    const message = await repo.findMessage(this.deps.db, ctx.tenantId, messageRef);
    if (!message) {
      const own = await this.deps.ephemeral?.forClick(ctx, messageRef);
      if (own) return { ...own, ephemeral: true };
      throw imErrors.messageNotFound();
    }
    const standing = await repo.findChatAndMember(this.deps.db, ctx.tenantId, message.chat_id, party);
    if (!standing) throw imErrors.messageNotFound();
    assertMember(standing.chat, standing.member, 'message');
    if (message.recalled) throw imErrors.recalled();
    if (message.msg_type !== 'interactive') throw cardActionInvalid('This message is not a card');
    if (message.sender_kind !== 'app') throw cardErrors.sentByPerson();
    return { message, chat: standing.chat };
  }

  private async clicker(ctx: Ctx): Promise<CardClick['clicker']> {
    const [user] = await this.deps.users.usersByIds(ctx.tenantId, [partyOf(ctx).id]);
    if (!user) throw imErrors.userNotFound();
    return { openId: user.openId, userId: user.userId, unionId: user.unionId };
  }

  /** A card request URL, or events (an event URL or a long connection on this node). */
  private takesCallbacks(app: AppRecord): boolean {
    return Boolean(app.cardUrl) || this.deps.callbacks.receivesEvents(app);
  }

  /** Legacy v1 when the app has a card request URL, else v2 through its event subscription. */
  private async call(app: AppRecord, click: CardClick): Promise<unknown> {
    const { callbacks } = this.deps;
    const options = { timeoutMs: this.deps.timeoutMs ?? CARD_CALLBACK_TIMEOUT_MS };
    try {
      return app.cardUrl
        ? await callbacks.callCardUrl(app, legacyCardCallback(click), options)
        : await callbacks.callEvent(app, 'card.action.trigger', cardActionTriggerEvent(click), options);
    } catch (error) {
      if (error instanceof AppCallFailure) throw callFailures[error.reason]();
      throw error;
    }
  }

  /** The app's answer replaces a card only the clicker sees, for them (checked as the app's own card). */
  private async replaceEphemeral(app: AppRecord, ctx: Ctx, message: MessageRow, card: CardJson): Promise<MessageView> {
    const asApp: Ctx = { tenantId: ctx.tenantId, actor: { type: 'app', appId: app.appId, name: app.name }, scopes: app.scopes };
    try {
      return await this.deps.ephemeral!.replace(asApp, message.id, JSON.stringify(card));
    } catch (error) {
      if (error instanceof AppError) throw cardErrors.answerRefused(error.message);
      throw error;
    }
  }

  /**
   * The app replaces its card, as if it had called `message.patch` itself (a template card is
   * rendered from the app's template there): for everyone when the card and its replacement are
   * shared, else as the clicker's own view (card-views.ts); the clicker gets their view.
   */
  private async replaceCard(ctx: Ctx, app: AppRecord, message: MessageRow, card: CardJson): Promise<MessageView> {
    const asApp: Ctx = { tenantId: ctx.tenantId, actor: { type: 'app', appId: app.appId, name: app.name }, scopes: app.scopes };
    let row: MessageRow;
    try {
      row = await this.deps.im.edit(asApp, message.id, { content: JSON.stringify(card), card: true, viewers: [partyOf(ctx).id] });
    } catch (error) {
      if (error instanceof AppError) throw cardErrors.answerRefused(error.message);
      throw error;
    }
    return this.deps.im.viewOf(ctx, row);
  }
}

/** The stored card; content that is no JSON object (recalled, corrupt) has no actions. */
function storedCard(message: MessageRow): unknown {
  try {
    return JSON.parse(message.content);
  } catch {
    return null;
  }
}
