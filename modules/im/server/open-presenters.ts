import type { ChatSettings, ImParty } from '@kite/im/contract';
import { openContent } from './forward-content.ts';
import type { ChatRow, ReactionRow } from './im-repository.ts';
import type { MessageRecord } from './im-service.ts';
import { settingsOf } from './policy.ts';
import { openSystemContent } from './system-messages.ts';

export type UserIdType = 'open_id' | 'union_id' | 'user_id';

/**
 * A party's id of the caller's chosen type. Bots are named by an app id (Feishu's `app_id`), custom
 * bots by their `cli_…`-shaped id, as Feishu names its custom bots' messages.
 */
export function idOf(party: Pick<ImParty, 'type' | 'id' | 'openId' | 'unionId' | 'userId'>, type: UserIdType): string {
  if (party.type !== 'user') return party.id;
  return type === 'open_id' ? party.openId : type === 'union_id' ? party.unionId : party.userId;
}

function idTypeOf(party: Pick<ImParty, 'type'>, type: UserIdType): string {
  return party.type === 'user' ? type : 'app_id';
}

/** Feishu's `sender_type`: a custom bot sends as an `app` there too. */
export function senderTypeOf(party: Pick<ImParty, 'type'>): 'user' | 'app' {
  return party.type === 'user' ? 'user' : 'app';
}

const ms = (iso: string) => String(Date.parse(iso));

/** The content apps read: Feishu's recall text, a system line's template and names, or the stored content. */
function openBody(message: MessageRecord['message']): string {
  if (message.recalled) return JSON.stringify({ text: 'This message was recalled' });
  if (message.system) return openSystemContent(message.system);
  return openContent(message.msgType, message.content);
}

/** Feishu's message object (reference/feishu-openapi.md §8). */
export function presentOpenMessage(record: MessageRecord, type: UserIdType, tenantKey: string) {
  const { message, sender } = record;
  return {
    message_id: message.messageId,
    ...(record.rootMessageId ? { root_id: record.rootMessageId } : {}),
    ...(record.parentMessageId ? { parent_id: record.parentMessageId } : {}),
    ...(message.threadId ? { thread_id: message.threadId } : {}),
    msg_type: message.msgType,
    create_time: ms(message.createdAt),
    update_time: ms(message.updatedAt),
    deleted: message.recalled,
    // Edited text, or a card its app replaced (message.patch, a card callback's answer).
    updated: message.edited || (message.msgType === 'interactive' && message.updatedAt !== message.createdAt),
    chat_id: record.chat.chatId,
    sender: sender
      ? { id: idOf(sender, type), id_type: idTypeOf(sender, type), sender_type: senderTypeOf(sender), tenant_key: tenantKey }
      : { id: '', id_type: '', sender_type: 'system', tenant_key: tenantKey },
    body: { content: openBody(message) },
    mentions: record.mentions.map((mention) => ({
      key: mention.key,
      id: idOf(mention, type),
      id_type: idTypeOf(mention, type),
      name: mention.name,
      tenant_key: tenantKey,
    })),
    ...(record.upperMessageId ? { upper_message_id: record.upperMessageId } : {}),
  };
}

const memberPermission = (policy: 'all' | 'admins') => (policy === 'all' ? 'all_members' : 'only_owner');
const moderation = (policy: ChatSettings['postPolicy']) =>
  policy === 'all' ? 'all_members' : policy === 'admins' ? 'only_owner' : 'moderator_list';

/** Feishu's chat object (chat.get; create adds `chat_id`). */
export function presentOpenChat(
  chat: ChatRow,
  options: { owner: ImParty | undefined; admins: ImParty[]; userCount: number; botCount: number; type: UserIdType; tenantKey: string },
) {
  const settings = settingsOf(chat);
  return {
    avatar: '',
    name: chat.name,
    description: chat.description,
    i18n_names: {},
    add_member_permission: memberPermission(settings.addMemberPolicy),
    share_card_permission: 'allowed',
    at_all_permission: memberPermission(settings.atAllPolicy),
    edit_permission: 'only_owner',
    owner_id_type: options.owner ? idTypeOf(options.owner, options.type) : options.type,
    owner_id: options.owner ? idOf(options.owner, options.type) : '',
    user_manager_id_list: options.admins.map((admin) => idOf(admin, options.type)),
    bot_manager_id_list: [],
    group_message_type: chat.chat_type === 'group' ? settings.messageForm : 'chat',
    chat_mode: chat.chat_type === 'p2p' ? 'p2p' : 'group',
    chat_type: 'private',
    chat_tag: 'inner',
    join_message_visibility: 'all_members',
    leave_message_visibility: 'all_members',
    membership_approval: 'no_approval_required',
    moderation_permission: moderation(settings.postPolicy),
    urgent_setting: memberPermission(settings.buzzPolicy),
    pin_manage_setting: memberPermission(settings.pinPolicy),
    external: false,
    tenant_key: options.tenantKey,
    user_count: String(options.userCount),
    bot_count: String(options.botCount),
  };
}

/** An item of chat.list / chat.search. */
export function presentOpenChatItem(chat: ChatRow, owner: ImParty | undefined, type: UserIdType, tenantKey: string) {
  return {
    chat_id: chat.chat_id,
    avatar: '',
    name: chat.name,
    description: chat.description,
    owner_id: owner ? idOf(owner, type) : '',
    owner_id_type: owner ? idTypeOf(owner, type) : type,
    external: false,
    tenant_key: tenantKey,
    chat_status: 'normal',
  };
}

export function presentOpenMember(member: ImParty, type: UserIdType, tenantKey: string) {
  return { member_id_type: type, member_id: idOf(member, type), name: member.name, tenant_key: tenantKey };
}

export function presentOpenReaction(row: ReactionRow, reactor: ImParty | undefined, type: UserIdType) {
  return {
    reaction_id: row.id,
    operator: {
      operator_id: reactor ? idOf(reactor, type) : row.reactor_id,
      operator_type: row.reactor_kind,
    },
    action_time: String(row.created_at.getTime()),
    reaction_type: { emoji_type: row.emoji_type },
  };
}

const policyOf = (permission: string): 'all' | 'admins' => (permission === 'all_members' ? 'all' : 'admins');

/** Feishu's moderation / permission names back to Kite's settings. */
export function settingsFromOpen(input: {
  add_member_permission?: string;
  at_all_permission?: string;
  moderation_permission?: string;
  urgent_setting?: string;
  pin_manage_setting?: string;
  group_message_type?: 'chat' | 'thread';
}): Partial<ChatSettings> {
  const settings: Partial<ChatSettings> = {};
  if (input.add_member_permission) settings.addMemberPolicy = policyOf(input.add_member_permission);
  if (input.at_all_permission) settings.atAllPolicy = policyOf(input.at_all_permission);
  if (input.urgent_setting) settings.buzzPolicy = policyOf(input.urgent_setting);
  if (input.pin_manage_setting) settings.pinPolicy = policyOf(input.pin_manage_setting);
  if (input.group_message_type) settings.messageForm = input.group_message_type;
  if (input.moderation_permission) {
    settings.postPolicy =
      input.moderation_permission === 'all_members' ? 'all' : input.moderation_permission === 'moderator_list' ? 'listed' : 'admins';
  }
  return settings;
}
