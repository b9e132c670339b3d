import { match } from 'pinyin-pro';

/**
 * Which characters of `name` a query matches, by the characters themselves, full pinyin
 * ("zhangsan") or initials ("zs"); null when it does not match. Used to filter the department tree
 * on the spot and to highlight why a person was found (the server does the people search itself).
 */
export function matchName(name: string, query: string): number[] | null {
  const needle = query.trim().toLowerCase().replace(/\s+/g, '');
  if (!needle) return [];
  const plainIndex = name.toLowerCase().indexOf(needle);
  if (plainIndex >= 0) return Array.from({ length: needle.length }, (_, offset) => plainIndex + offset);
  return match(name, needle, { precision: 'start' });
}
