const CJK = /[\u3400-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}]/u;

/**
 * What a text avatar shows: the first character of a name written in Chinese characters, or up to
 * two initials of a Latin name ("Alice Wang" → "AW", "alice" → "A"). Emoji and other scripts fall
 * back to the first character, taken whole (surrogate pairs stay together).
 */
export function avatarInitials(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) return '?';
  const first = Array.from(trimmed)[0] ?? '?';
  if (CJK.test(first)) return first;
  const words = trimmed.split(/[\s._-]+/).filter(Boolean);
  const letters = words
    .slice(0, 2)
    .map((word) => Array.from(word)[0] ?? '')
    .join('');
  return (letters || first).toUpperCase();
}
