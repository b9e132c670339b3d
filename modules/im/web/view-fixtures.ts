import type { MessageView } from '@kite/im/contract';

/**
 * A text message as the server presents it, for the web's unit tests: sequence `seq` in chat `c`,
 * sent by `senderId` (null: a system message) at `createdAt`, with `overrides` on top.
 */
export function fakeMessage(seq: number, senderId: string | null, createdAt: string, overrides: Partial<MessageView> = {}): MessageView {
  return {
    id: `m${seq}`,
    messageId: `om_${seq}`,
    chatId: 'c',
    seq,
    msgType: 'text',
    content: '{"text":"x"}',
    sender: senderId ? { type: 'user', id: senderId, name: senderId, avatarColor: '#000' } : null,
    parentId: null,
    rootId: null,
    threadId: null,
    inThread: false,
    replyCount: 0,
    unreadReplyCount: 0,
    mentions: [],
    mentionsAll: false,
    reactions: [],
    edited: false,
    recalled: false,
    createdAt,
    updatedAt: createdAt,
    unreadCount: null,
    ...overrides,
  };
}
