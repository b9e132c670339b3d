/**
 * Reactions use Feishu's `emoji_type` names, so bots and the open API see the same values; this is
 * how the web shows them. Unknown names are shown as their name.
 */
export const EMOJI: Readonly<Record<string, string>> = {
  THUMBSUP: '👍',
  OK: '👌',
  DONE: '✅',
  JIAYI: '➕',
  SMILE: '😊',
  LAUGH: '😄',
  LOL: '😂',
  LOVE: '😍',
  WOW: '😮',
  THINKING: '🤔',
  CRY: '😢',
  HEART: '❤️',
  APPLAUSE: '👏',
  FISTBUMP: '🤜',
  MUSCLE: '💪',
  PARTY: '🎉',
  FIRE: '🔥',
  THANKS: '🙏',
  ROSE: '🌹',
  BEER: '🍺',
  ROCKET: '🚀',
  EYES: '👀',
  HUNDRED: '💯',
  CHECK: '☑️',
};

/** The picker's choices, most used first. */
export const COMMON_REACTIONS: readonly string[] = [
  'THUMBSUP',
  'OK',
  'DONE',
  'JIAYI',
  'APPLAUSE',
  'THANKS',
  'HEART',
  'LAUGH',
  'LOL',
  'SMILE',
  'LOVE',
  'WOW',
  'THINKING',
  'CRY',
  'MUSCLE',
  'FISTBUMP',
  'PARTY',
  'FIRE',
  'ROCKET',
  'EYES',
  'HUNDRED',
  'ROSE',
  'BEER',
  'CHECK',
];

export function emojiFor(emojiType: string): string {
  return EMOJI[emojiType] ?? `:${emojiType.toLowerCase()}:`;
}
