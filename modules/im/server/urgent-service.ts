import {
  imEvents,
  MAX_PENDING_BUZZES,
  type UrgentAlertView,
  type UrgentEventPayload,
  type UrgentStatusView,
  type UrgentSummary,
} from '@kite/im/contract';
import type { Clock } from '@kite/kernel/clock';
import { AppError, errors } from '@kite/kernel/errors';
import type { CommandRunner, Emit } from '@kite/platform/outbox';
import type { Kysely, Transaction } from 'kysely';
import { type ChatRow, type ImDb, imRepository, type MemberRow, type MessageRow, type Party } from './im-repository.ts';
import type { Ctx, ImService } from './im-service.ts';
import { assertMember, assertNotSystem, assertScope, chatPermissions, imErrors, partyOf } from './policy.ts';
import { type PartyInfo, partyKey, presentChatRef, presentParty } from './presenters.ts';
import { presentUrgentAlert, presentUrgentStatus } from './urgent-pin-presenters.ts';
import { urgentRepository as repo } from './urgent-pin-repository.ts';
import type { UrgentPinDb } from './urgent-pin-tables.ts';

/** Buzzed messages a chat's markers cover (the newest buzzed first). */
const SUMMARIES_PER_CHAT = 200;

export const urgentErrors = {
  /** Feishu 230012 "Bot is NOT the sender of the message": the open API buzzes the caller's own messages only. */
  notSender: () =>
    new AppError('not_message_sender', 'Only the sender of a message can buzz it', { status: 403, openStatus: 400, openCode: 230_012 }),
  notAllowed: () => imErrors.forbidden('message', 'Only the sender, or the group’s owner and admins, can buzz a message'),
  /** The group's `buzzPolicy` leaves buzzing to its owner and admins (Feishu's `urgent_setting: only_owner`). */
  restricted: () =>
    new AppError('buzz_not_allowed', 'Only the group’s owner and admins can buzz messages in this chat', {
      status: 403,
      openStatus: 400,
      openCode: 230_027,
    }),
  invalidRecipients: (userIds: string[]) =>
    new AppError(
      'invalid_recipients',
      `These people cannot be buzzed here (not in the chat, the sender, or yourself): ${userIds.join(', ')}`,
      {
        status: 400,
        openCode: 230_001,
        details: { userIds },
      },
    ),
  /** Feishu 230023: a person holds at most 200 unacknowledged buzzes. */
  tooManyPending: (userIds: string[]) =>
    new AppError(
      'too_many_pending_buzzes',
      `These people already have ${MAX_PENDING_BUZZES} unacknowledged buzzes: ${userIds.join(', ')}`,
      {
        status: 409,
        openStatus: 400,
        openCode: 230_023,
        details: { userIds },
      },
    ),
  noBuzz: () => new AppError('not_found', 'You have no buzz about this message', { status: 404, openStatus: 400, openCode: 231_003 }),
  /**
   * `urgent_sms` / `urgent_phone`: Kite sends neither texts nor calls, so its quota for them is zero.
   * Feishu answers an exhausted quota with 230024 "Reach the upper limit of urgent message", which
   * clients already treat as final and fall back on `urgent_app`.
   */
  channelUnavailable: (channel: 'sms' | 'phone') =>
    new AppError(
      'urgent_channel_unavailable',
      `Kite has no ${channel === 'sms' ? 'SMS' : 'phone'} gateway, so buzzing by ${channel === 'sms' ? 'SMS' : 'phone'} is not available (quota 0); use urgent_app`,
      { status: 400, openCode: 230_024 },
    ),
};

export interface ImUrgentDeps {
  db: Kysely<UrgentPinDb>;
  commands: CommandRunner;
  im: ImService;
  clock: Clock;
}

/** Whether `party` sent the message. */
function isSender(message: MessageRow, party: Party): boolean {
  return party.kind === message.sender_kind && party.id === message.sender_id;
}

/**
 * The sender may buzz their message unless the group leaves buzzing to its owner and admins
 * (`buzzPolicy`); the owner and admins may buzz any message of the group (web only: the open API,
 * like Feishu, lets a bot or user token buzz its own messages only).
 */
function assertMayBuzz(message: MessageRow, chat: ChatRow, member: MemberRow, party: Party, senderOnly: boolean): void {
  const rights = chatPermissions(chat, member);
  const own = isSender(message, party);
  if (own && rights.buzz) return;
  if (!senderOnly && rights.manage) return;
  if (own) throw urgentErrors.restricted();
  throw senderOnly ? urgentErrors.notSender() : urgentErrors.notAllowed();
}

/** Who follows a message's buzzes (who acknowledged): its sender and the group's owner and admins. */
function assertMayWatch(message: MessageRow, chat: ChatRow, member: MemberRow, party: Party): void {
  if (!isSender(message, party) && !chatPermissions(chat, member).manage) throw urgentErrors.notAllowed();
}

/**
 * Urgent buzz: the sender (or a group's owner or admin) escalates a message to people in its chat;
 * each keeps an alert until they acknowledge it, and the sender sees who has. Alerts and progress
 * travel on the user topics of the people concerned (`im.urgent.*`); a recall deletes them.
 */
export class ImUrgent {
  constructor(private readonly deps: ImUrgentDeps) {}

  /**
   * Buzzes `userIds` (user ids) about a message. People pending already are not buzzed twice;
   * people who acknowledged are buzzed again. Who cannot be buzzed — not in the chat, the sender,
   * the caller, unknown — is `invalid`; with `strict` that refuses the whole request.
   */
  async buzz(
    ctx: Ctx,
    messageRef: string,
    userIds: readonly string[],
    options: { senderOnly: boolean; strict: boolean },
  ): Promise<{ status: UrgentStatusView; invalid: string[] }> {
    assertScope(ctx, 'im:message');
    const { im, clock } = this.deps;
    const { message, chat, member, party } = await im.messageStanding(ctx, messageRef);
    assertNotSystem(message);
    if (message.recalled) throw imErrors.recalled();
    assertMayBuzz(message, chat, member, party, options.senderOnly);
    const wanted = [...new Set(userIds)];
    const operator = await im.party(ctx.tenantId, party);
    const infos = await im.parties(ctx.tenantId, [party, ...wanted.map((id) => ({ kind: 'user' as const, id }))]);
    // Nobody buzzes themselves, nor the sender about their own message.
    const excluded = new Set([partyKey(party.kind, party.id), partyKey(message.sender_kind, message.sender_id)]);
    const candidates = wanted.filter((id) => infos.has(partyKey('user', id)) && !excluded.has(partyKey('user', id)));
    const [view] = await im.messageEventViews(ctx.tenantId, [message]);
    const now = clock.now();
    const alert = presentUrgentAlert(
      {
        chat: { id: chat.id, chatId: chat.chat_id, chatType: chat.chat_type, name: chat.name },
        message: view!,
        buzzedBy: party,
        buzzedAt: now,
      },
      infos,
    );

    const invalid = await this.deps.commands.run(ctx, async (transaction, emit) => {
      const trx = transaction as unknown as Transaction<UrgentPinDb>;
      const imTrx = transaction as unknown as Transaction<ImDb>;
      // Under the chat lock: membership (the caller's and the recipients') cannot change meanwhile.
      const locked = await imRepository.lockChat(imTrx, ctx.tenantId, chat.id);
      if (!locked || locked.dissolved) throw imErrors.chatDissolved();
      if ((await imRepository.findMessage(imTrx, ctx.tenantId, message.id))?.recalled) throw imErrors.recalled();
      const self = await imRepository.findMember(imTrx, chat.id, party);
      assertMember(locked, self, 'message');
      assertMayBuzz(message, locked, self, party, options.senderOnly);
      const members = new Set((await imRepository.findMembers(imTrx, chat.id, 'user', candidates)).map((row) => row.member_id));
      const valid = candidates.filter((id) => members.has(id));
      const refused = wanted.filter((id) => !valid.includes(id));
      if (options.strict && refused.length > 0) throw urgentErrors.invalidRecipients(refused);
      const pending = await repo.pendingCounts(trx, ctx.tenantId, valid, message.id);
      const full = valid.filter((id) => (pending.get(id) ?? 0) >= MAX_PENDING_BUZZES);
      if (full.length > 0) throw urgentErrors.tooManyPending(full);
      const buzzed = await repo.buzz(
        trx,
        valid.map((id) => ({
          tenant_id: ctx.tenantId,
          message_id: message.id,
          chat_id: chat.id,
          recipient_id: id,
          buzzed_by_kind: party.kind,
          buzzed_by_id: party.id,
          buzzed_at: now,
          acknowledged_at: null,
        })),
      );
      if (buzzed.length > 0) {
        await this.emitUrgent(trx, emit, imEvents.urgentCreated, { chat: locked, message, recipientIds: buzzed, operator, at: now, alert });
      }
      return refused;
    });
    return { status: await this.statusOf(ctx.tenantId, message.id), invalid };
  }

  /** The caller acknowledges their buzz about a message; again is a no-op answering the first time. */
  async acknowledge(ctx: Ctx, messageRef: string): Promise<{ messageId: string; acknowledgedAt: string }> {
    const { message, chat, party } = await this.deps.im.messageStanding(ctx, messageRef);
    if (party.kind !== 'user') throw errors.forbidden('Only people acknowledge buzzes');
    const acknowledger = await this.deps.im.party(ctx.tenantId, party);
    const now = this.deps.clock.now();
    const row = await this.deps.commands.run(ctx, async (transaction, emit) => {
      const trx = transaction as unknown as Transaction<UrgentPinDb>;
      const acknowledged = await repo.acknowledge(trx, message.id, party.id, now);
      if (!acknowledged) return repo.find(trx, message.id, party.id);
      await this.emitUrgent(trx, emit, imEvents.urgentAcknowledged, {
        chat,
        message,
        recipientIds: [party.id],
        operator: acknowledger,
        at: now,
      });
      return acknowledged;
    });
    if (!row?.acknowledged_at) throw urgentErrors.noBuzz();
    return { messageId: message.id, acknowledgedAt: row.acknowledged_at.toISOString() };
  }

  /** Who was buzzed about a message and who acknowledged: for its sender and the group’s owner and admins. */
  async status(ctx: Ctx, messageRef: string): Promise<UrgentStatusView> {
    const { message, chat, member, party } = await this.deps.im.messageStanding(ctx, messageRef);
    // A sender keeps following a buzz made before the group restricted buzzing.
    assertMayWatch(message, chat, member, party);
    return this.statusOf(ctx.tenantId, message.id);
  }

  /** Progress of the buzzed messages of a chat the caller sent or buzzed about (the sender's markers). */
  async summaries(ctx: Ctx, chatRef: string): Promise<{ items: UrgentSummary[] }> {
    const { chat, member, party } = await this.deps.im.standing(ctx, chatRef);
    assertMember(chat, member, 'message');
    return { items: await repo.summariesInChat(this.deps.db, chat.id, party, SUMMARIES_PER_CHAT) };
  }

  /** The caller's unacknowledged buzzes, newest first: the alerts the web shows on every page. */
  async pendingAlerts(ctx: Ctx): Promise<{ items: UrgentAlertView[] }> {
    const party = partyOf(ctx);
    if (party.kind !== 'user') throw errors.forbidden('Only people receive buzzes');
    const rows = await repo.pendingOf(this.deps.db, ctx.tenantId, party.id, MAX_PENDING_BUZZES);
    const byId = new Map(
      (
        await imRepository.findMessagesByIds(
          this.deps.db as never,
          rows.map((row) => row.message_id),
        )
      ).map((message) => [message.id, message]),
    );
    const messages = rows.flatMap((row) => byId.get(row.message_id) ?? []);
    const views = new Map((await this.deps.im.messageEventViews(ctx.tenantId, messages)).map((view) => [view.id, view]));
    const parties = await this.deps.im.parties(
      ctx.tenantId,
      rows.map((row) => ({ kind: row.buzzed_by_kind, id: row.buzzed_by_id })),
    );
    return {
      items: rows.flatMap((row) => {
        const message = views.get(row.message_id);
        if (!message) return [];
        const chat = { id: row.chat_id, chatId: row.open_chat_id, chatType: row.chat_type, name: row.chat_name };
        return [
          presentUrgentAlert(
            { chat, message, buzzedBy: { kind: row.buzzed_by_kind, id: row.buzzed_by_id }, buzzedAt: row.buzzed_at },
            parties,
          ),
        ];
      }),
    };
  }

  private async statusOf(tenantId: string, messageId: string): Promise<UrgentStatusView> {
    const rows = await repo.recipients(this.deps.db, messageId);
    const parties = await this.deps.im.parties(
      tenantId,
      rows.map((row) => ({ kind: 'user' as const, id: row.recipient_id })),
    );
    return presentUrgentStatus(await repo.summary(this.deps.db, messageId), rows, parties);
  }

  /** One `im.urgent.*` event: to the people it is about and to those who watch the message's buzzes. */
  private async emitUrgent(
    trx: Transaction<UrgentPinDb>,
    emit: Emit,
    type: string,
    change: { chat: ChatRow; message: MessageRow; recipientIds: string[]; operator: PartyInfo; at: Date; alert?: UrgentAlertView },
  ): Promise<void> {
    const { chat, message } = change;
    const watcherIds = new Set(await repo.buzzerIds(trx, message.id));
    if (message.sender_kind === 'user') watcherIds.add(message.sender_id);
    const payload: UrgentEventPayload = {
      chatId: chat.id,
      chat: presentChatRef(chat, await this.deps.im.appIdsOf(trx as never, chat.id)),
      messageId: message.id,
      openMessageId: message.message_id,
      recipientIds: change.recipientIds,
      watcherIds: [...watcherIds],
      summary: await repo.summary(trx, message.id),
      operator: presentParty(change.operator),
      ...(change.alert ? { alert: change.alert } : {}),
      actionTime: change.at.toISOString(),
    };
    await emit({ type, subjectType: 'message', subjectId: message.id, payload });
  }
}
