import { type EphemeralEventPayload, imEvents, type MessageView } from '@kite/im/contract';
import type { Clock } from '@kite/kernel/clock';
import { AppError, errors } from '@kite/kernel/errors';
import { newId, publicId } from '@kite/kernel/ids';
import type { CommandRunner, Emit } from '@kite/platform/outbox';
import type { Kysely, Transaction } from 'kysely';
import { asMessageRow, type EphemeralRow, ephemeralRepository as ephemerals, ephemeralView } from './ephemeral-repository.ts';
import { type ChatRow, type ImDb, type MessageRow, imRepository as repo } from './im-repository.ts';
import type { Ctx, ImService } from './im-service.ts';
import { assertMember, assertScope, imErrors, partyOf } from './policy.ts';

/**
 * Cards only one person sees (Feishu's 仅特定人可见的消息卡片): an app in a group sends a card to one
 * member, who alone sees it — live on their own connections, in their history after the message that
 * was last when it came, labelled "Only visible to you" — and may click it like any card; the app
 * deletes it when done. They live in `im_ephemeral_message`, not in the chat's timeline: no seq, no
 * unread, no search, no notification, no event to other members or apps.
 */

export const ephemeralErrors = {
  /** Feishu answers ids, types and chats it does not take with 230001 (invalid request). */
  notGroup: () =>
    new AppError('ephemeral_not_group', 'Cards for one person are sent to group chats only', { status: 400, openCode: 230_001 }),
  notMember: () => new AppError('ephemeral_user_not_member', 'The person is not a member of this chat', { status: 400, openCode: 230_001 }),
  appsOnly: () => errors.forbidden('Only apps send and delete cards for one person'),
  notSender: () =>
    new AppError('forbidden', 'Only the app that sent this card deletes it', { status: 403, openStatus: 400, openCode: 230_027 }),
};

export interface EphemeralCardsDeps {
  db: Kysely<ImDb>;
  commands: CommandRunner;
  im: Pick<ImService, 'renderAppCard' | 'messageViews'>;
  clock: Clock;
}

export class EphemeralCards {
  constructor(private readonly deps: EphemeralCardsDeps) {}

  /**
   * Sends `content` (a card) from the calling app to `userId` in a group both are in. Everything is
   * checked before anything is stored: the card as any card message, the bot's and the person's
   * membership.
   */
  async send(ctx: Ctx, input: { chatRef: string; userId: string; content: string }): Promise<{ messageId: string }> {
    assertScope(ctx, 'im:message', 'im:message:send_as_bot');
    const app = partyOf(ctx);
    if (app.kind !== 'app') throw ephemeralErrors.appsOnly();
    const content = await this.deps.im.renderAppCard(ctx, input.content);
    const standing = await repo.findChatAndMember(this.deps.db, ctx.tenantId, input.chatRef, app);
    if (!standing) throw imErrors.chatNotFound();
    assertMember(standing.chat, standing.member, 'message');
    if (standing.chat.chat_type !== 'group') throw ephemeralErrors.notGroup();
    const now = this.deps.clock.now();
    const draft: EphemeralRow = {
      id: newId(),
      tenant_id: ctx.tenantId,
      chat_id: standing.chat.id,
      message_id: publicId.messageId(),
      app_id: app.id,
      user_id: input.userId,
      after_seq: Number(standing.chat.last_seq),
      content,
      created_at: now,
      updated_at: now,
    };
    // The view is read before the transaction opens (names come from the directory); its place is set under the lock.
    const [view] = await this.views(ctx, [draft]);
    await this.deps.commands.run(ctx, async (db, emit) => {
      const trx = db as unknown as Transaction<ImDb>;
      const chat = await repo.lockChat(trx, ctx.tenantId, standing.chat.id);
      if (!chat) throw imErrors.chatNotFound();
      await this.assertPersonIn(trx, chat, input.userId);
      const row = { ...draft, after_seq: Number(chat.last_seq) };
      await ephemerals.insert(trx, row);
      await this.emit(emit, imEvents.ephemeralCreated, row, { ...view!, seq: row.after_seq });
    });
    return { messageId: draft.message_id };
  }

  /** Deletes a card the calling app sent; it leaves no trace on the person's devices. */
  async delete(ctx: Ctx, messageRef: string): Promise<void> {
    assertScope(ctx, 'im:message', 'im:message:send_as_bot', 'im:message:update');
    const app = partyOf(ctx);
    if (app.kind !== 'app') throw ephemeralErrors.appsOnly();
    const row = await ephemerals.find(this.deps.db, ctx.tenantId, messageRef);
    if (!row) throw imErrors.messageNotFound();
    if (row.app_id !== app.id) throw ephemeralErrors.notSender();
    const standing = await repo.findChatAndMember(this.deps.db, ctx.tenantId, row.chat_id, app);
    if (!standing) throw imErrors.messageNotFound();
    assertMember(standing.chat, standing.member, 'message');
    await this.deps.commands.run(ctx, async (db, emit) => {
      await ephemerals.delete(db as unknown as Transaction<ImDb>, row.id);
      await this.emit(emit, imEvents.ephemeralDeleted, row);
    });
  }

  /**
   * The card a person clicks, as a message row (sender: its app) with its chat, when `messageRef`
   * names a card for them in a chat they are still in; undefined when it names no such card.
   */
  async forClick(ctx: Ctx, messageRef: string): Promise<{ message: MessageRow; chat: ChatRow } | undefined> {
    const viewer = partyOf(ctx);
    const row = await ephemerals.find(this.deps.db, ctx.tenantId, messageRef);
    if (!row || row.user_id !== viewer.id) return undefined;
    const standing = await repo.findChatAndMember(this.deps.db, ctx.tenantId, row.chat_id, viewer);
    if (!standing) return undefined;
    assertMember(standing.chat, standing.member, 'message');
    return { message: asMessageRow(row), chat: standing.chat };
  }

  /**
   * The app answered a click on its card with a new card: it replaces the card for its person alone
   * (there is nobody else who sees it), checked as the app's own card updates are.
   */
  async replace(ctx: Ctx, messageId: string, content: string): Promise<MessageView> {
    const rendered = await this.deps.im.renderAppCard(ctx, content);
    const row = await ephemerals.find(this.deps.db, ctx.tenantId, messageId);
    if (!row) throw imErrors.messageNotFound();
    const updated = { ...row, content: rendered, updated_at: this.deps.clock.now() };
    const [view] = await this.views(ctx, [updated]);
    await this.deps.commands.run(ctx, async (db, emit) => {
      // Deleted meanwhile (by its app, or its person left the chat): nothing to replace.
      if (!(await ephemerals.updateContent(db as unknown as Transaction<ImDb>, row.id, rendered, updated.updated_at))) {
        throw imErrors.messageNotFound();
      }
      await this.emit(emit, imEvents.ephemeralUpdated, updated, view);
    });
    return view!;
  }

  /** A card for one person by its `om_…` or id, as the delayed update's token names it; undefined when none. */
  find(tenantId: string, messageRef: string): Promise<EphemeralRow | undefined> {
    return ephemerals.find(this.deps.db, tenantId, messageRef);
  }

  /**
   * A delayed update (`interactive/v1/card/update`) with the token of a click on a card for one
   * person: the app that sent it replaces it for that person, as `message.patch` would a card of
   * its own — its bot still in the chat, the card checked as any card. A card that is gone (deleted,
   * or its person left the chat) is not found.
   */
  async updateByToken(ctx: Ctx, messageId: string, content: string): Promise<MessageView> {
    const app = partyOf(ctx);
    const row = await ephemerals.find(this.deps.db, ctx.tenantId, messageId);
    if (!row || app.kind !== 'app' || row.app_id !== app.id) throw imErrors.messageNotFound();
    const standing = await repo.findChatAndMember(this.deps.db, ctx.tenantId, row.chat_id, app);
    if (!standing) throw imErrors.messageNotFound();
    assertMember(standing.chat, standing.member, 'message');
    return this.replace(ctx, row.id, content);
  }

  /** The cards as MessageViews (what the person's web shows), marked `ephemeral`; never unread. */
  async views(ctx: Ctx, rows: readonly EphemeralRow[]): Promise<MessageView[]> {
    return (await this.deps.im.messageViews(ctx, rows.map(asMessageRow))).map(ephemeralView);
  }

  private async assertPersonIn(db: Transaction<ImDb>, chat: ChatRow, userId: string): Promise<void> {
    const standing = await repo.findChatAndMember(db, chat.tenant_id, chat.id, { kind: 'user', id: userId });
    if (!standing?.member) throw ephemeralErrors.notMember();
  }

  private async emit(emit: Emit, type: string, row: EphemeralRow, message?: MessageView): Promise<void> {
    const payload: EphemeralEventPayload = { chatId: row.chat_id, userId: row.user_id, messageId: row.id, ...(message ? { message } : {}) };
    await emit({ type, subjectType: 'message', subjectId: row.id, payload });
  }
}
