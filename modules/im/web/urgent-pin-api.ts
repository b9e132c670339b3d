import type { PinView, UrgentAlertView, UrgentStatusView, UrgentSummary } from '@kite/im/contract';
import { api } from '@kite/ui/api-client';
import { type QueryClient, useQuery } from '@tanstack/react-query';

/**
 * Buzzes and pins on the web: requests, query keys and cache writes. Keys start with `im`, so a
 * realtime reset refetches them with the rest of the messenger. Chats are keyed by `ChatView.id`
 * (the id events carry).
 */
export const urgentPinQueryKeys = {
  /** The viewer's unacknowledged buzzes (the alerts on every page). */
  alerts: ['im', 'urgent', 'alerts'] as const,
  /** Progress of the buzzes the viewer sent or made in one chat (message markers). */
  summaries: (chatId: string) => ['im', 'urgent', 'chat', chatId] as const,
  /** Who acknowledged one message's buzz (the marker's popover). */
  status: (messageId: string) => ['im', 'urgent', 'message', messageId] as const,
  pins: (chatId: string) => ['im', 'pins', chatId] as const,
};

const messagePath = (id: string) => `/api/im/messages/${encodeURIComponent(id)}`;
const chatPath = (id: string) => `/api/im/chats/${encodeURIComponent(id)}`;

export function buzzMessage(messageId: string, userIds: string[]): Promise<UrgentStatusView> {
  return api.post(`${messagePath(messageId)}/urgent`, { userIds });
}

export function acknowledgeBuzz(messageId: string): Promise<{ messageId: string; acknowledgedAt: string }> {
  return api.post(`${messagePath(messageId)}/urgent/acknowledge`);
}

export function pinMessage(messageId: string): Promise<PinView> {
  return api.post(`${messagePath(messageId)}/pin`);
}

export function unpinMessage(messageId: string): Promise<unknown> {
  return api.delete(`${messagePath(messageId)}/pin`);
}

// Selectors at module level keep their results stable across renders (TanStack memoises by function).
const itemsOf = <T>(answer: { items: T[] }): T[] => answer.items;
const byMessageId = (answer: { items: UrgentSummary[] }) => new Map(answer.items.map((item) => [item.messageId, item]));

export function useUrgentAlerts() {
  return useQuery({
    queryKey: urgentPinQueryKeys.alerts,
    queryFn: () => api.get<{ items: UrgentAlertView[] }>('/api/im/urgent'),
    select: itemsOf,
    // Realtime events keep it current; a reset or reconnect refetches it.
    staleTime: 5 * 60_000,
  });
}

/** Buzz progress per message id of a chat, for the markers of the viewer's buzzed messages. */
export function useUrgentSummaries(chatId: string) {
  return useQuery({
    queryKey: urgentPinQueryKeys.summaries(chatId),
    queryFn: () => api.get<{ items: UrgentSummary[] }>(`${chatPath(chatId)}/urgent`),
    select: byMessageId,
    staleTime: 5 * 60_000,
  });
}

export function useUrgentStatus(messageId: string, enabled: boolean) {
  return useQuery({
    queryKey: urgentPinQueryKeys.status(messageId),
    queryFn: () => api.get<UrgentStatusView>(`${messagePath(messageId)}/urgent`),
    enabled,
    staleTime: 0,
  });
}

export function usePins(chatId: string) {
  return useQuery({
    queryKey: urgentPinQueryKeys.pins(chatId),
    queryFn: () => api.get<{ items: PinView[] }>(`${chatPath(chatId)}/pins`),
    select: itemsOf,
    staleTime: 5 * 60_000,
  });
}

/** Drops the viewer's alert about a message (acknowledged here or in another tab, or recalled). */
export function removeAlert(queryClient: QueryClient, messageId: string): void {
  queryClient.setQueryData<{ items: UrgentAlertView[] }>(urgentPinQueryKeys.alerts, (data) =>
    data ? { items: data.items.filter((alert) => alert.message.id !== messageId) } : data,
  );
}

/** A new alert on top (a repeated buzz about the same message moves it up). */
export function addAlert(queryClient: QueryClient, alert: UrgentAlertView): void {
  queryClient.setQueryData<{ items: UrgentAlertView[] }>(urgentPinQueryKeys.alerts, (data) =>
    data ? { items: [alert, ...data.items.filter((item) => item.message.id !== alert.message.id)] } : data,
  );
}

/** Writes one message's buzz progress into its chat's markers (removing it when nobody is left). */
export function writeSummary(queryClient: QueryClient, chatId: string, summary: UrgentSummary): void {
  queryClient.setQueryData<{ items: UrgentSummary[] }>(urgentPinQueryKeys.summaries(chatId), (data) => {
    if (!data) return data;
    const others = data.items.filter((item) => item.messageId !== summary.messageId);
    return { items: summary.total > 0 ? [summary, ...others] : others };
  });
}

export function removePin(queryClient: QueryClient, chatId: string, messageId: string): void {
  queryClient.setQueryData<{ items: PinView[] }>(urgentPinQueryKeys.pins(chatId), (data) =>
    data ? { items: data.items.filter((pin) => pin.message.id !== messageId) } : data,
  );
}

/** A pin answered by the server, on top of the chat's list. */
export function writePin(queryClient: QueryClient, chatId: string, pin: PinView): void {
  queryClient.setQueryData<{ items: PinView[] }>(urgentPinQueryKeys.pins(chatId), (data) =>
    data ? { items: [pin, ...data.items.filter((item) => item.message.id !== pin.message.id)] } : data,
  );
}
