import type { MessageEventView, PinView, UrgentAlertView, UrgentStatusView, UrgentSummary } from '@kite/im/contract';
import type { Party } from './im-repository.ts';
import { idOf } from './open-presenters.ts';
import { type PartyInfo, partyKey, presentPartyRef, presentUserRef } from './presenters.ts';
import type { PinRow, UrgentRow } from './urgent-pin-tables.ts';

/** The alert a buzzed person sees: the message, its chat, who buzzed and when. */
export function presentUrgentAlert(
  alert: { chat: UrgentAlertView['chat']; message: MessageEventView; buzzedBy: Party; buzzedAt: Date },
  parties: ReadonlyMap<string, PartyInfo>,
): UrgentAlertView {
  return {
    message: alert.message,
    chat: alert.chat,
    buzzedBy: presentPartyRef(alert.buzzedBy, parties),
    buzzedAt: alert.buzzedAt.toISOString(),
  };
}

/** Who was buzzed and who acknowledged; people the directory no longer lists are left out. */
export function presentUrgentStatus(
  summary: UrgentSummary,
  rows: readonly UrgentRow[],
  parties: ReadonlyMap<string, PartyInfo>,
): UrgentStatusView {
  return {
    ...summary,
    recipients: rows.flatMap((row) => {
      const info = parties.get(partyKey('user', row.recipient_id));
      if (!info) return [];
      return [
        { user: presentUserRef(info), buzzedAt: row.buzzed_at.toISOString(), acknowledgedAt: row.acknowledged_at?.toISOString() ?? null },
      ];
    }),
  };
}

export function presentPin(row: PinRow, message: MessageEventView, parties: ReadonlyMap<string, PartyInfo>, canUnpin: boolean): PinView {
  return {
    message,
    pinnedBy: presentPartyRef({ kind: row.operator_kind, id: row.operator_id }, parties),
    pinnedAt: row.created_at.toISOString(),
    canUnpin,
  };
}

/**
 * Feishu's pin object. The operator is named by open id (a bot by its app id) whatever the caller's
 * id type: `pins.list` takes no `user_id_type`.
 */
export function presentOpenPin(row: PinRow, ids: { messageId: string; chatId: string }, operator: PartyInfo | undefined) {
  return {
    message_id: ids.messageId,
    chat_id: ids.chatId,
    operator_id: operator ? idOf(operator, 'open_id') : row.operator_id,
    operator_id_type: row.operator_kind === 'app' ? 'app_id' : 'open_id',
    create_time: String(row.created_at.getTime()),
  };
}
