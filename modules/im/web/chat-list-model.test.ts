import type { ChatView, MessageView } from '@kite/im/contract';
import { describe, expect, it } from 'vitest';
import {
  chatNameMatches,
  chatWithNewMessage,
  filterChats,
  mergeMessage,
  reactionsAfterEvent,
  sortChats,
  stepChat,
  timelineUnread,
  totalUnread,
} from './chat-list-model.ts';
import { fakeMessage } from './view-fixtures.ts';

function chat(id: string, overrides: Partial<ChatView> = {}): ChatView {
  return {
    id,
    chatId: `oc_${id}`,
    chatType: 'group',
    name: id,
    description: '',
    announcement: '',
    peer: null,
    ownerId: null,
    departmentId: null,
    memberCount: 2,
    settings: {
      postPolicy: 'all',
      postAllowedUserIds: [],
      addMemberPolicy: 'all',
      atAllPolicy: 'all',
      buzzPolicy: 'all',
      pinPolicy: 'all',
      messageForm: 'chat',
    },
    lastMessage: null,
    lastSeq: 0,
    lastReadSeq: 0,
    unreadCount: 0,
    unreadThreadReplyCount: 0,
    unreadMentionCount: 0,
    muted: false,
    pinned: false,
    permissions: { post: true, manage: false, addMembers: true, atAll: true, buzz: true, pin: true, leave: true, dissolve: false },
    role: 'member',
    updatedAt: '2026-11-20T00:00:00Z',
    ...overrides,
  };
}

function message(seq: number, senderId: string | null, overrides: Partial<MessageView> = {}): MessageView {
  return fakeMessage(seq, senderId, `2026-11-21T00:00:0${seq}Z`, overrides);
}

describe('sortChats and filterChats', () => {
  it('puts pinned chats first, then the most recent activity', () => {
    const chats = [
      chat('old', { updatedAt: '2026-11-01T00:00:00Z' }),
      chat('new', { updatedAt: '2026-11-20T00:00:00Z' }),
      chat('pinned', { pinned: true, updatedAt: '2026-10-01T00:00:00Z' }),
    ];
    expect(sortChats(chats).map((c) => c.id)).toEqual(['pinned', 'new', 'old']);
  });

  it('filters by name (pinyin and initials too) and by unread', () => {
    const chats = [chat('a', { name: '产品研发群', unreadCount: 2 }), chat('b', { name: 'Design' })];
    expect(chatNameMatches('产品研发群', 'cpyf')).toBe(true);
    expect(chatNameMatches('产品研发群', 'chanpin')).toBe(true);
    expect(filterChats(chats, { query: 'des', unreadOnly: false }).map((c) => c.id)).toEqual(['b']);
    expect(filterChats(chats, { query: '', unreadOnly: true }).map((c) => c.id)).toEqual(['a']);
  });

  it('counts unread messages of chats that are not muted', () => {
    expect(totalUnread([chat('a', { unreadCount: 3 }), chat('b', { unreadCount: 5, muted: true })])).toBe(3);
  });
});

describe('chatWithNewMessage', () => {
  const viewer = { userId: 'me', ids: new Set(['me', 'ou_me']) };

  it('counts a message from someone else as unread, and a mention of the viewer', () => {
    const next = chatWithNewMessage(
      chat('c', { lastSeq: 4, lastReadSeq: 4 }),
      message(5, 'other', { mentions: [{ key: '@_user_1', id: 'ou_me', name: 'Me' }] }),
      viewer,
    );
    expect([next.lastSeq, next.unreadCount, next.unreadMentionCount, next.lastMessage?.seq]).toEqual([5, 1, 1, 5]);
  });

  it('treats an own message as read up to it', () => {
    const next = chatWithNewMessage(chat('c', { lastSeq: 4, lastReadSeq: 2, unreadCount: 2 }), message(5, 'me'), viewer);
    expect([next.lastReadSeq, next.unreadCount]).toEqual([5, 0]);
  });

  it('moves a chat on for a system line without counting it as unread', () => {
    const line = message(5, null, { msgType: 'system' });
    const next = chatWithNewMessage(chat('c', { lastSeq: 4, lastReadSeq: 3, unreadCount: 1 }), line, viewer);
    expect([next.lastSeq, next.lastReadSeq, next.unreadCount, next.lastMessage?.msgType]).toEqual([5, 3, 1, 'system']);
  });

  it('counts a thread reply only in a thread the viewer takes part in, or when it names the viewer', () => {
    const before = chat('c', { lastSeq: 4, lastReadSeq: 4 });
    const reply = (overrides: Partial<MessageView> = {}) => message(5, 'other', { inThread: true, rootId: 'root', ...overrides });
    const counts = (next: ChatView) => [next.lastSeq, next.unreadCount, next.unreadMentionCount];
    expect(counts(chatWithNewMessage(before, reply(), viewer))).toEqual([5, 0, 0]);
    expect(counts(chatWithNewMessage(before, reply(), { ...viewer, inViewersThread: true }))).toEqual([5, 1, 0]);
    const mention = reply({ mentions: [{ key: '@_user_1', id: 'ou_me', name: 'Me' }] });
    expect(counts(chatWithNewMessage(before, mention, viewer))).toEqual([5, 1, 1]);
    expect(counts(chatWithNewMessage(before, reply({ mentionsAll: true }), viewer))).toEqual([5, 1, 1]);
  });

  it('keeps unread thread replies apart: an own timeline message reads the timeline only, an own thread reply its thread', () => {
    const before = chat('c', { lastSeq: 6, lastReadSeq: 3, unreadCount: 5, unreadThreadReplyCount: 2 });
    const reply = chatWithNewMessage(before, message(7, 'other', { inThread: true, rootId: 'root' }), { ...viewer, inViewersThread: true });
    expect([reply.unreadCount, reply.unreadThreadReplyCount, reply.lastReadSeq]).toEqual([6, 3, 3]);
    expect(timelineUnread(reply)).toBe(3);
    const own = chatWithNewMessage(reply, message(8, 'me'), viewer);
    expect([own.unreadCount, own.unreadThreadReplyCount, own.lastReadSeq]).toEqual([3, 3, 8]);
    const ownReply = chatWithNewMessage(own, message(9, 'me', { inThread: true, rootId: 'root' }), { ...viewer, readThreadReplies: 2 });
    expect([ownReply.unreadCount, ownReply.unreadThreadReplyCount]).toEqual([1, 1]);
  });

  it('ignores a message it has already counted', () => {
    const seen = chatWithNewMessage(chat('c', { lastSeq: 4 }), message(5, 'other'), viewer);
    expect(chatWithNewMessage(seen, message(5, 'other'), viewer)).toBe(seen);
  });
});

describe('mergeMessage and reactionsAfterEvent', () => {
  it('keeps the cached reactions and read count when an event leaves them out', () => {
    const cached = message(1, 'a', { reactions: [{ emojiType: 'THUMBSUP', count: 1, reactedByMe: true }], unreadCount: 2 });
    const { reactions: _reactions, unreadCount: _unread, ...eventView } = message(1, 'a', { edited: true });
    const merged = mergeMessage(cached, eventView);
    expect([merged.edited, merged.reactions, merged.unreadCount]).toEqual([true, cached.reactions, 2]);
  });

  it('takes the reported counts, keeps the viewer’s flags and applies the viewer’s own change', () => {
    const cached = [{ emojiType: 'THUMBSUP', count: 1, reactedByMe: true }];
    const counts = [
      { emojiType: 'THUMBSUP', count: 2 },
      { emojiType: 'OK', count: 1 },
    ];
    expect(reactionsAfterEvent(cached, { emojiType: 'OK', counts, byViewer: false, added: true })).toEqual([
      { emojiType: 'THUMBSUP', count: 2, reactedByMe: true },
      { emojiType: 'OK', count: 1, reactedByMe: false },
    ]);
    expect(
      reactionsAfterEvent(cached, { emojiType: 'THUMBSUP', counts: [{ emojiType: 'THUMBSUP', count: 0 }], byViewer: true, added: false }),
    ).toEqual([]);
  });
});

describe('stepChat', () => {
  const chats = [chat('a'), chat('b', { unreadCount: 2 }), chat('c'), chat('d', { unreadCount: 1 })];
  const ids = (found: ChatView | undefined) => found?.id;

  it('steps up and down the list, stopping at its ends', () => {
    expect(ids(stepChat(chats, 'b', 1))).toBe('c');
    expect(ids(stepChat(chats, 'b', -1))).toBe('a');
    expect(ids(stepChat(chats, 'd', 1))).toBe('d');
    expect(ids(stepChat(chats, 'a', -1))).toBe('a');
    expect(ids(stepChat(chats, null, 1))).toBe('a');
    expect(ids(stepChat(chats, null, -1))).toBe('d');
    expect(ids(stepChat(chats, 'oc_c', -1))).toBe('b'); // selected by public id
    expect(stepChat([], 'a', 1)).toBeUndefined();
  });

  it('finds the nearest unread chat either way, wrapping around, never the one open', () => {
    expect(ids(stepChat(chats, 'a', 1, { unread: true }))).toBe('b');
    expect(ids(stepChat(chats, 'b', 1, { unread: true }))).toBe('d');
    expect(ids(stepChat(chats, 'd', 1, { unread: true }))).toBe('b');
    expect(ids(stepChat(chats, 'c', -1, { unread: true }))).toBe('b');
    expect(ids(stepChat(chats, 'a', -1, { unread: true }))).toBe('d');
    expect(ids(stepChat(chats, null, -1, { unread: true }))).toBe('d');
    expect(stepChat([chat('x', { unreadCount: 3 })], 'x', 1, { unread: true })).toBeUndefined();
    expect(stepChat([chat('x'), chat('y')], 'x', 1, { unread: true })).toBeUndefined();
  });
});
