import type { ChatSettings, ChatView } from '@kite/im/contract';
import { AppError, errors } from '@kite/kernel/errors';
import type { RequestContext } from '@kite/platform/context';
import type { ChatRow, MemberRow, MessageRow, Party } from './im-repository.ts';

type Ctx = Pick<RequestContext, 'actor' | 'scopes'>;

/** What a chat allows unless changed; chats stored before a setting existed read its default here. */
export const DEFAULT_SETTINGS: ChatSettings = {
  postPolicy: 'all',
  postAllowedUserIds: [],
  addMemberPolicy: 'all',
  atAllPolicy: 'all',
  buzzPolicy: 'all',
  pinPolicy: 'all',
  messageForm: 'chat',
};

/**
 * Expected IM errors. Internal API: string code + 403/404/409; open API: HTTP 400 with Feishu's IM
 * codes where they are known (230xxx messages, 232xxx chats).
 */
export const imErrors = {
  chatNotFound: () => new AppError('not_found', 'Chat not found', { status: 404, openStatus: 400, openCode: 232_006 }),
  chatDissolved: () => new AppError('chat_dissolved', 'This chat has been dissolved', { status: 404, openStatus: 400, openCode: 232_009 }),
  messageNotFound: () => new AppError('not_found', 'Message not found', { status: 404, openStatus: 400, openCode: 231_003 }),
  /** Feishu answers an unknown `thread_id` with 230001 (invalid request parameter). */
  threadNotFound: () => new AppError('not_found', 'Thread not found', { status: 404, openStatus: 400, openCode: 230_001 }),
  userNotFound: () => new AppError('not_found', 'User not found', { status: 404, openStatus: 400, openCode: 230_001 }),
  notMember: (area: 'chat' | 'message') =>
    new AppError('not_chat_member', 'You are not a member of this chat', {
      status: 403,
      openStatus: 400,
      // Feishu: 230002 "the bot can not be outside the group" (messages), 232011 "operator can not be out of the chat".
      openCode: area === 'message' ? 230_002 : 232_011,
    }),
  forbidden: (area: 'chat' | 'message', message: string) =>
    new AppError('forbidden', message, { status: 403, openStatus: 400, openCode: area === 'message' ? 230_027 : 232_014 }),
  postNotAllowed: () =>
    new AppError('post_not_allowed', 'Only some members may post in this chat', { status: 403, openStatus: 400, openCode: 230_027 }),
  atAllNotAllowed: () =>
    new AppError('at_all_not_allowed', 'You may not mention everyone in this chat', { status: 403, openStatus: 400, openCode: 230_027 }),
  recallWindowPassed: () =>
    new AppError('recall_window_passed', 'This message is too old to recall', { status: 403, openStatus: 400, openCode: 230_027 }),
  recalled: () => new AppError('message_recalled', 'This message was recalled', { status: 409, openStatus: 400, openCode: 230_011 }),
  notEditable: (message: string) => new AppError('not_editable', message, { status: 409, openStatus: 400, openCode: 230_001 }),
  ownerMustTransfer: () =>
    new AppError('owner_must_transfer', 'Transfer ownership before leaving the chat', { status: 409, openStatus: 400, openCode: 232_014 }),
  staleAnnouncement: () =>
    new AppError('revision_conflict', 'The announcement changed since that revision; read it again', {
      status: 409,
      openStatus: 400,
      openCode: 232_001,
    }),
  departmentChatExists: () =>
    new AppError('department_chat_exists', 'This department already has a department group', {
      status: 409,
      openStatus: 400,
      openCode: 232_014,
    }),
  /** Feishu has no code of its own for this: 230001 (invalid request), with a message that says why. */
  systemMessage: () =>
    new AppError('system_message', 'System messages cannot be edited, recalled, reacted to, replied to, pinned, buzzed or forwarded', {
      status: 409,
      openStatus: 400,
      openCode: 230_001,
    }),
  notInP2p: () => new AppError('p2p_not_allowed', 'Not possible in a one-to-one chat', { status: 409, openStatus: 400, openCode: 232_017 }),
};

/** The acting party: a user, or an app's bot. The system actor never chats. */
export function partyOf(ctx: Ctx): Party {
  if (ctx.actor.type === 'user') return { kind: 'user', id: ctx.actor.userId };
  if (ctx.actor.type === 'app') return { kind: 'app', id: ctx.actor.appId };
  throw errors.forbidden('Only people and apps take part in chats');
}

/**
 * Open-platform callers need a scope: `im:chat` to manage chats, `im:message` to send and read.
 * Web sessions carry no scopes and are not limited here.
 */
export function assertScope(ctx: Ctx, ...scopes: string[]): void {
  if (!ctx.scopes && ctx.actor.type !== 'app') return;
  if (!scopes.some((scope) => ctx.scopes?.includes(scope))) {
    throw new AppError('forbidden', `The app lacks the ${scopes.join(' or ')} scope`, {
      status: 403,
      openStatus: 400,
      openCode: 99_991_672,
    });
  }
}

export function settingsOf(chat: ChatRow): ChatSettings {
  return { ...DEFAULT_SETTINGS, ...(chat.settings as Partial<ChatSettings>) };
}

function isManager(member: MemberRow | undefined): boolean {
  return member?.role === 'owner' || member?.role === 'admin';
}

/** What the member may do here; the UI shows exactly this, and commands check the same function. */
export function chatPermissions(chat: ChatRow, member: MemberRow | undefined): ChatView['permissions'] {
  const settings = settingsOf(chat);
  const live = Boolean(member) && !chat.dissolved;
  const group = chat.chat_type === 'group';
  const manager = isManager(member);
  const listed =
    settings.postPolicy === 'listed' && member?.member_kind === 'user' && settings.postAllowedUserIds.includes(member.member_id);
  const post = live && (!group || settings.postPolicy === 'all' || manager || listed);
  return {
    post,
    manage: live && group && manager,
    addMembers: live && group && (settings.addMemberPolicy === 'all' || manager),
    atAll: live && group && (settings.atAllPolicy === 'all' || manager),
    // The buzz and pin policies are group settings: both people of a p2p chat always may.
    buzz: live && (!group || settings.buzzPolicy === 'all' || manager),
    pin: post && (!group || settings.pinPolicy === 'all' || manager),
    leave: live && group && member?.role !== 'owner',
    dissolve: live && group && member?.role === 'owner',
  };
}

/** The chat exists, is not dissolved, and the caller is a member. */
export function assertMember(chat: ChatRow, member: MemberRow | undefined, area: 'chat' | 'message'): asserts member is MemberRow {
  if (chat.dissolved) throw imErrors.chatDissolved();
  if (!member) throw imErrors.notMember(area);
}

/** The timeline's system lines (a member added, the name changed) are the server's: nobody acts on them. */
export function assertNotSystem(message: Pick<MessageRow, 'msg_type'>): void {
  if (message.msg_type === 'system') throw imErrors.systemMessage();
}
