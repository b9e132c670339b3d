import type { ChatSettings, SystemMessageView } from '@kite/im/contract';
import { describe, expect, it } from 'vitest';
import type { Party } from './im-repository.ts';
import { DEFAULT_SETTINGS } from './policy.ts';
import { chatChangeContents, membershipContent, openSystemContent, presentSystem, systemContent } from './system-messages.ts';

const person = (id: string): Party => ({ kind: 'user', id });
const names: Record<string, string> = { alice: 'Alice', bob: 'Bob', cli_bot: 'Build bot' };
const nameOf = (party: Party) => names[party.id] ?? '';

describe('system message content', () => {
  it('stores ids, not text, and names the first 50 of a batch while counting all', () => {
    const people = Array.from({ length: 60 }, (_, index) => person(`p${index}`));
    const content = systemContent('members_added', { operator: person('alice'), targets: people });
    expect(content.targets).toHaveLength(50);
    expect(content).toMatchObject({ template: 'members_added', operator: { kind: 'user', id: 'alice' }, targetCount: 60 });
    expect(JSON.stringify(content)).not.toContain('Alice');
  });

  it('picks the wording from who changed: people, bots only, or the department', () => {
    const bot: Party = { kind: 'app', id: 'cli_bot' };
    expect(membershipContent('added', person('alice'), [person('bob'), bot]).template).toBe('members_added');
    expect(membershipContent('removed', person('alice'), [bot]).template).toBe('bots_removed');
    expect(membershipContent('added', null, [person('bob')]).template).toBe('department_members_added');
    expect(membershipContent('removed', null, [person('bob')])).toMatchObject({ template: 'department_members_removed' });
  });

  it('leaves one line per changed setting, naming its new value, and one per header field', () => {
    const alice = person('alice');
    const after = (settings: Partial<ChatSettings>) => ({ name: 'Team', settings: { ...DEFAULT_SETTINGS, ...settings } });
    const lines = chatChangeContents(['name', 'settings'], alice, after({ postPolicy: 'admins', pinPolicy: 'admins' }), DEFAULT_SETTINGS);
    expect(lines.map(({ template, setting }) => [template, setting ?? null])).toEqual([
      ['chat_renamed', null],
      ['settings_changed', { name: 'postPolicy', value: 'admins' }],
      ['settings_changed', { name: 'pinPolicy', value: 'admins' }],
    ]);
    // Who is on the list of who may post matters only while the list applies.
    const listed = { ...DEFAULT_SETTINGS, postPolicy: 'listed' as const, postAllowedUserIds: ['bob'] };
    expect(chatChangeContents(['settings'], alice, after({ ...listed, postAllowedUserIds: ['bob', 'carol'] }), listed)).toEqual([
      systemContent('settings_changed', { operator: alice, setting: { name: 'postPolicy', value: 'listed' } }),
    ]);
    expect(chatChangeContents(['settings'], alice, after({ ...listed, postAllowedUserIds: ['bob'] }), listed)).toEqual([]);
    expect(chatChangeContents(['settings'], alice, after({ postAllowedUserIds: ['bob'] }), DEFAULT_SETTINGS)).toEqual([]);
  });

  it('reads a stored setting back only when it is one a line can name', () => {
    const stored = JSON.stringify(
      systemContent('settings_changed', { operator: person('alice'), setting: { name: 'buzzPolicy', value: 'admins' } }),
    );
    expect(presentSystem(stored, nameOf)).toMatchObject({ template: 'settings_changed', setting: { name: 'buzzPolicy', value: 'admins' } });
    for (const setting of [{ name: 'buzzPolicy', value: 'listed' }, { name: 'constructor', value: 'all' }, 'postPolicy']) {
      expect(presentSystem(JSON.stringify({ template: 'settings_changed', setting }), nameOf)).not.toHaveProperty('setting');
    }
  });

  it('presents names as they are now, and nothing for content that is not a system message', () => {
    const stored = JSON.stringify(systemContent('owner_transferred', { operator: person('alice'), targets: [person('bob')] }));
    expect(presentSystem(stored, nameOf)).toEqual({
      template: 'owner_transferred',
      operator: { type: 'user', id: 'alice', name: 'Alice' },
      targets: [{ type: 'user', id: 'bob', name: 'Bob' }],
      targetCount: 1,
    });
    for (const garbage of ['', '{', '[]', 'null', JSON.stringify({ template: 'hacked' }), JSON.stringify({ text: 'hi' })]) {
      expect(presentSystem(garbage, nameOf)).toBeNull();
    }
    // Malformed references are dropped, not trusted.
    const odd = JSON.stringify({
      template: 'members_added',
      operator: { kind: 'root', id: 1 },
      targets: [{ kind: 'user', id: 'bob' }, 'x'],
    });
    expect(presentSystem(odd, nameOf)).toMatchObject({ operator: null, targets: [{ id: 'bob' }], targetCount: 1 });
  });

  it('words lines for apps in Feishu’s shape', () => {
    const view = (overrides: Partial<SystemMessageView>): SystemMessageView => ({
      template: 'members_added',
      operator: { type: 'user', id: 'alice', name: 'Alice' },
      targets: [{ type: 'user', id: 'bob', name: 'Bob' }],
      targetCount: 1,
      ...overrides,
    });
    expect(JSON.parse(openSystemContent(view({})))).toEqual({
      template: '{from_user} invited {to_chatters} to the group.',
      from_user: ['Alice'],
      to_chatters: ['Bob'],
      divider_text: {},
    });
    expect(JSON.parse(openSystemContent(view({ targetCount: 30 }))).template).toBe(
      '{from_user} invited {to_chatters} and 29 others to the group.',
    );
    expect(JSON.parse(openSystemContent(view({ template: 'chat_renamed', targets: [], targetCount: 0, name: 'Q4' })))).toMatchObject({
      template: '{from_user} changed the group name to "{group_name}".',
      group_name: 'Q4',
    });
    expect(JSON.parse(openSystemContent(view({ template: 'department_members_added', operator: null })))).toMatchObject({
      from_user: [],
      to_chatters: ['Bob'],
    });
    expect(JSON.parse(openSystemContent(view({ template: 'message_unpinned', targets: [], targetCount: 0, messageId: 'om_1' })))).toEqual({
      template: '{from_user} unpinned a message.',
      from_user: ['Alice'],
      to_chatters: [],
      divider_text: {},
      message_id: 'om_1',
    });
    const setting = view({ template: 'settings_changed', targets: [], targetCount: 0, setting: { name: 'postPolicy', value: 'admins' } });
    expect(JSON.parse(openSystemContent(setting))).toEqual({
      template: '{from_user} changed the group settings: only the group owner and admins can send messages.',
      from_user: ['Alice'],
      to_chatters: [],
      divider_text: {},
    });
  });
});
