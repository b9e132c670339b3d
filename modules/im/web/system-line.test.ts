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
    expect(systemText(line({}), wording('zh-CN'))).toBe('Alice邀请Bob加入群聊');
    expect(systemText(line({}), wording('en-US', 'u-alice'))).toBe('You added Bob to the group');
    expect(systemText(line({}), wording('en-US', 'u-bob'))).toBe('Alice added you to the group');
    expect(systemText(line({ template: 'member_left', targets: [], targetCount: 0 }), wording('zh-CN', 'u-alice'))).toBe('你退出了群聊');
  });

  it('lists up to three names, then counts the others in the locale’s way', () => {
    const many = ['Bob', 'Carol', 'Dave', 'Erin', 'Frank'].map((name) => person(`u-${name}`, name));
    expect(systemText(line({ targets: many.slice(0, 3), targetCount: 3 }), wording('en-US'))).toBe(
      'Alice added Bob, Carol, and Dave to the group',
    );
    expect(systemText(line({ targets: many, targetCount: 30 }), wording('en-US'))).toBe(
      'Alice added Bob, Carol, Dave, and 27 others to the group',
    );
    expect(systemText(line({ targets: many, targetCount: 30 }), wording('zh-CN'))).toBe('Alice邀请Bob、Carol、Dave和其他27人加入群聊');
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
    expect(systemText(line({ template: 'chat_created', targets: [], targetCount: 0 }), wording('zh-CN'))).toBe('Alice创建了群组');
    expect(systemText(line({ template: 'chat_created' }), wording('en-US'))).toBe('Alice created the group and invited Bob');
    expect(systemText(undefined, wording('en-US'))).toBe('System message');
  });

  it('puts no spaces around names in Chinese, as Feishu does', () => {
    const spaced = Object.entries(systemLineMessages['zh-CN']).filter(([, text]) =>
      /\s\{(operator|targets|message)\}|\{(operator|targets|message)\}\s/.test(text),
    );
    expect(spaced).toEqual([]);
    const admins = line({ template: 'admins_added', targets: [bob, person('u-carol', 'Carol')], targetCount: 2 });
    expect(systemText(admins, wording('zh-CN', 'u-bob'))).toBe('Alice将你和Carol设为群管理员');
    expect(systemText(line({ template: 'chat_created' }), wording('zh-CN'))).toBe('Alice创建了群组并邀请Bob加入');
    expect(systemText(line({ template: 'chat_renamed', targets: [], targetCount: 0, name: '发布 小组' }), wording('zh-CN'))).toBe(
      'Alice将群名称修改为“发布 小组”',
    );
  });

  it('words an unpinned message, linked, in both languages', () => {
    const unpinned = line({ template: 'message_unpinned', targets: [], targetCount: 0, messageId: 'om_2' });
    expect(systemText(unpinned, wording('en-US'))).toBe('Alice unpinned a message');
    expect(systemText(unpinned, wording('zh-CN'))).toBe('Alice取消Pin了一条消息');
    expect(systemText(line({ ...unpinned, template: 'message_pinned' }), wording('zh-CN', 'u-alice'))).toBe('你Pin了一条消息');
    expect(systemSegments(unpinned, wording('zh-CN')).at(-1)).toEqual({ kind: 'message', text: '一条消息', messageId: 'om_2' });
  });

  it('names the new value of a changed group setting, one setting per line', () => {
    const changed = (setting: SystemMessageView['setting']) => line({ template: 'settings_changed', targets: [], targetCount: 0, setting });
    expect(systemText(changed({ name: 'postPolicy', value: 'admins' }), wording('en-US'))).toBe(
      'Alice changed the group settings: only the owner and admins can post',
    );
    expect(systemText(changed({ name: 'postPolicy', value: 'admins' }), wording('zh-CN'))).toBe(
      'Alice将群设置修改为仅群主和群管理员可发言',
    );
    expect(systemText(changed({ name: 'postPolicy', value: 'listed' }), wording('zh-CN'))).toBe(
      'Alice将群设置修改为仅群主、群管理员和指定成员可发言',
    );
    expect(systemText(changed({ name: 'addMemberPolicy', value: 'all' }), wording('en-US', 'u-alice'))).toBe(
      'You changed the group settings: all members can add members',
    );
    expect(systemText(changed({ name: 'atAllPolicy', value: 'admins' }), wording('zh-CN'))).toBe(
      'Alice将群设置修改为仅群主和群管理员可@所有人',
    );
    expect(systemText(changed({ name: 'buzzPolicy', value: 'admins' }), wording('en-US'))).toBe(
      'Alice changed the group settings: only the owner and admins can buzz',
    );
    expect(systemText(changed({ name: 'buzzPolicy', value: 'all' }), wording('zh-CN'))).toBe('Alice将群设置修改为所有群成员可发送加急');
    expect(systemText(changed({ name: 'messageForm', value: 'thread' }), wording('zh-CN'))).toBe('Alice将群设置修改为以话题形式发送消息');
    expect(systemText(changed({ name: 'messageForm', value: 'chat' }), wording('en-US'))).toBe(
      'Alice changed the group settings: messages are shown as a conversation',
    );
    expect(systemText(changed({ name: 'pinPolicy', value: 'admins' }), wording('zh-CN'))).toBe(
      'Alice将群设置修改为仅群主和群管理员可 Pin 消息',
    );
    expect(systemText(changed({ name: 'pinPolicy', value: 'all' }), wording('en-US'))).toBe(
      'Alice changed the group settings: all members can pin messages',
    );
  });
});
