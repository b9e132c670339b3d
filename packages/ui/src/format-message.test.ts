import { describe, expect, it } from 'vitest';
import { formatMessage } from './format-message.ts';

describe('formatMessage', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(formatMessage('Hello {name}, {missing}', { name: '张三' })).toBe('Hello 张三, {missing}');
  });

  it('picks the plural form for the number', () => {
    const template = '{count, plural, one {# member} other {# members}} in {team}';
    expect(formatMessage(template, { count: 1, team: 'Sales' })).toBe('1 member in Sales');
    expect(formatMessage(template, { count: 3, team: 'Sales' })).toBe('3 members in Sales');
    expect(formatMessage('{count, plural, =0 {nobody} other {# people}}', { count: 0 })).toBe('nobody');
  });

  it('uses the other form for languages without plurals', () => {
    expect(formatMessage('{count, plural, other {# 人}}', { count: 1 }, 'zh-CN')).toBe('1 人');
  });
});
