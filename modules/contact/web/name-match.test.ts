import { describe, expect, it } from 'vitest';
import { matchName } from './name-match.ts';

describe('matchName', () => {
  it('finds Chinese names by initials, full pinyin and characters', () => {
    expect(matchName('张三', 'zs')).toEqual([0, 1]);
    expect(matchName('张三', 'zhangsan')).toEqual([0, 1]);
    expect(matchName('研发中心', '研发')).toEqual([0, 1]);
  });

  it('finds Latin names case-insensitively', () => {
    expect(matchName('Alice Wang', 'wang')).toEqual([6, 7, 8, 9]);
  });

  it('returns null when nothing matches and [] for an empty query', () => {
    expect(matchName('张三', 'ls')).toBeNull();
    expect(matchName('张三', '  ')).toEqual([]);
  });
});
