import type { ColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;
/** A column with a database default: optional on insert. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;

/**
 * A chat member is a person (contact user id), an app's bot (its `cli_…` app id) or a custom bot
 * of the chat (`webhook`, its `im_webhook_bot` id).
 */
export type MemberKind = 'user' | 'app' | 'webhook';
export type MemberRole = 'owner' | 'admin' | 'member';

export interface ImTables {
  im_tenant_settings: {
    tenant_id: string;
    /** Messages older than this many days are deleted by the retention sweep; null keeps them. */
    retention_days: number | null;
    updated_at: UpdatedAt;
  };
  /** A person's own messenger settings; no row = the defaults (everything on). */
  im_user_settings: {
    tenant_id: string;
    user_id: string;
    desktop_notifications: Defaulted<boolean>;
    sound: Defaulted<boolean>;
    updated_at: UpdatedAt;
  };
  im_chat: {
    id: string;
    tenant_id: string;
    /** Public `oc_…` id. */
    chat_id: string;
    chat_type: 'p2p' | 'group';
    name: string;
    description: string;
    announcement: string;
    /** Bumped by every announcement change (Feishu's `revision`). */
    announcement_revision: Defaulted<number>;
    announcement_updated_at: Date | null;
    owner_kind: MemberKind | null;
    owner_id: string | null;
    /** ChatSettings as JSON (post / add-member / @all / buzz / pin policies); missing keys read as DEFAULT_SETTINGS. */
    settings: ColumnType<Record<string, unknown>, string, string>;
    /** p2p only: the two members' ids sorted and joined, so opening a p2p chat twice finds the first. */
    p2p_key: string | null;
    /** Highest message `seq`; taken under the row lock of this chat, so sequences have no gaps. */
    last_seq: number;
    last_message_at: Date | null;
    dissolved: boolean;
    /** Department groups: the department (contact id) whose people, sub-departments included, are members. */
    department_id: Defaulted<string | null>;
    created_at: CreatedAt;
    updated_at: UpdatedAt;
  };
  im_member: {
    tenant_id: string;
    chat_id: string;
    member_kind: MemberKind;
    member_id: string;
    role: Defaulted<MemberRole>;
    last_read_seq: Defaulted<number>;
    last_read_at: Defaulted<Date | null>;
    muted: Defaulted<boolean>;
    pinned: Defaulted<boolean>;
    draft: Defaulted<string>;
    joined_at: CreatedAt;
  };
  /** A person's read position in one thread (migration 202611261000); none: nothing of it read. */
  im_thread_read: {
    tenant_id: string;
    chat_id: string;
    root_id: string;
    user_id: string;
    last_read_seq: Defaulted<number>;
    read_at: Defaulted<Date>;
  };
  im_message: {
    id: string;
    tenant_id: string;
    chat_id: string;
    /** Public `om_…` id. */
    message_id: string;
    seq: number;
    sender_kind: MemberKind | 'system';
    sender_id: string;
    msg_type: string;
    /** Feishu content JSON string; `''` once recalled. */
    content: string;
    /** Plain text of the content, for search; `''` for non-text types and recalled messages. */
    search_text: string;
    /** The terms of `search_text`, space-separated (search-terms.ts); null until the backfill indexes an older message. */
    search_terms: string | null;
    parent_id: string | null;
    root_id: string | null;
    /** Public `omt_…` id of the thread the message roots or is a thread reply in (migration 202611251300). */
    thread_id: Defaulted<string | null>;
    /** A thread reply: shown in its thread, not in the chat's timeline (quote replies are false). */
    in_thread: Defaulted<boolean>;
    /** `[{key, kind, id, name}]`, the people and bots the message mentions. */
    mentions: ColumnType<MentionRow[], string, string>;
    mention_user_ids: string[];
    mentions_all: boolean;
    uuid: string | null;
    edited: boolean;
    recalled: boolean;
    /** A card sent from a template: `{"template_id","template_version_name"}` it was rendered from (migration 202611241300). */
    card_template: Defaulted<string | null>;
    created_at: CreatedAt;
    updated_at: UpdatedAt;
  };
  /**
   * The `token` of a card click (migration 202611241300), with which the app may update the card
   * later (`interactive/v1/card/update`): bound to the app and the message, 30 minutes, 2 uses.
   */
  im_card_token: {
    /** sha256 (hex) of the `c-…` token; the token itself is only in the callback. */
    token_hash: string;
    tenant_id: string;
    /** The `cli_…` app the callback went to. */
    app_id: string;
    /** `im_message.id` of the card that was clicked. */
    message_id: string;
    /** Who clicked (contact user id). */
    user_id: string;
    created_at: Date;
    expires_at: Date;
    uses: Defaulted<number>;
  };
  /**
   * One person's own view of a non-shared card (migration 202611251200): what a click's update made
   * of it for them (Feishu's 独享卡片). Everyone without a row sees `im_message.content`.
   */
  im_card_view: {
    /** `im_message.id` of the card. */
    message_id: string;
    /** Whose view (contact user id). */
    user_id: string;
    /** The card JSON this person sees, stored as a shared card's content is. */
    content: string;
    updated_at: Date;
  };
  /**
   * An app's card only one person in a group sees (migration 202611251600, Feishu's 仅特定人可见的消息卡片).
   * Kept out of `im_message`: it takes no seq, counts as unread for nobody, is not searched, and only
   * its person's history reads it, after the message `after_seq` names.
   */
  im_ephemeral_message: {
    id: string;
    tenant_id: string;
    chat_id: string;
    /** Public `om_…` id the app deletes it by and card callbacks name. */
    message_id: string;
    /** The sending app. */
    app_id: string;
    /** The one person who sees it (contact user id). */
    user_id: string;
    /** The chat's `last_seq` when it was sent: it shows after that message. */
    after_seq: number;
    /** Card JSON, as a card message's content; a callback's answer replaces it. */
    content: string;
    created_at: Date;
    updated_at: Date;
  };
  im_reaction: {
    /** Public reaction id (Feishu `reaction_id`). */
    id: string;
    tenant_id: string;
    message_id: string;
    reactor_kind: MemberKind;
    reactor_id: string;
    emoji_type: string;
    created_at: CreatedAt;
  };
}

export interface MentionRow {
  /** `@_user_1`, the placeholder in text content. */
  key: string;
  kind: MemberKind;
  /** Contact user id or app id. */
  id: string;
  name: string;
}
