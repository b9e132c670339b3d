import { z } from 'zod';
import type { CardToast } from './cards.ts';
import { MSG_TYPES, type MsgType, SERVER_MSG_TYPES } from './msg-types.ts';
import type { SystemMessageView } from './system-messages.ts';

/**
 * Messenger contract: what the web app and other modules may rely on. Message content uses Feishu's
 * format everywhere (reference/feishu-openapi.md §8): `msgType` + `content` (a JSON string), so the
 * internal API, the open API and bots share one representation.
 */

export { MSG_TYPES, type MsgType, SERVER_MSG_TYPES };

/** Largest `content` string accepted (Feishu: 150 KB for text/post, 30 KB for cards). */
export const MAX_CONTENT_BYTES = 150 * 1024;

export const CreateChatInput = z.discriminatedUnion('chatType', [
  z.object({ chatType: z.literal('p2p'), userId: z.string().min(1).max(64) }),
  z.object({
    chatType: z.literal('group'),
    name: z.string().trim().min(1).max(100),
    description: z.string().trim().max(500).optional(),
    userIds: z.array(z.string().min(1).max(64)).max(1000).optional(),
    departmentIds: z.array(z.string().min(1).max(64)).max(50).optional(),
    /** `thread`: a topic group (ChatSettings.messageForm). */
    messageForm: z.enum(['chat', 'thread']).optional(),
  }),
]);
export type CreateChatInput = z.infer<typeof CreateChatInput>;

/** A department group (tenant admins): follows the department and everything under it. */
export const CreateDepartmentChatInput = z.object({
  departmentId: z.string().min(1).max(64),
  /** Default: the department's name. */
  name: z.string().trim().max(100).optional(),
});
export type CreateDepartmentChatInput = z.infer<typeof CreateDepartmentChatInput>;

/** How long messages are kept (tenant admins); null keeps them for good. */
export const RetentionInput = z.object({ retentionDays: z.number().int().min(1).max(3650).nullable() });
export type RetentionInput = z.infer<typeof RetentionInput>;

export const MAX_ANNOUNCEMENT_CHARS = 10_000;

export const ChatSettings = z.object({
  /** Who may post: everyone, owner + admins, or owner + admins + listed members. */
  postPolicy: z.enum(['all', 'admins', 'listed']),
  postAllowedUserIds: z.array(z.string().max(64)).max(1000),
  /** Who may add members. */
  addMemberPolicy: z.enum(['all', 'admins']),
  /** Who may @all. */
  atAllPolicy: z.enum(['all', 'admins']),
  /**
   * Who may buzz (Feishu's `urgent_setting`): `all` — every member their own messages, the owner and
   * admins anyone's; `admins` — only the owner and admins.
   */
  buzzPolicy: z.enum(['all', 'admins']),
  /** Who may pin and unpin messages (Feishu's `pin_manage_setting`): everyone who may post, or only the owner and admins. */
  pinPolicy: z.enum(['all', 'admins']),
  /**
   * How the group talks (Feishu's `group_message_type`): `chat`, messages one after another; `thread`,
   * a topic group (话题群), where every message starts a topic and every reply goes into its thread.
   */
  messageForm: z.enum(['chat', 'thread']),
});
export type ChatSettings = z.infer<typeof ChatSettings>;

export const UpdateChatInput = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  description: z.string().trim().max(500).optional(),
  announcement: z.string().max(MAX_ANNOUNCEMENT_CHARS).optional(),
  settings: ChatSettings.partial().optional(),
});

export const MembersInput = z.object({
  userIds: z.array(z.string().min(1).max(64)).max(1000).optional(),
  departmentIds: z.array(z.string().min(1).max(64)).max(50).optional(),
});

export const SendMessageInput = z.object({
  msgType: z.enum(MSG_TYPES).exclude([...SERVER_MSG_TYPES]),
  /** JSON string in Feishu's content format for `msgType`; the server checks its size in bytes (413 `content_invalid`). */
  content: z
    .string()
    .min(2)
    .max(4 * MAX_CONTENT_BYTES),
  /** Reply to this message (`om_…`): a quote reply in the timeline, unless `replyInThread`. */
  parentId: z.string().max(64).optional(),
  /** With `parentId`: reply in the message's thread (seen in the thread panel, not the timeline). */
  replyInThread: z.boolean().optional(),
  /** Client-chosen id: a retried send with the same uuid returns the first message. */
  uuid: z.string().max(50).optional(),
});
export type SendMessageInput = z.infer<typeof SendMessageInput>;

export const ListMessagesQuery = z.object({
  /** Messages with `seq` below this (older page); omit for the newest. */
  before: z.coerce.number().int().positive().optional(),
  /** Messages with `seq` above this (newer page, for catching up). */
  after: z.coerce.number().int().nonnegative().optional(),
  /**
   * Only the thread of this root message: the root and its thread replies (`before` / `after` page
   * it by seq; with `around` / `aroundMessageId` of one of its replies, the page around that reply).
   */
  threadRootId: z.string().max(64).optional(),
  /** A page with the message at this `seq` in its middle (`hasNewer` says whether newer ones follow). */
  around: z.coerce.number().int().positive().optional(),
  /** The same, by message (`id` or `om_…`): where a copied link opens. */
  aroundMessageId: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const ListChatsQuery = z.object({
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const UserIdsInput = z.object({ userIds: z.array(z.string().min(1).max(64)).min(1).max(1000) });
export const TransferInput = z.object({ userId: z.string().min(1).max(64) });
export const MemberPrefsInput = z.object({
  muted: z.boolean().optional(),
  pinned: z.boolean().optional(),
  draft: z.string().max(10_000).optional(),
});
export const ReadInput = z.object({ seq: z.number().int().nonnegative() });
export const EditMessageInput = z.object({
  content: z
    .string()
    .min(2)
    .max(4 * MAX_CONTENT_BYTES),
});
export const ReactionInput = z.object({ emojiType: z.string().trim().min(1).max(50) });
/** `GET /api/im/messages/:id/reactors`: who reacted to a message with one emoji, first reactors first. */
export const ReactorsQuery = z.object({
  emojiType: z.string().trim().min(1).max(50),
  /** `nextCursor` of the page before. */
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type ReactorsQuery = z.infer<typeof ReactorsQuery>;
/** `GET /api/im/search`: messages the caller may read that contain `q` (case-insensitive), newest first. */
export const SearchQuery = z
  .object({
    q: z.string().trim().min(1).max(100),
    /** Only this chat (`id` or `oc_…`); the caller must be a member. */
    chatId: z.string().max(64).optional(),
    /** Only messages sent by this person (user id) or bot (app id). */
    senderId: z.string().min(1).max(64).optional(),
    /** Sent at or after `from` and before `to` (ISO 8601 with offset). */
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    /** `nextCursor` of the previous page. */
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(50).default(20),
  })
  .refine((query) => !query.from || !query.to || Date.parse(query.from) < Date.parse(query.to), {
    message: 'from must be before to',
    path: ['to'],
  });
export type SearchQuery = z.infer<typeof SearchQuery>;
export const MembersPageQuery = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});

export interface UserRef {
  id: string;
  openId: string;
  name: string;
  avatarColor: string;
}

export interface ChatView {
  id: string;
  /** `oc_…` */
  chatId: string;
  chatType: 'p2p' | 'group';
  name: string;
  description: string;
  announcement: string;
  /** p2p: the other person. */
  peer: UserRef | null;
  /** The owner's user id, or an app id when a bot created the group. */
  ownerId: string | null;
  /** Department groups: the department whose people (sub-departments included) are kept as members. */
  departmentId: string | null;
  memberCount: number;
  settings: ChatSettings;
  lastMessage: MessageView | null;
  /** Highest message sequence in the chat. */
  lastSeq: number;
  /**
   * The caller's read position in the timeline, and the unread count: unread timeline messages
   * plus unread replies in the caller's threads (`unreadThreadReplyCount`).
   */
  lastReadSeq: number;
  unreadCount: number;
  /** Unread replies in threads the caller takes part in (wrote the root, replied, @mentioned); part of `unreadCount`. */
  unreadThreadReplyCount: number;
  /** Unread messages that mention the caller (or @all). */
  unreadMentionCount: number;
  muted: boolean;
  pinned: boolean;
  /**
   * The caller's rights here, so the UI never re-derives them. `buzz`: may buzz about their own
   * messages (`manage`: anyone's); `pin`: may pin (unpinning is per pin, `PinView.canUnpin`).
   */
  permissions: {
    post: boolean;
    manage: boolean;
    addMembers: boolean;
    atAll: boolean;
    buzz: boolean;
    pin: boolean;
    leave: boolean;
    dissolve: boolean;
  };
  role: 'owner' | 'admin' | 'member';
  updatedAt: string;
}

export interface MessageView {
  id: string;
  /** `om_…` */
  messageId: string;
  /** The chat's `id` (ChatView.id, not the `oc_…` chatId). */
  chatId: string;
  /** Position in the chat, gap-free, from 1. */
  seq: number;
  msgType: MsgType;
  content: string;
  /** A user (`id` = user id), an app's bot (`id` = app id) or a custom bot (`webhook`, its id); null for system messages. */
  sender: { type: ImParty['type']; id: string; name: string; avatarColor: string } | null;
  /** `id` of the message replied to, and of its thread's first message. */
  parentId: string | null;
  rootId: string | null;
  /** The thread (`omt_…`) this message roots or is a thread reply in; null outside threads. */
  threadId: string | null;
  /** A thread reply: shown in its thread, not in the timeline (a quote reply is false). */
  inThread: boolean;
  /** Thread replies to this message (quote replies are not counted). */
  replyCount: number;
  /** A thread root: its replies the caller has not read ("N new replies"; 0 unless the caller takes part in the thread). */
  unreadReplyCount: number;
  mentions: Array<{ key: string; id: string; name: string }>;
  mentionsAll: boolean;
  reactions: Array<{ emojiType: string; count: number; reactedByMe: boolean }>;
  edited: boolean;
  recalled: boolean;
  createdAt: string;
  updatedAt: string;
  /** Members (sender excluded) who have not read it yet; null for a recalled or system message. */
  unreadCount: number | null;
  /** System messages only: what happened and to whom, with current names (the web words it). */
  system?: SystemMessageView;
  /**
   * An app's card only the viewer sees (Feishu's 仅特定人可见的消息卡片): not part of the chat's
   * shared timeline; `seq` is the chat's seq when it was sent, and it shows after that message.
   */
  ephemeral?: true;
}

/** A message found by `GET /api/im/search`, with where it was said and what matched. */
export interface MessageSearchHit {
  message: Pick<MessageView, 'id' | 'messageId' | 'chatId' | 'seq' | 'msgType' | 'sender' | 'rootId' | 'edited' | 'createdAt'>;
  chat: Pick<ChatView, 'id' | 'chatId' | 'chatType' | 'name' | 'peer'>;
  /** The message's text around the first match, `…` where it was cut, whitespace collapsed. */
  snippet: string;
  /** Where the query occurs in `snippet` (UTF-16 offsets, end exclusive). */
  highlights: Array<{ start: number; end: number }>;
}

export interface MessageSearchAnswer {
  items: MessageSearchHit[];
  nextCursor: string | null;
}

/** A message as realtime events carry it: the fields that are the same for every viewer. */
export type MessageEventView = Omit<MessageView, 'reactions' | 'unreadCount' | 'unreadReplyCount'>;

/** A chat as realtime events carry it: no per-viewer fields (read state, prefs, permissions). */
export type ChatEventView = Pick<
  ChatView,
  | 'id'
  | 'chatId'
  | 'chatType'
  | 'name'
  | 'description'
  | 'announcement'
  | 'ownerId'
  | 'departmentId'
  | 'memberCount'
  | 'settings'
  | 'lastSeq'
  | 'updatedAt'
>;

/** A person or a bot, with every id an event consumer may need (apps pick by their id type). */
export interface ImParty {
  /** `webhook`: a chat's custom bot (`WebhookBotView`); it has no open id. */
  type: 'user' | 'app' | 'webhook';
  /** User id, or app id (`cli_…`), or a custom bot's id. */
  id: string;
  /** `ou_…`; a bot's open id for apps. */
  openId: string;
  unionId: string;
  /** Tenant-scoped employee id; `''` for apps. */
  userId: string;
  name: string;
}

/** What every im event says about its chat, so consumers (apps' mappers) need no lookup. */
export interface ChatEventRef {
  id: string;
  /** `oc_…` */
  chatId: string;
  chatType: 'p2p' | 'group';
  name: string;
  /** Apps whose bots are members after the change. */
  appIds: string[];
}

/** `im.message.created|updated|recalled`. */
export interface MessageEventPayload {
  chatId: string;
  chat: ChatEventRef;
  message: MessageEventView;
  sender: ImParty | null;
  mentions: Array<ImParty & { key: string }>;
  /** `om_…` of the parent and root, for Feishu-shaped consumers. */
  parentMessageId: string | null;
  rootMessageId: string | null;
  /** A new thread reply whose root a person wrote: that person's user id (their unread counts it). */
  threadRootUserId?: string;
  operator: ImParty | null;
}

/** `im.reaction.added|removed`. */
export interface ReactionEventPayload {
  chatId: string;
  chat: ChatEventRef;
  messageId: string;
  /** `om_…` */
  openMessageId: string;
  reactionId: string;
  emojiType: string;
  reactor: ImParty;
  /** Counts after the change. */
  reactions: Array<{ emojiType: string; count: number }>;
  actionTime: string;
}

/** `im.chat.created|updated|disbanded`. */
export interface ChatEventPayload {
  chatId: string;
  chat: ChatEventRef;
  view: ChatEventView;
  /** Fields that changed (updated), and their values before. */
  changed?: string[];
  before?: Partial<ChatEventView>;
  /** Users who are members (created, disbanded): they start / stop following the chat. */
  memberUserIds?: string[];
  operator: ImParty | null;
}

/** `im.chat.members_added|members_removed`. */
export interface MembersEventPayload {
  chatId: string;
  chat: ChatEventRef;
  users: ImParty[];
  apps: ImParty[];
  operator: ImParty | null;
}

/** `im.read`: the reader's other tabs, the people whose messages were read (live receipts), and apps whose messages were read. */
export interface ReadEventPayload {
  chatId: string;
  chat: ChatEventRef;
  userId: string;
  /** The reader's position before this read: messages in (previousReadSeq, lastReadSeq] were just read. */
  previousReadSeq: number;
  /** Senders of the messages just read (the last 200 of them at most), the reader excluded. */
  senderUserIds: string[];
  lastReadSeq: number;
  /** The reader's unread count of the chat after the read (`ChatView.unreadCount`) and its thread part. */
  unreadCount: number;
  unreadThreadReplyCount: number;
  reader: ImParty;
  readAt: string;
  /** Bot messages this read covered, per app (among the last 200 messages it covered). */
  appMessages: Array<{ appId: string; messageIds: string[] }>;
}

/**
 * `im.thread.read`: a person read a thread (opened it, scrolled to its end) on one tab or device; to
 * their own connections alone. Counts are the reader's after the read.
 */
export interface ThreadReadEventPayload {
  chatId: string;
  userId: string;
  /** The root's `id` (MessageView.id). */
  rootId: string;
  /** The reader's position in the thread (a seq of the chat). */
  lastReadSeq: number;
  /** The thread's replies still unread for the reader (`MessageView.unreadReplyCount` of the root). */
  unreadReplyCount: number;
  /** The chat's `ChatView.unreadCount`, `unreadThreadReplyCount` and `unreadMentionCount` for the reader. */
  chatUnreadCount: number;
  chatUnreadThreadReplyCount: number;
  chatUnreadMentionCount: number;
}

/** What `POST /api/im/chats/:id/threads/:rootId/read` answers: the read's counts (`ThreadReadEventPayload`). */
export type ThreadReadAnswer = Omit<ThreadReadEventPayload, 'userId'>;

/**
 * `im.card_view.updated`: a click's update of a non-shared card (Feishu's 独享卡片) made `message`
 * — with its new card — the own view of `userIds`; only their connections get it.
 */
export interface CardViewEventPayload extends MessageEventPayload {
  userIds: string[];
}

/**
 * `im.ephemeral.created` / `updated` / `deleted`: an app's card only `userId` sees, to that person's
 * own connections alone; `message` is absent on deletion (`messageId` names what went).
 */
export interface EphemeralEventPayload {
  chatId: string;
  userId: string;
  /** The card's `id` (MessageView.id). */
  messageId: string;
  message?: MessageView;
}

/** Domain events (outbox `type`). Payloads carry ids plus what realtime clients need to apply them. */
export const imEvents = {
  chatCreated: 'im.chat.created',
  chatUpdated: 'im.chat.updated',
  chatDisbanded: 'im.chat.disbanded',
  membersAdded: 'im.chat.members_added',
  membersRemoved: 'im.chat.members_removed',
  messageCreated: 'im.message.created',
  messageUpdated: 'im.message.updated',
  messageRecalled: 'im.message.recalled',
  /** A non-shared card changed for some people only: to their own connections (`CardViewEventPayload`). */
  cardViewUpdated: 'im.card_view.updated',
  /** An app's card for one person only (`EphemeralEventPayload`): to that person's connections alone. */
  ephemeralCreated: 'im.ephemeral.created',
  ephemeralUpdated: 'im.ephemeral.updated',
  ephemeralDeleted: 'im.ephemeral.deleted',
  reactionAdded: 'im.reaction.added',
  reactionRemoved: 'im.reaction.removed',
  read: 'im.read',
  /** A person read a thread (`ThreadReadEventPayload`): to their own connections alone. */
  threadRead: 'im.thread.read',
  /** Tenant messenger settings (retention) changed; audited, not delivered to clients. */
  settingsUpdated: 'im.settings.updated',
  /** A person's own messenger settings (notifications) changed; to their own connections only. */
  userSettingsUpdated: 'im.user_settings.updated',
  urgentCreated: 'im.urgent.created',
  urgentAcknowledged: 'im.urgent.acknowledged',
  pinCreated: 'im.pin.created',
  pinDeleted: 'im.pin.deleted',
} as const;

/** A person's own messenger settings: how new messages and buzzes reach them in the browser. */
export interface UserSettingsView {
  /** Desktop (browser) notifications for new messages and buzzes; the browser must allow them too. */
  desktopNotifications: boolean;
  /** Sounds: a chime when someone buzzes them (repeated a few times until acknowledged), and desktop notifications' own sound. */
  sound: boolean;
}

/** `PATCH /api/im/user-settings`: what to change; fields left out stay. */
export const UpdateUserSettingsInput = z.object({ desktopNotifications: z.boolean().optional(), sound: z.boolean().optional() }).strict();
export type UpdateUserSettingsInput = z.infer<typeof UpdateUserSettingsInput>;

/** `im.user_settings.updated`: to the person's own connections (other tabs and devices follow). */
export interface UserSettingsEventPayload {
  userId: string;
  settings: UserSettingsView;
  before: UserSettingsView;
}

/** An uploaded image or file (`POST /api/im/images`, `POST /api/im/files`); `key` goes into image/file content. */
export interface ResourceView {
  /** `img_v3_…` or `file_v3_…`. */
  key: string;
  kind: 'image' | 'file';
  name: string;
  size: number;
  contentType: string;
  /** Images: pixels, when the header tells (PNG, JPEG, GIF). */
  width: number | null;
  height: number | null;
}

/** Where the web app reads an uploaded image or file (session cookie; members of a chat referring to it). */
export function resourceUrl(key: string): string {
  return `/api/im/resources/${encodeURIComponent(key)}`;
}

export * from './cards.ts';

/** What a card action answers: the app's toast for the clicker, and the card if the app replaced it. */
export interface CardActionResult {
  toast: CardToast | null;
  /**
   * The message with its new card as the clicker now sees it (a shared card: everyone in the chat also
   * gets `im.message.updated`; a non-shared one changed for the clicker alone); null when unchanged.
   */
  message: MessageView | null;
}

/**
 * Custom bots (Feishu's 自定义机器人): a group member adds one to a chat and gets a webhook URL;
 * other systems POST messages to it (`/open-apis/bot/v2/hook/<token>`, Feishu's format).
 */

/** Custom bots per chat. */
export const MAX_WEBHOOK_BOTS_PER_CHAT = 20;

const webhookKeywords = z.array(z.string().trim().min(1).max(50)).max(10);
/** IPv4/IPv6 addresses or CIDR ranges; the server checks their form. */
const webhookIpAllowlist = z.array(z.string().trim().min(1).max(64)).max(20);

export const CreateWebhookBotInput = z.object({
  name: z.string().trim().min(1).max(50),
  description: z.string().trim().max(200).optional(),
  /** Require Feishu's signature (签名校验): a secret is made and shown once. */
  signed: z.boolean().default(false),
  keywords: webhookKeywords.default([]),
  ipAllowlist: webhookIpAllowlist.default([]),
});
export type CreateWebhookBotInput = z.input<typeof CreateWebhookBotInput>;

export const UpdateWebhookBotInput = z.object({
  name: z.string().trim().min(1).max(50).optional(),
  description: z.string().trim().max(200).optional(),
  /** Turning signing on makes a secret (answered once); turning it off forgets it. */
  signed: z.boolean().optional(),
  keywords: webhookKeywords.optional(),
  ipAllowlist: webhookIpAllowlist.optional(),
});
export type UpdateWebhookBotInput = z.infer<typeof UpdateWebhookBotInput>;

/** A new URL (the old one stops working) or a new signing secret (signing turns on). */
export const ResetWebhookBotInput = z.object({ what: z.enum(['url', 'secret']) });

/** A chat's custom bot as members see it. Neither the URL nor the secret: they are shown once. */
export interface WebhookBotView {
  /** `cli_…`-shaped; also the sender id of its messages. */
  id: string;
  /** The chat's `id` (ChatView.id). */
  chatId: string;
  name: string;
  description: string;
  /** The URL's token begins with this, so people can tell which URL they hold. */
  tokenHint: string;
  signed: boolean;
  keywords: string[];
  ipAllowlist: string[];
  /** Who added it (null when no longer in the directory). */
  createdBy: UserRef | null;
  createdAt: string;
  updatedAt: string;
  /** The caller may edit, reset and remove it: its creator, and the chat's owner and admins. */
  canManage: boolean;
}

/** What create, update and reset answer: the bot, and the URL and secret when they were just made. */
export interface WebhookBotCredentials {
  bot: WebhookBotView;
  /** Full URL, only when the bot was created or its URL reset. */
  webhookUrl: string | null;
  /** Only when signing was turned on or the secret reset. */
  secret: string | null;
}

/** A bot as `im.webhook.*` events carry it: the same for every viewer, never a token or secret. */
export type WebhookBotEventView = Omit<WebhookBotView, 'createdBy' | 'canManage'> & { createdById: string };

/** `im.webhook.created|updated|removed`: audited, and sent to the chat's members. */
export interface WebhookBotEventPayload {
  chatId: string;
  chat: ChatEventRef;
  bot: WebhookBotEventView;
  /** updated: `name`, `description`, `signed`, `keywords`, `ipAllowlist`, `url` (reset), `secret` (reset). */
  changed?: string[];
  operator: ImParty;
}

export const webhookEvents = {
  created: 'im.webhook.created',
  updated: 'im.webhook.updated',
  removed: 'im.webhook.removed',
} as const;

/** Where a custom bot's URL points, below the server's public URL. */
export function webhookPath(token: string): string {
  return `/open-apis/bot/v2/hook/${token}`;
}

// Urgent buzz and pins ---------------------------------------------------------------------------

/** Most people one buzz names (Feishu's `user_id_list` has no documented limit; this keeps one request bounded). */
export const MAX_BUZZ_RECIPIENTS = 200;
/** Unacknowledged buzzes one person may have at a time (Feishu: 200, error 230023). */
export const MAX_PENDING_BUZZES = 200;
/** Pinned messages one chat may hold. */
export const MAX_PINS_PER_CHAT = 100;

/** `POST /api/im/messages/:id/urgent`: people (user ids) to buzz about a message. */
export const BuzzInput = z.object({ userIds: z.array(z.string().min(1).max(64)).min(1).max(MAX_BUZZ_RECIPIENTS) });

/** A person or a bot, as the web shows them next to a buzz or a pin. */
export interface PartyRef {
  /** A person, an app's bot, or a custom (webhook) bot. */
  type: 'user' | 'app' | 'webhook';
  id: string;
  name: string;
  avatarColor: string;
}

/** A page of the people and bots who reacted to a message with one emoji (`GET …/reactors`). */
export interface ReactorsPage {
  emojiType: string;
  /** Everyone who reacted with it, also those beyond this page. */
  count: number;
  /** In the order they reacted; anyone the directory no longer knows is left out. */
  items: Array<{ reactor: PartyRef; reactedAt: string }>;
  nextCursor: string | null;
}

/** A buzz the viewer has not acknowledged yet: the alert the web keeps on screen. */
export interface UrgentAlertView {
  message: MessageEventView;
  chat: { id: string; chatId: string; chatType: 'p2p' | 'group'; name: string };
  /** Who buzzed (the sender, or a group owner or admin; a bot through the open API). */
  buzzedBy: PartyRef;
  buzzedAt: string;
}

/** How many of a message's buzzed people have acknowledged (members of the chat only). */
export interface UrgentSummary {
  /** The message's `id` (MessageView.id). */
  messageId: string;
  total: number;
  acknowledged: number;
}

/** Who was buzzed about a message and who has acknowledged; for the sender and the chat's owner and admins. */
export interface UrgentStatusView extends UrgentSummary {
  recipients: Array<{ user: UserRef; buzzedAt: string; acknowledgedAt: string | null }>;
}

/** A pinned message of a chat. */
export interface PinView {
  message: MessageEventView;
  pinnedBy: PartyRef;
  pinnedAt: string;
  /** Whether the viewer may unpin it: whoever pinned it, the group's owner and admins, either person of a p2p chat. */
  canUnpin: boolean;
}

/**
 * `im.urgent.created|acknowledged`, to the user topics of `recipientIds` (the people buzzed, or the
 * one who acknowledged) and `watcherIds` (the message's sender and whoever buzzed: they see who acknowledged).
 */
export interface UrgentEventPayload {
  chatId: string;
  chat: ChatEventRef;
  /** The message's `id`, and its `om_…`. */
  messageId: string;
  openMessageId: string;
  recipientIds: string[];
  watcherIds: string[];
  /** Counts after the change. */
  summary: UrgentSummary;
  operator: ImParty;
  /** created: the alert each recipient shows (the same for all of them). */
  alert?: UrgentAlertView;
  actionTime: string;
}

/** `im.pin.created|deleted`, to the chat's members. No content: the pinned panel reads it. */
export interface PinEventPayload {
  chatId: string;
  chat: ChatEventRef;
  messageId: string;
  openMessageId: string;
  operator: ImParty;
  actionTime: string;
}
/** What forwarding answers: the new message in each target chat, in the order the targets were named. */
export interface ForwardResult {
  items: MessageView[];
}

export * from './forward.ts';
export * from './system-messages.ts';
