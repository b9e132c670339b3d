import { imEvents, MAX_PINS_PER_CHAT, type PinEventPayload, type PinView } from '@kite/im/contract';
import type { Clock } from '@kite/kernel/clock';
import { AppError } from '@kite/kernel/errors';
import type { CommandRunner, Emit } from '@kite/platform/outbox';
import type { Kysely, Transaction } from 'kysely';
import { type ChatRow, type ImDb, imRepository, type MemberRow, type MessageRow } from './im-repository.ts';
import type { Ctx, ImService } from './im-service.ts';
import { assertMember, assertNotSystem, assertScope, chatPermissions, imErrors, settingsOf } from './policy.ts';
import { type PartyInfo, partyKey, presentChatRef, presentParty } from './presenters.ts';
import { systemContent } from './system-messages.ts';
import { presentPin } from './urgent-pin-presenters.ts';
import { type PinCursor, pinRepository as repo } from './urgent-pin-repository.ts';
import type { PinRow, UrgentPinDb } from './urgent-pin-tables.ts';

export const pinErrors = {
  /** Feishu 230046 "No Permission to Pin/Unpin messages in the chat". */
  forbidden: (message: string) => new AppError('forbidden', message, { status: 403, openStatus: 400, openCode: 230_046 }),
  /** The group's `pinPolicy` leaves pins to its owner and admins (Feishu's `pin_manage_setting: only_owner`). */
  restricted: () =>
    new AppError('pin_not_allowed', 'Only the group’s owner and admins can pin and unpin messages in this chat', {
      status: 403,
      openStatus: 400,
      openCode: 230_046,
    }),
  /** Feishu documents no pin limit and no code for one: 230001 (invalid request) with a message that says which. */
  limitReached: () =>
    new AppError('pin_limit_reached', `This chat already has ${MAX_PINS_PER_CHAT} pinned messages; unpin one first`, {
      status: 409,
      openStatus: 400,
      openCode: 230_001,
    }),
};

export interface ImPinsDeps {
  db: Kysely<UrgentPinDb>;
  commands: CommandRunner;
  im: ImService;
  clock: Clock;
}

/** Members who may post may pin (a read-only member of an announcement group may not), unless the group leaves pins to its owner and admins. */
function assertMayPin(chat: ChatRow, member: MemberRow): void {
  const rights = chatPermissions(chat, member);
  if (!rights.post) throw pinErrors.forbidden('Only members who may post here can pin messages');
  if (!rights.pin) throw pinErrors.restricted();
}

/** Pins left to a group's owner and admins: nobody else unpins, not even what they pinned before. */
function pinsRestricted(chat: ChatRow, member: MemberRow): boolean {
  return chat.chat_type === 'group' && settingsOf(chat).pinPolicy === 'admins' && !chatPermissions(chat, member).manage;
}

/**
 * Whoever pinned a message may unpin it; so may a group's owner and admins, and either person of a
 * p2p chat — unless the group leaves pins to its owner and admins.
 */
function mayUnpin(chat: ChatRow, member: MemberRow, pin: PinRow): boolean {
  if (chat.chat_type === 'p2p') return true;
  if (pinsRestricted(chat, member)) return false;
  if (pin.operator_kind === member.member_kind && pin.operator_id === member.member_id) return true;
  return chatPermissions(chat, member).manage;
}

/**
 * Pinned messages of a chat: members pin what matters, everyone in the chat sees the list
 * (`im.pin.created|deleted` on the chat topic). At most {@link MAX_PINS_PER_CHAT} per chat; a recall
 * removes the pin.
 */
export class ImPins {
  constructor(private readonly deps: ImPinsDeps) {}

  /** Pins a message of the caller's chat; pinning it again answers the existing pin (Feishu does too). */
  async pin(ctx: Ctx, messageRef: string): Promise<{ chat: ChatRow; row: PinRow; view: PinView }> {
    assertScope(ctx, 'im:message');
    const { message, chat, member, party } = await this.deps.im.messageStanding(ctx, messageRef);
    assertNotSystem(message);
    if (message.recalled) throw imErrors.recalled();
    assertMayPin(chat, member);
    const operator = await this.deps.im.party(ctx.tenantId, party);
    const row = await this.deps.commands.run(ctx, async (transaction, emit) => {
      const trx = transaction as unknown as Transaction<UrgentPinDb>;
      const imTrx = transaction as unknown as Transaction<ImDb>;
      // The chat lock serialises pins, so two at once cannot both take the last place.
      const locked = await imRepository.lockChat(imTrx, ctx.tenantId, chat.id);
      if (!locked || locked.dissolved) throw imErrors.chatDissolved();
      if ((await imRepository.findMessage(imTrx, ctx.tenantId, message.id))?.recalled) throw imErrors.recalled();
      const existing = await repo.find(trx, message.id);
      if (existing) return existing;
      if ((await repo.count(trx, chat.id)) >= MAX_PINS_PER_CHAT) throw pinErrors.limitReached();
      const row: PinRow = {
        message_id: message.id,
        tenant_id: ctx.tenantId,
        chat_id: chat.id,
        operator_kind: party.kind,
        operator_id: party.id,
        created_at: this.deps.clock.now(),
      };
      await repo.insert(trx, row);
      await emit({
        type: imEvents.pinCreated,
        subjectType: 'message',
        subjectId: message.id,
        payload: await this.payload(imTrx, locked, message, operator, row.created_at),
      });
      await this.timelineLine(imTrx, emit, locked, 'message_pinned', message, operator);
      return row;
    });
    const [view] = await this.present(ctx, chat, member, [row]);
    return { chat, row, view: view! };
  }

  /** Unpins a message; a message that is not pinned is a no-op (Feishu answers success too). */
  async unpin(ctx: Ctx, messageRef: string): Promise<void> {
    assertScope(ctx, 'im:message');
    const { message, chat, member, party } = await this.deps.im.messageStanding(ctx, messageRef);
    const pin = await repo.find(this.deps.db, message.id);
    if (!pin) return;
    if (pinsRestricted(chat, member)) throw pinErrors.restricted();
    if (!mayUnpin(chat, member, pin))
      throw pinErrors.forbidden('Only whoever pinned it, or the group’s owner and admins, can unpin this message');
    const operator = await this.deps.im.party(ctx.tenantId, party);
    await this.deps.commands.run(ctx, async (transaction, emit) => {
      const imTrx = transaction as unknown as Transaction<ImDb>;
      // Locked like a pin: the line below takes the chat's next seq.
      const locked = await imRepository.lockChat(imTrx, ctx.tenantId, chat.id);
      if (!locked || locked.dissolved) throw imErrors.chatDissolved();
      const removed = await repo.delete(transaction as unknown as Transaction<UrgentPinDb>, message.id);
      if (!removed) return;
      await emit({
        type: imEvents.pinDeleted,
        subjectType: 'message',
        subjectId: message.id,
        payload: await this.payload(imTrx, locked, message, operator, this.deps.clock.now()),
      });
      await this.timelineLine(imTrx, emit, locked, 'message_unpinned', message, operator);
    });
  }

  /** Every pin of a chat, newest first, with the messages and whether the caller may unpin each. */
  async list(ctx: Ctx, chatRef: string): Promise<{ items: PinView[] }> {
    const { chat, member } = await this.deps.im.standing(ctx, chatRef);
    assertMember(chat, member, 'message');
    return { items: await this.present(ctx, chat, member, await repo.list(this.deps.db, chat.id, { limit: MAX_PINS_PER_CHAT })) };
  }

  private async present(ctx: Ctx, chat: ChatRow, member: MemberRow, rows: readonly PinRow[]): Promise<PinView[]> {
    const { messages, parties } = await this.details(ctx, rows);
    return rows.flatMap((row) => {
      const message = messages.get(row.message_id);
      return message ? [presentPin(row, message, parties, mayUnpin(chat, member, row))] : [];
    });
  }

  /** Open API: a page of a chat's pins by time, keyset on (time, message). */
  async page(ctx: Ctx, chatRef: string, query: { start?: Date; end?: Date; after?: PinCursor; limit: number }) {
    assertScope(ctx, 'im:message');
    const { chat, member } = await this.deps.im.standing(ctx, chatRef);
    assertMember(chat, member, 'message');
    const rows = await repo.list(this.deps.db, chat.id, { ...query, limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    return { chat, rows: page, hasMore: rows.length > query.limit, ...(await this.details(ctx, page)) };
  }

  /** The public ids and operators a pin is presented with. */
  async details(ctx: Ctx, rows: readonly PinRow[]) {
    const found = await imRepository.findMessagesByIds(
      this.deps.db as never,
      rows.map((row) => row.message_id),
    );
    const views = await this.deps.im.messageEventViews(ctx.tenantId, found);
    const parties = await this.deps.im.parties(
      ctx.tenantId,
      rows.map((row) => ({ kind: row.operator_kind, id: row.operator_id })),
    );
    return { messages: new Map(views.map((view) => [view.id, view])), parties };
  }

  /** "X pinned a message" / "X unpinned a message" in the timeline, linking to it (Feishu shows the same lines). */
  private async timelineLine(
    trx: Transaction<ImDb>,
    emit: Emit,
    chat: ChatRow,
    template: 'message_pinned' | 'message_unpinned',
    message: MessageRow,
    operator: PartyInfo,
  ): Promise<void> {
    const line = systemContent(template, { operator: { kind: operator.type, id: operator.id }, messageId: message.message_id });
    await this.deps.im.systemMessage(trx, emit, chat, line, new Map([[partyKey(operator.type, operator.id), operator]]));
  }

  private async payload(
    trx: Transaction<ImDb>,
    chat: ChatRow,
    message: MessageRow,
    operator: PartyInfo,
    at: Date,
  ): Promise<PinEventPayload> {
    return {
      chatId: chat.id,
      chat: presentChatRef(chat, await this.deps.im.appIdsOf(trx, chat.id)),
      messageId: message.id,
      openMessageId: message.message_id,
      operator: presentParty(operator),
      actionTime: at.toISOString(),
    };
  }
}
