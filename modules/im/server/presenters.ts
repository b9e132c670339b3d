import type {
  ChatEventRef,
  ChatEventView,
  ChatView,
  ImParty,
  MessageEventView,
  MessageView,
  MsgType,
  PartyRef,
  UserRef,
} from '@kite/im/contract';
import type { ChatRow, MemberRow, MessageRow, Party, ReactionRow } from './im-repository.ts';
import { chatPermissions, settingsOf } from './policy.ts';
import { presentSystem } from './system-messages.ts';

/** A party with what the web shows next to it. */
export interface PartyInfo extends ImParty {
  avatarColor: string;
}

/** Bots get one colour; people keep the colour the directory gave them. */
export const BOT_AVATAR_COLOR = '#3370ff';

export function partyKey(kind: string, id: string): string {
  return `${kind}:${id}`;
}

export function presentUserRef(party: PartyInfo): UserRef {
  return { id: party.id, openId: party.openId, name: party.name, avatarColor: party.avatarColor };
}

/** A person or bot as the web shows them; one the directory no longer knows keeps its id. */
export function presentPartyRef(party: Party, parties: ReadonlyMap<string, PartyInfo>): PartyRef {
  const info = parties.get(partyKey(party.kind, party.id));
  return { type: party.kind, id: party.id, name: info?.name ?? '', avatarColor: info?.avatarColor ?? BOT_AVATAR_COLOR };
}

export function presentParty(party: PartyInfo): ImParty {
  return { type: party.type, id: party.id, openId: party.openId, unionId: party.unionId, userId: party.userId, name: party.name };
}

export function presentChatRef(chat: ChatRow, appIds: string[]): ChatEventRef {
  return { id: chat.id, chatId: chat.chat_id, chatType: chat.chat_type, name: chat.name, appIds };
}

/**
 * The message as every viewer sees it (realtime payloads, and the base of MessageView). `parties`
 * names the mentioned and, for a system message, whoever it refers to.
 */
export function presentMessageEvent(
  row: MessageRow,
  sender: PartyInfo | undefined,
  parties: ReadonlyMap<string, PartyInfo>,
  replyCount: number,
): MessageEventView {
  const system =
    row.msg_type === 'system' ? presentSystem(row.content, (party) => parties.get(partyKey(party.kind, party.id))?.name ?? '') : null;
  return {
    id: row.id,
    messageId: row.message_id,
    chatId: row.chat_id,
    seq: Number(row.seq),
    msgType: row.msg_type as MsgType,
    content: row.content,
    sender:
      row.sender_kind === 'system'
        ? null
        : {
            type: row.sender_kind,
            id: row.sender_id,
            name: sender?.name ?? '',
            avatarColor: sender?.avatarColor ?? BOT_AVATAR_COLOR,
          },
    parentId: row.parent_id,
    rootId: row.root_id,
    threadId: row.thread_id,
    inThread: row.in_thread,
    replyCount,
    mentions: row.mentions.map((mention) => ({
      key: mention.key,
      id: mention.id,
      name: parties.get(partyKey(mention.kind, mention.id))?.name ?? mention.name,
    })),
    mentionsAll: row.mentions_all,
    edited: row.edited,
    recalled: row.recalled,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    ...(system ? { system } : {}),
  };
}

export function presentReactions(
  reactions: ReadonlyArray<Pick<ReactionRow, 'emoji_type' | 'reactor_kind' | 'reactor_id'>>,
  viewer: { kind: string; id: string },
): MessageView['reactions'] {
  const byType = new Map<string, { emojiType: string; count: number; reactedByMe: boolean }>();
  for (const reaction of reactions) {
    const entry = byType.get(reaction.emoji_type) ?? { emojiType: reaction.emoji_type, count: 0, reactedByMe: false };
    entry.count++;
    if (reaction.reactor_kind === viewer.kind && reaction.reactor_id === viewer.id) entry.reactedByMe = true;
    byType.set(reaction.emoji_type, entry);
  }
  return [...byType.values()];
}

/** A message for one viewer: `unreadReplyCount` is the viewer's unread replies when it roots a thread. */
export function presentMessage(
  base: MessageEventView,
  reactions: MessageView['reactions'],
  unreadCount: number | null,
  unreadReplyCount = 0,
): MessageView {
  return { ...base, reactions, unreadCount, unreadReplyCount };
}

export function presentChatEvent(row: ChatRow, memberCount: number): ChatEventView {
  return {
    id: row.id,
    chatId: row.chat_id,
    chatType: row.chat_type,
    name: row.name,
    description: row.description,
    announcement: row.announcement,
    ownerId: row.owner_id,
    departmentId: row.department_id,
    memberCount,
    settings: settingsOf(row),
    lastSeq: Number(row.last_seq),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function presentChat(
  row: ChatRow,
  options: {
    member: MemberRow | undefined;
    memberCount: number;
    peer: PartyInfo | undefined;
    lastMessage: MessageView | null;
    unreadMentionCount: number;
    /** Messages after the read position that it does not count: system lines, thread replies. */
    unreadNotCounted: number;
    /** Unread replies in the caller's threads (counted against each thread's read position). */
    unreadThreadReplies: number;
  },
): ChatView {
  const { member } = options;
  const lastSeq = Number(row.last_seq);
  const lastReadSeq = Math.min(Number(member?.last_read_seq ?? 0), lastSeq);
  const base = presentChatEvent(row, options.memberCount);
  return {
    ...base,
    // A p2p chat is named after the other person, as every messenger shows it.
    name: row.chat_type === 'p2p' ? (options.peer?.name ?? row.name) : row.name,
    peer: row.chat_type === 'p2p' && options.peer ? presentUserRef(options.peer) : null,
    lastMessage: options.lastMessage,
    lastReadSeq,
    unreadCount: member ? Math.max(lastSeq - lastReadSeq - options.unreadNotCounted, 0) + options.unreadThreadReplies : 0,
    unreadThreadReplyCount: member ? options.unreadThreadReplies : 0,
    unreadMentionCount: options.unreadMentionCount,
    muted: member?.muted ?? false,
    pinned: member?.pinned ?? false,
    permissions: chatPermissions(row, member),
    role: member?.role ?? 'member',
  };
}
