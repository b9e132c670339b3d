/**
 * What a name or face in the messenger opens: a person's profile card (from the directory) or a
 * bot's smaller card. Pure, so the rules are tested without a browser.
 */

/** A person (the directory's user id) or a bot (an app's or a chat's custom bot, `cli_…`). */
export type ProfileTarget = { kind: 'person'; userId: string } | { kind: 'bot'; botId: string; name: string };

/** A message's sender, a system line's party or a chat member, as the messenger has them. */
export interface PartyLike {
  type: 'user' | 'app' | 'webhook';
  id: string;
  name: string;
}

/** Apps' and custom bots' ids are `cli_…`-shaped; people's are UUIDs. */
const BOT_ID_PREFIX = 'cli_';

/** The card a sender or a system line's party opens; nothing for a sender no longer known. */
export function profileTargetOfParty(party: PartyLike | null | undefined): ProfileTarget | null {
  if (!party?.id) return null;
  return party.type === 'user' ? { kind: 'person', userId: party.id } : { kind: 'bot', botId: party.id, name: party.name };
}

/**
 * The card an @mention chip opens. A message's mentions carry no kind, so a bot is told by its id;
 * `@all` opens nothing, and neither does a key the message never resolved (`@_user_3`).
 */
export function profileTargetOfMention(mention: { userId: string; name: string; isAll: boolean }): ProfileTarget | null {
  if (mention.isAll || !mention.userId || mention.userId.startsWith('@')) return null;
  return mention.userId.startsWith(BOT_ID_PREFIX)
    ? { kind: 'bot', botId: mention.userId, name: mention.name }
    : { kind: 'person', userId: mention.userId };
}

function targetKey(target: ProfileTarget): string {
  return target.kind === 'person' ? `person:${target.userId}` : `bot:${target.botId}`;
}

/** Whether two targets are the same card (clicking the open card's own trigger closes it). */
export function sameTarget(a: ProfileTarget | null, b: ProfileTarget): boolean {
  return a !== null && targetKey(a) === targetKey(b);
}

export interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The desktop card's room: its gap to what was clicked, and to the window's edges. */
const GAP = 8;
const MARGIN = 12;

/**
 * Where the desktop card goes (its top-left corner, in window pixels): beside what was clicked, on
 * the side with more room (an avatar in the timeline opens it to the right, a name in the members
 * panel to the left), top-aligned with it, and moved up or in as far as needed to stay inside the
 * window; a card taller than the window starts at its top margin.
 */
export function cardPlacement(
  anchor: Rect,
  card: { width: number; height: number },
  viewport: { width: number; height: number },
): { left: number; top: number } {
  const roomRight = viewport.width - anchor.right;
  const left = roomRight >= anchor.left ? anchor.right + GAP : anchor.left - GAP - card.width;
  return {
    left: clamp(left, MARGIN, viewport.width - card.width - MARGIN),
    top: clamp(anchor.top, MARGIN, viewport.height - card.height - MARGIN),
  };
}

/** `value` within [min, max]; `min` wins when they cross (a card larger than the window). */
function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(value, max));
}
