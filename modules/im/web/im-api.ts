import type { DepartmentView, UserView } from '@kite/contact/contract';
import type {
  CardActionInput,
  CardActionResult,
  ChatSettings,
  ChatView,
  CreateChatInput,
  CreateDepartmentChatInput,
  MessageView,
  ReactorsPage,
  RetentionInput,
  SendMessageInput,
  ThreadReadAnswer,
  UserRef,
} from '@kite/im/contract';
import { api } from '@kite/ui/api-client';

/** `GET /api/im/chats` */
export interface ChatListAnswer {
  items: ChatView[];
  nextCursor: string | null;
  totalUnread: number;
}

/** One page of history, ascending by `seq`. */
export interface MessagePage {
  items: MessageView[];
  /** Older messages exist (for a page read with `after`: newer ones). */
  hasMore: boolean;
  /** A page around a message: newer messages exist after it. */
  hasNewer?: boolean;
  /** A page around a thread reply (`aroundMessageId`): the reply is in this root's thread, the page is around the root. */
  threadRootId?: string;
}

/** Where a history page starts: the newest (nothing), before or after a `seq`, or around a message. */
export interface HistoryCursor {
  before?: number;
  after?: number;
  around?: number;
  aroundMessageId?: string;
}

export type MemberRole = 'owner' | 'admin' | 'member';

export interface ChatMember {
  user: UserRef;
  role: MemberRole;
}

export interface MemberPage {
  items: ChatMember[];
  nextCursor: string | null;
  total: number;
}

export interface ReadUsers {
  read: UserRef[];
  unread: UserRef[];
}

export interface UpdateChatPatch {
  name?: string;
  description?: string;
  announcement?: string;
  settings?: Partial<ChatSettings>;
}

/** Every messenger query key starts with `im`, so a reset can refetch them all. */
export const imQueryKeys = {
  all: ['im'] as const,
  chats: ['im', 'chats'] as const,
  chat: (id: string) => ['im', 'chat', id] as const,
  messages: (chatId: string) => ['im', 'messages', chatId] as const,
  thread: (chatId: string, rootId: string) => ['im', 'thread', chatId, rootId] as const,
  members: (chatId: string) => ['im', 'members', chatId] as const,
  readUsers: (messageId: string) => ['im', 'read-users', messageId] as const,
  /** Who reacted to a message: every emoji's list (`reactorsOf`) is stale after any reaction event. */
  reactorsOf: (messageId: string) => ['im', 'reactors', messageId] as const,
  reactors: (messageId: string, emojiType: string) => ['im', 'reactors', messageId, emojiType] as const,
  people: (q: string) => ['im', 'people', q] as const,
};

const chatPath = (id: string) => `/api/im/chats/${encodeURIComponent(id)}`;
const messagePath = (id: string) => `/api/im/messages/${encodeURIComponent(id)}`;

/** The chat list is short for most people; one generous page covers it, the cursor the rest. */
export const CHAT_PAGE_SIZE = 100;
export const MESSAGE_PAGE_SIZE = 50;
/** Replies per page of a thread panel. */
export const THREAD_PAGE_SIZE = 100;

export function fetchChats(cursor?: string | null): Promise<ChatListAnswer> {
  return api.get('/api/im/chats', { query: { cursor, limit: CHAT_PAGE_SIZE } });
}

export function fetchChat(id: string): Promise<ChatView> {
  return api.get(chatPath(id));
}

export function createChat(input: CreateChatInput): Promise<ChatView> {
  return api.post('/api/im/chats', input);
}

export function updateChat(id: string, patch: UpdateChatPatch): Promise<ChatView> {
  return api.patch(chatPath(id), patch);
}

export function updateMyChatSettings(id: string, patch: { muted?: boolean; pinned?: boolean; draft?: string }): Promise<ChatView> {
  return api.patch(`${chatPath(id)}/me`, patch);
}

export function dissolveChat(id: string): Promise<unknown> {
  return api.delete(chatPath(id));
}

export function leaveChat(id: string): Promise<unknown> {
  return api.post(`${chatPath(id)}/leave`);
}

export function transferChat(id: string, userId: string): Promise<ChatView> {
  return api.post(`${chatPath(id)}/transfer`, { userId });
}

export function fetchMembers(id: string, cursor?: string | null): Promise<MemberPage> {
  return api.get(`${chatPath(id)}/members`, { query: { cursor, limit: 100 } });
}

export function addMembers(id: string, userIds: string[]): Promise<ChatView> {
  return api.post(`${chatPath(id)}/members`, { userIds });
}

export function removeMembers(id: string, userIds: string[]): Promise<ChatView> {
  return api.delete(`${chatPath(id)}/members`, { userIds });
}

export function setAdmins(id: string, userIds: string[], admin: boolean): Promise<ChatView> {
  return admin ? api.post(`${chatPath(id)}/admins`, { userIds }) : api.delete(`${chatPath(id)}/admins`, { userIds });
}

export function fetchMessages(chatId: string, params: HistoryCursor & { threadRootId?: string; limit?: number }) {
  return api.get<MessagePage>(`${chatPath(chatId)}/messages`, { query: { limit: MESSAGE_PAGE_SIZE, ...params } });
}

export function sendMessage(chatId: string, input: SendMessageInput): Promise<MessageView> {
  return api.post(`${chatPath(chatId)}/messages`, input);
}

export function editMessage(id: string, content: string): Promise<MessageView> {
  return api.patch(messagePath(id), { content });
}

export function recallMessage(id: string): Promise<MessageView> {
  return api.post(`${messagePath(id)}/recall`);
}

export function toggleReaction(id: string, emojiType: string, add: boolean): Promise<MessageView> {
  return add ? api.post(`${messagePath(id)}/reactions`, { emojiType }) : api.delete(`${messagePath(id)}/reactions`, { emojiType });
}

/** A click on a bot's card: the app's toast for the clicker, and the card if the app replaced it. */
export function postCardAction(id: string, input: CardActionInput): Promise<CardActionResult> {
  return api.post(`${messagePath(id)}/card-actions`, input);
}

export function fetchReadUsers(id: string): Promise<ReadUsers> {
  return api.get(`${messagePath(id)}/read-users`);
}

/** Who reacted to a message with `emojiType`, first reactors first (`cursor`: the page before's `nextCursor`). */
export function fetchReactors(messageId: string, emojiType: string, cursor?: string | null): Promise<ReactorsPage> {
  return api.get(`${messagePath(messageId)}/reactors`, { query: { emojiType, cursor: cursor ?? undefined, limit: REACTOR_PAGE_SIZE } });
}

export const REACTOR_PAGE_SIZE = 50;

export function markRead(
  chatId: string,
  seq: number,
): Promise<{ lastReadSeq: number; unreadCount: number; unreadThreadReplyCount: number }> {
  return api.post(`${chatPath(chatId)}/read`, { seq });
}

/** Reads a thread up to `seq` (its newest reply at most): its "N new replies" and its part of the chat's unread go. */
export function markThreadRead(chatId: string, rootId: string, seq: number): Promise<ThreadReadAnswer> {
  return api.post(`${chatPath(chatId)}/threads/${encodeURIComponent(rootId)}/read`, { seq });
}

export function createDepartmentChat(input: CreateDepartmentChatInput): Promise<ChatView> {
  return api.post('/api/im/department-chats', input);
}

/** The org tree, flat (parent ids), for the department-group picker. */
export function fetchDepartments(): Promise<{ items: DepartmentView[] }> {
  return api.get('/api/contact/departments');
}

/** Tenant messenger settings (admins). */
export function fetchImSettings(): Promise<{ retentionDays: number | null }> {
  return api.get('/api/im/settings');
}

export function saveImSettings(input: RetentionInput): Promise<{ retentionDays: number | null }> {
  return api.put('/api/im/settings', input);
}

/** The directory search (name, pinyin, initials, e-mail) for the people pickers. */
export function searchPeople(q: string): Promise<{ items: UserView[]; nextCursor: string | null }> {
  return api.get('/api/contact/users', { query: { q, status: 'active', limit: 20 } });
}
