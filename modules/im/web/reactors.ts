import type { PartyRef } from '@kite/im/contract';

/**
 * "You, Bob and 3 others": who reacted with one emoji, worded for one viewer. Pure, so the wording
 * is tested without a browser.
 */

/** Names the summary spells out before counting the rest. */
export const NAMED_REACTORS = 3;

export type ReactorSegment =
  | { kind: 'text'; text: string }
  /** A person or bot; `self` when it is the viewer ("You"). */
  | { kind: 'party'; text: string; party: PartyRef; self: boolean }
  /** "N others": the rest of `count`, beyond the named. */
  | { kind: 'others'; text: string; count: number };

export interface ReactorWording {
  locale: string;
  you: string;
  someone: string;
  others: (count: number) => string;
}

/**
 * The names part of the summary: the viewer first (as Slack and Feishu put "You" first), then the
 * first reactors in order, at most {@link NAMED_REACTORS} names, then "N others" for the rest of
 * `count` (everyone who reacted, also those not loaded yet), joined in the locale's way of listing.
 */
export function reactorSegments(reactors: readonly PartyRef[], count: number, viewerId: string, wording: ReactorWording): ReactorSegment[] {
  const ordered = [
    ...reactors.filter((party) => party.type === 'user' && party.id === viewerId),
    ...reactors.filter((party) => !(party.type === 'user' && party.id === viewerId)),
  ];
  const total = Math.max(count, ordered.length);
  // "A, B and 1 other" reads worse than "A, B and C": name the last one instead of counting it.
  const named = ordered.slice(0, total === NAMED_REACTORS + 1 && ordered.length > NAMED_REACTORS ? NAMED_REACTORS + 1 : NAMED_REACTORS);
  const items: ReactorSegment[] = named.map((party) => {
    const self = party.type === 'user' && party.id === viewerId;
    return { kind: 'party', text: self ? wording.you : party.name || wording.someone, party, self };
  });
  const others = total - named.length;
  if (others > 0) items.push({ kind: 'others', text: wording.others(others), count: others });
  if (items.length === 0) return [];
  const parts = new Intl.ListFormat(wording.locale, { style: 'long', type: 'conjunction' }).formatToParts(items.map((item) => item.text));
  let next = 0;
  return parts.map((part) => (part.type === 'element' ? items[next++]! : { kind: 'text', text: part.value }));
}
