import { describe, expect, it } from 'vitest';
import { avatarInitials } from './avatar-initials.ts';

describe('avatarInitials', () => {
  it('shows the first character of a Chinese name', () => {
    expect(avatarInitials('张三')).toBe('张');
    expect(avatarInitials(' 欧阳娜娜 ')).toBe('欧');
  });

  it('shows up to two initials of a Latin name', () => {
    expect(avatarInitials('Alice Wang')).toBe('AW');
    expect(avatarInitials('alice')).toBe('A');
    expect(avatarInitials('Jean-Luc Picard Smith')).toBe('JL');
  });

  it('keeps emoji whole and never returns an empty string', () => {
    expect(avatarInitials('🙂 Smile')).toBe('🙂S');
    expect(avatarInitials('   ')).toBe('?');
  });
});
