import { pinyin } from 'pinyin-pro';

/**
 * Keys that let people find 张三 by "zhangsan", "zhang san" or "zs". Latin names keep their letters,
 * so "Alice Wang" is found by "alicewang" and "aw". Stored lowercase, without spaces.
 */
export function searchKeys(name: string): { pinyin: string; initials: string } {
  const syllables = pinyin(name, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true })
    .map((part) =>
      part
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, ' ')
        .trim(),
    )
    .filter(Boolean);
  const words = syllables.flatMap((part) => part.split(' '));
  return {
    pinyin: words.join(''),
    initials: words.map((word) => word[0]).join(''),
  };
}

/** A normalised search query: lowercase, without spaces, for matching the keys above. */
export function normaliseQuery(q: string): string {
  return q.toLowerCase().replace(/\s+/g, '');
}

const AVATAR_COLORS = ['#3370ff', '#7f3bf5', '#f54a45', '#ff8800', '#2ea121', '#00b8a9', '#e5449b', '#5b65f5'];

/** A stable avatar background per person. */
export function avatarColor(seed: string): string {
  let hash = 0;
  for (const char of seed) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return AVATAR_COLORS[hash % AVATAR_COLORS.length]!;
}
