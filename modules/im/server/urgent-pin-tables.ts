import type { Selectable } from 'kysely';
import type { ImDb } from './im-repository.ts';
import type { MemberKind } from './tables.ts';

/** Buzzes (urgent messages) and pinned messages. Both rows go when their message is recalled. */
export interface UrgentPinTables {
  /** One row per (message, person buzzed about it); buzzing again re-arms an acknowledged row. */
  im_urgent: {
    tenant_id: string;
    message_id: string;
    chat_id: string;
    /** Contact user id: only people are buzzed. */
    recipient_id: string;
    /** Who buzzed last: the sender, a group owner or admin, or a bot. */
    buzzed_by_kind: MemberKind;
    buzzed_by_id: string;
    buzzed_at: Date;
    /** Null while the alert is pending. */
    acknowledged_at: Date | null;
  };
  /** A message is pinned at most once. */
  im_pin: {
    message_id: string;
    tenant_id: string;
    chat_id: string;
    operator_kind: MemberKind;
    operator_id: string;
    created_at: Date;
  };
}

export type UrgentPinDb = ImDb & UrgentPinTables;
export type UrgentRow = Selectable<UrgentPinTables['im_urgent']>;
export type PinRow = Selectable<UrgentPinTables['im_pin']>;
