import { describe, expect, it } from 'vitest';
import { avatarColor, normaliseQuery, searchKeys } from './search-keys.ts';

describe('searchKeys', () => {
  it('gives full pinyin and initials for Chinese names', () => {
    expect(searchKeys('张三')).toEqual({ pinyin: 'zhangsan', initials: 'zs' });
    expect(searchKeys('欧阳娜娜')).toEqual({ pinyin: 'ouyangnana', initials: 'oynn' });
  });

  it('keeps Latin names as words', () => {
    expect(searchKeys('Alice Wang')).toEqual({ pinyin: 'alicewang', initials: 'aw' });
    expect(searchKeys('王 Bob')).toEqual({ pinyin: 'wangbob', initials: 'wb' });
  });

  it('ignores emoji and yields nothing for scripts without a romanisation', () => {
    expect(searchKeys('🚀火箭')).toEqual({ pinyin: 'huojian', initials: 'hj' });
    expect(searchKeys('שלום')).toEqual({ pinyin: '', initials: '' });
  });

  it('normalises queries the same way', () => {
    expect(normaliseQuery(' Zhang San ')).toBe('zhangsan');
  });

  it('picks a stable avatar colour', () => {
    expect(avatarColor('abc')).toBe(avatarColor('abc'));
    expect(avatarColor('abc')).toMatch(/^#[0-9a-f]{6}$/);
  });
});
