import type { ColumnType, Selectable } from 'kysely';
import type { ImDb } from './im-repository.ts';
import type { MemberKind } from './tables.ts';

/** The snapshots merge_forward messages hold. */
export interface ForwardTables {
  /** One row per message copied into a merge_forward message (nested merge-forwards included, flattened). */
  im_merged_message: {
    tenant_id: string;
    /** The merge_forward message (internal id) holding this copy. */
    merge_id: string;
    /** Order in the snapshot: each nested merge_forward is followed by its own copies. */
    position: number;
    /** `om_…` of the original message. */
    message_id: string;
    /** `om_…` of the merge_forward the copy sits in: the holder, or a merge_forward nested in it. */
    upper_message_id: string;
    sender_kind: MemberKind;
    sender_id: string;
    /** The sender's name when forwarded, shown if the sender is gone from the directory. */
    sender_name: string;
    msg_type: string;
    /** Content as it was, mentions turned into plain `@Name` text. */
    content: string;
    /** When the original was sent. */
    created_at: ColumnType<Date, Date, never>;
  };
}

export type ForwardDb = ImDb & ForwardTables;
export type MergedRow = Selectable<ForwardTables['im_merged_message']>;
