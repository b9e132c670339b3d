import type { UrgentAlertView } from '@kite/im/contract';
import { describe, expect, it } from 'vitest';
import { buzzNotice, mentionsByName, messageNotice, messagePath, type NoticeWords, shouldNotifyMessage } from './notification-rules.ts';
import { fakeMessage } from './view-fixtures.ts';

const words: NoticeWords = {
  unknownSender: 'Unknown',
  mentioned: '[@You]',
  groupTitle: (sender, chat) => `${sender} in ${chat}`,
  buzzed: (name) => `${name} buzzed you`,
  buzzedIn: (name, chat) => `${name} buzzed you in ${chat}`,
  preview: (message) => (JSON.parse(message.content) as { text: string }).text,
};

const quiet = { own: false, system: false, muted: false, mentionsMe: false, inFocus: false };

describe('shouldNotifyMessage', () => {
  it('notifies of other people’s messages in chats nobody is looking at', () => {
    expect(shouldNotifyMessage(quiet)).toBe(true);
    expect(shouldNotifyMessage({ ...quiet, own: true })).toBe(false);
    expect(shouldNotifyMessage({ ...quiet, system: true, mentionsMe: true })).toBe(false);
    expect(shouldNotifyMessage({ ...quiet, inFocus: true })).toBe(false);
    expect(shouldNotifyMessage({ ...quiet, inFocus: true, mentionsMe: true })).toBe(false);
  });

  it('keeps muted chats quiet unless the message @mentions the viewer', () => {
    expect(shouldNotifyMessage({ ...quiet, muted: true })).toBe(false);
    expect(shouldNotifyMessage({ ...quiet, muted: true, mentionsMe: true })).toBe(true);
  });
});

describe('mentionsByName', () => {
  const me = new Set(['u1', 'ou_1']);
  it('counts a mention of any of the viewer’s ids, never @all', () => {
    expect(
      mentionsByName(fakeMessage(1, 'u2', '2026-11-24T10:00:00Z', { mentions: [{ key: '@_user_1', id: 'ou_1', name: 'Me' }] }), me),
    ).toBe(true);
    expect(mentionsByName(fakeMessage(1, 'u2', '2026-11-24T10:00:00Z', { mentionsAll: true }), me)).toBe(false);
    expect(
      mentionsByName(fakeMessage(1, 'u2', '2026-11-24T10:00:00Z', { mentions: [{ key: '@_user_1', id: 'u3', name: 'Other' }] }), me),
    ).toBe(false);
  });
});

describe('notice texts', () => {
  const message = fakeMessage(3, 'Bob', '2026-11-24T10:00:00Z', { content: '{"text":"Deploy at six"}' });

  it('titles group messages with the sender and the group, direct ones with the sender', () => {
    expect(messageNotice(message, { chatType: 'group', name: 'Launch' }, false, words)).toEqual({
      title: 'Bob in Launch',
      body: 'Deploy at six',
    });
    expect(messageNotice(message, { chatType: 'p2p', name: 'Bob' }, true, words)).toEqual({ title: 'Bob', body: '[@You] Deploy at six' });
    expect(messageNotice({ ...message, sender: null }, undefined, false, words).title).toBe('Unknown');
  });

  it('says who buzzed, and whose message it is when someone else sent it', () => {
    const alert: UrgentAlertView = {
      message,
      chat: { id: 'c1', chatId: 'oc_1', chatType: 'group', name: 'Launch' },
      buzzedBy: { type: 'user', id: 'alice', name: 'Alice', avatarColor: '#000' },
      buzzedAt: '2026-11-24T10:01:00Z',
    };
    expect(buzzNotice(alert, words)).toEqual({ title: 'Alice buzzed you in Launch', body: 'Bob: Deploy at six' });
    const own = { ...alert, chat: { ...alert.chat, chatType: 'p2p' as const }, buzzedBy: { ...alert.buzzedBy, name: 'Bob' } };
    expect(buzzNotice(own, words)).toEqual({ title: 'Bob buzzed you', body: 'Deploy at six' });
  });

  it('leads to the message in its chat', () => {
    expect(messagePath('c 1', 'om_3')).toBe('/messenger/c%201?message=om_3');
  });
});
