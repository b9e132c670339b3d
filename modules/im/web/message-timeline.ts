import type { MessageView } from '@kite/im/contract';

/** Messages from one sender closer together than this share one header (avatar, name, time). */
export const GROUP_GAP_MS = 5 * 60 * 1000;

export type TimelineItem =
  | { kind: 'day'; key: string; date: string }
  | { kind: 'unread'; key: string }
  | { kind: 'message'; key: string; message: MessageView; startsGroup: boolean; own: boolean };

/** The calendar day of an instant in the reader's time zone, e.g. `2026-11-21`. */
export function localDayKey(iso: string, timeZone?: string): string {
  const date = new Date(iso);
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(date);
  const part = (type: string) => parts.find((candidate) => candidate.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

function senderKey(message: MessageView): string {
  return message.sender ? `${message.sender.type}:${message.sender.id}` : 'system';
}

/**
 * The conversation as rows: a day separator when the day changes, a "new messages" line before the
 * first unread message, and each message marked whether it starts a group (same sender, same day,
 * within five minutes, no separator in between). System messages and recalled messages stand alone.
 */
export function buildTimeline(
  messages: readonly MessageView[],
  options: { viewerUserId: string; firstUnreadSeq?: number | null; timeZone?: string },
): TimelineItem[] {
  const items: TimelineItem[] = [];
  let previous: MessageView | null = null;
  let previousDay = '';
  for (const message of messages) {
    const day = localDayKey(message.createdAt, options.timeZone);
    let separated = false;
    if (day !== previousDay) {
      items.push({ kind: 'day', key: `day-${day}`, date: message.createdAt });
      previousDay = day;
      separated = true;
    }
    if (options.firstUnreadSeq != null && message.seq === options.firstUnreadSeq && !message.ephemeral && previous) {
      items.push({ kind: 'unread', key: 'unread' });
      separated = true;
    }
    const standsAlone = message.msgType === 'system' || message.recalled;
    const sameSender =
      previous !== null &&
      !separated &&
      !standsAlone &&
      previous.msgType !== 'system' &&
      !previous.recalled &&
      senderKey(previous) === senderKey(message) &&
      Date.parse(message.createdAt) - Date.parse(previous.createdAt) < GROUP_GAP_MS;
    items.push({
      kind: 'message',
      key: message.id,
      message,
      startsGroup: !sameSender,
      own: message.sender?.type === 'user' && message.sender.id === options.viewerUserId,
    });
    previous = message;
  }
  return items;
}

/** Merges pages of history (each ascending) into one ascending list without duplicates. */
export function mergeMessagePages(pages: ReadonlyArray<{ items: readonly MessageView[] }>): MessageView[] {
  // A card only the viewer sees shares the seq of the message it follows: it is kept by its id.
  const byPlace = new Map<number | string, MessageView>();
  for (const page of pages) for (const message of page.items) byPlace.set(message.ephemeral ? message.id : message.seq, message);
  return [...byPlace.values()].sort(
    (a, b) => a.seq - b.seq || Number(Boolean(a.ephemeral)) - Number(Boolean(b.ephemeral)) || a.createdAt.localeCompare(b.createdAt),
  );
}
