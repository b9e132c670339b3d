import { imEvents } from '@kite/im/contract';

/**
 * The messenger's everyday events: chat content and one person's own state — messages sent and
 * edited, someone's view of a card, reactions, read marks of a chat or a thread, buzzes and people's
 * own settings. They stay out of the tenant's audit log, which would otherwise hold every message;
 * recalls, pins, cards for one person and every chat administration stay in.
 */
const EVERYDAY = new Set<string>([
  imEvents.messageCreated,
  imEvents.messageUpdated,
  imEvents.cardViewUpdated,
  imEvents.reactionAdded,
  imEvents.reactionRemoved,
  imEvents.read,
  imEvents.threadRead,
  imEvents.urgentCreated,
  imEvents.urgentAcknowledged,
  imEvents.userSettingsUpdated,
]);

/** Whether an event is everyday chat activity, left out of the audit log (see EVERYDAY). */
export function isEverydayImEvent(type: string): boolean {
  return EVERYDAY.has(type);
}
