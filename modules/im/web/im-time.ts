import type { Locale } from '@kite/ui/i18n';
import { localDayKey } from './message-timeline.ts';

/** A message's time of day, e.g. "09:30". */
export function formatClock(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));
}

function dayDifference(iso: string, now: Date): number {
  const day = Date.parse(`${localDayKey(iso)}T00:00:00Z`);
  const today = Date.parse(`${localDayKey(now.toISOString())}T00:00:00Z`);
  return Math.round((today - day) / 86_400_000);
}

/** The chat list's time: clock today, "Yesterday", weekday this week, else the date. */
export function formatListTime(iso: string, locale: Locale, yesterday: string, now = new Date()): string {
  const days = dayDifference(iso, now);
  const date = new Date(iso);
  if (days <= 0) return formatClock(iso, locale);
  if (days === 1) return yesterday;
  if (days < 7) return new Intl.DateTimeFormat(locale, { weekday: 'short' }).format(date);
  if (date.getFullYear() === now.getFullYear()) return new Intl.DateTimeFormat(locale, { month: 'numeric', day: 'numeric' }).format(date);
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'numeric', day: 'numeric' }).format(date);
}

/** The day separator in a conversation: "Today", "Yesterday", or a full date with weekday. */
export function formatDaySeparator(iso: string, locale: Locale, labels: { today: string; yesterday: string }, now = new Date()): string {
  const days = dayDifference(iso, now);
  if (days <= 0) return labels.today;
  if (days === 1) return labels.yesterday;
  const date = new Date(iso);
  const sameYear = date.getFullYear() === now.getFullYear();
  return new Intl.DateTimeFormat(locale, {
    year: sameYear ? undefined : 'numeric',
    month: 'long',
    day: 'numeric',
    weekday: 'short',
  }).format(date);
}
