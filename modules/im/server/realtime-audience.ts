import {
  type CardViewEventPayload,
  type ChatEventPayload,
  type EphemeralEventPayload,
  imEvents,
  type MembersEventPayload,
  type ReadEventPayload,
  type ThreadReadEventPayload,
  type UrgentEventPayload,
  type UserSettingsEventPayload,
} from '@kite/im/contract';
import type { DomainEvent } from '@kite/platform/outbox';
import { type EventAudience, userTopic } from '@kite/realtime/contract';

/** The realtime topic of one chat: its members' connections follow it. */
export function chatTopic(chatId: string): string {
  return `chat:${chatId}`;
}

/**
 * Who sees an im event on `/ws/client`: the chat's members, through its topic. Membership events
 * move the topic: new members follow it before the event (they see it), removed members stop after
 * it (they see their removal, also via their own user topic on a replay). `im.read` goes to the
 * reader's own connections (other tabs and devices) and to the senders of what was read (live receipts); `im.thread.read` to the reader's alone. A buzz (`im.urgent.*`) goes to the people it
 * is about and those watching it, through their own user topics: nobody else in the chat hears of it.
 * A person's own settings (`im.user_settings.updated`) go to their connections alone, and so does
 * their own view of a non-shared card (`im.card_view.updated`), and an app's card meant for them alone
 * (`im.ephemeral.*`).
 */
export function imEventAudience(event: DomainEvent): EventAudience | null {
  if (!event.type.startsWith('im.') || event.type === imEvents.settingsUpdated) return null;
  if (event.type === imEvents.userSettingsUpdated) return { topics: [userTopic((event.payload as UserSettingsEventPayload).userId)] };
  const payload = event.payload as { chatId: string };
  const topic = chatTopic(payload.chatId);
  switch (event.type) {
    case imEvents.read: {
      const read = payload as ReadEventPayload;
      return { topics: [read.userId, ...read.senderUserIds].map(userTopic) };
    }
    case imEvents.threadRead:
      return { topics: [userTopic((payload as ThreadReadEventPayload).userId)] };
    case imEvents.cardViewUpdated:
      return { topics: (payload as CardViewEventPayload).userIds.map(userTopic) };
    case imEvents.ephemeralCreated:
    case imEvents.ephemeralUpdated:
    case imEvents.ephemeralDeleted:
      return { topics: [userTopic((payload as EphemeralEventPayload).userId)] };
    case imEvents.urgentCreated:
    case imEvents.urgentAcknowledged: {
      const { recipientIds, watcherIds } = payload as UrgentEventPayload;
      return { topics: [...new Set([...recipientIds, ...watcherIds])].map(userTopic) };
    }
    case imEvents.chatCreated: {
      const userIds = (payload as ChatEventPayload).memberUserIds ?? [];
      return { topics: [topic], join: [{ topic, userIds }] };
    }
    case imEvents.chatDisbanded: {
      const userIds = (payload as ChatEventPayload).memberUserIds ?? [];
      return { topics: [topic], leave: [{ topic, userIds }] };
    }
    case imEvents.membersAdded: {
      const userIds = (payload as MembersEventPayload).users.map((user) => user.id);
      return { topics: [topic, ...userIds.map(userTopic)], join: [{ topic, userIds }] };
    }
    case imEvents.membersRemoved: {
      const userIds = (payload as MembersEventPayload).users.map((user) => user.id);
      return { topics: [topic, ...userIds.map(userTopic)], leave: [{ topic, userIds }] };
    }
    default:
      return { topics: [topic] };
  }
}
