import type { SystemMessageView, SystemPartyView } from '@kite/im/contract';
import { formatMessage } from '@kite/ui/format-message';
import type { Locale } from '@kite/ui/i18n';
import { describe, expect, it, vi } from 'vitest';
import { systemSegments, systemText } from './system-line.ts';
import { type SystemLineKey, systemLineMessages } from './system-line-messages.ts';

// The i18n runtime is React (and Semi); its catalog helper is all these words need.
vi.mock('@kite/ui/i18n', () => ({ defineMessages: (english: object, chinese: object) => ({ 'en-US': english, 'zh-CN': chinese }) }));

const person = (id: string, name: string): SystemPartyView => ({ type: 'user', id, name });
const alice = person('u-alice', 'Alice');
const bob = person('u-bob', 'Bob');

function wording(locale: Locale, viewerUserId = 'u-viewer') {
  return {
    locale,
    viewerUserId,
    t: (key: SystemLineKey, values?: Record<string, string | number>) => formatMessage(systemLineMessages[locale][key], values, locale),
  };
}

function line(overrides: Partial<SystemMessageView>): SystemMessageView {
  return { template: 'members_added', operator: alice, targets: [bob], targetCount: 1, ...overrides };
}

describe('system lines', () => {
  it('words a line in the viewer’s language, the viewer as “you”', () => {
    expect(systemText(line({}), wording('en-US'))).toBe('Alice added Bob to the group');
    expect(systemText(line({}), wording('zh-CN'))).toBe('Alice 邀请 Bob 加入了群聊');
    expect(systemText(line({}), wording('en-US', 'u-alice'))).toBe('You added Bob to the group');
    expect(systemText(line({}), wording('en-US', 'u-bob'))).toBe('Alice added you to the group');
    expect(systemText(line({ template: 'member_left', targets: [], targetCount: 0 }), wording('zh-CN', 'u-alice'))).toBe('你 退出了群聊');
  });

  it('lists up to three names, then counts the others in the locale’s way', () => {
    const many = ['Bob', 'Carol', 'Dave', 'Erin', 'Frank'].map((name) => person(`u-${name}`, name));
    expect(systemText(line({ targets: many.slice(0, 3), targetCount: 3 }), wording('en-US'))).toBe(
      'Alice added Bob, Carol, and Dave to the group',
    );
    expect(systemText(line({ targets: many, targetCount: 30 }), wording('en-US'))).toBe(
      'Alice added Bob, Carol, Dave, and 27 others to the group',
    );
    expect(systemText(line({ targets: many, targetCount: 30 }), wording('zh-CN'))).toBe(
      'Alice 邀请 Bob、Carol、Dave和其他 27 人 加入了群聊',
    );
    const segments = systemSegments(line({ targets: many, targetCount: 30 }), wording('en-US'));
    const others = segments.find((segment) => segment.kind === 'others');
    // The named ones beyond the first three are there for a tooltip.
    expect(others).toMatchObject({ text: '27 others', parties: [many[3], many[4]] });
    expect(segments.filter((segment) => segment.kind === 'party').map((segment) => segment.text)).toEqual([
      'Alice',
      'Bob',
      'Carol',
      'Dave',
    ]);
  });

  it('fills a new name as text (even one that looks like a placeholder) and links a pinned message', () => {
    expect(systemText(line({ template: 'chat_renamed', targets: [], targetCount: 0, name: '{operator} team' }), wording('en-US'))).toBe(
      'Alice changed the group name to “{operator} team”',
    );
    const pinned = systemSegments(line({ template: 'message_pinned', targets: [], targetCount: 0, messageId: 'om_1' }), wording('en-US'));
    expect(pinned.at(-1)).toEqual({ kind: 'message', text: 'a message', messageId: 'om_1' });
  });

  it('reads department changes and unknown people without an operator', () => {
    expect(systemText(line({ template: 'department_members_added', operator: null }), wording('en-US'))).toBe(
      'Bob joined the group with the department',
    );
    expect(systemText(line({ operator: person('u-gone', '') }), wording('en-US'))).toBe('Someone added Bob to the group');
    expect(systemText(line({ template: 'chat_created', targets: [], targetCount: 0 }), wording('zh-CN'))).toBe('Alice 创建了群组');
    expect(systemText(line({ template: 'chat_created' }), wording('en-US'))).toBe('Alice created the group and invited Bob');
    expect(systemText(undefined, wording('en-US'))).toBe('System message');
  });
});
