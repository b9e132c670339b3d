import { imEvents, type MessageEventPayload, type PinEventPayload, type UrgentEventPayload } from '@kite/im/contract';
import type { RealtimeEvent } from '@kite/ui/realtime-connection';
import type { RealtimeApplyContext } from '@kite/ui/web-module';
import { addAlert, removeAlert, removePin, urgentPinQueryKeys, writeSummary } from './urgent-pin-api.ts';

/**
 * Buzz and pin events into the caches: a recipient's alert appears or goes (acknowledged in
 * another tab), the sender's marker counts along, a recall takes both the alerts and the pin away.
 */
export function applyUrgentPinEvent(event: RealtimeEvent, { queryClient, viewerUserId }: RealtimeApplyContext): void {
  switch (event.type) {
    case imEvents.urgentCreated:
    case imEvents.urgentAcknowledged: {
      const payload = event.payload as UrgentEventPayload;
      if (payload.recipientIds.includes(viewerUserId)) {
        if (event.type === imEvents.urgentAcknowledged) removeAlert(queryClient, payload.messageId);
        else if (payload.alert) addAlert(queryClient, payload.alert);
      }
      if (payload.watcherIds.includes(viewerUserId)) writeSummary(queryClient, payload.chatId, payload.summary);
      return;
    }
    case imEvents.messageRecalled: {
      const { chatId, message } = event.payload as MessageEventPayload;
      removeAlert(queryClient, message.id);
      writeSummary(queryClient, chatId, { messageId: message.id, total: 0, acknowledged: 0 });
      removePin(queryClient, chatId, message.id);
      return;
    }
    case imEvents.pinDeleted: {
      const payload = event.payload as PinEventPayload;
      removePin(queryClient, payload.chatId, payload.messageId);
      return;
    }
    default:
      return;
  }
}

/** What buzz and pin events make stale: a new pin's message (the list reads it), whom a buzz reached. */
export function urgentPinStaleQueries(event: RealtimeEvent): ReadonlyArray<readonly unknown[]> {
  switch (event.type) {
    case imEvents.urgentCreated:
    case imEvents.urgentAcknowledged:
      return [urgentPinQueryKeys.status((event.payload as UrgentEventPayload).messageId)];
    case imEvents.pinCreated:
      return [urgentPinQueryKeys.pins((event.payload as PinEventPayload).chatId)];
    // Leaving a chat (or its end) hides its alerts.
    case imEvents.membersRemoved:
    case imEvents.chatDisbanded:
      return [urgentPinQueryKeys.alerts];
    default:
      return [];
  }
}
