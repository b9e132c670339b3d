import { useRef } from 'react';
import { useLocation, useNavigate, useParams, useSearchParams } from 'react-router';

/** Router state of a navigation that asks the history to scroll to `?message=` (again). */
interface FocusState {
  focusRequest?: number;
}

/**
 * Opens a message in its chat: the conversation scrolls to it and highlights it (`?message=om_…`).
 * `keepPanel` keeps the side panel open when the chat is the one on screen. Each call is a new
 * request, so opening the message already in the URL scrolls to it again.
 */
export function useOpenMessage(): (chatId: string, messageId: string, options?: { keepPanel?: boolean }) => void {
  const navigate = useNavigate();
  const [current] = useSearchParams();
  const { chatId: shownChatId } = useParams();
  return (chatId, messageId, options = {}) => {
    const sameChat = chatId === shownChatId;
    const params = new URLSearchParams(options.keepPanel && sameChat ? current : undefined);
    params.set('message', messageId);
    const state: FocusState = { focusRequest: Date.now() };
    navigate(`/messenger/${encodeURIComponent(chatId)}?${params}`, { state, replace: sameChat && current.get('message') === messageId });
  };
}

/**
 * A key that changes whenever the message in `?message=` is asked for anew — another message, or
 * the same one opened again — and not when other navigation (a side panel) keeps it in the URL.
 */
export function useFocusRequest(messageId: string | null): string | null {
  const request = (useLocation().state as FocusState | null)?.focusRequest;
  const last = useRef<{ messageId: string | null; request: number | undefined; key: string | null }>({
    messageId: null,
    request: undefined,
    key: null,
  });
  if (messageId !== last.current.messageId || (request !== undefined && request !== last.current.request)) {
    last.current = { messageId, request, key: messageId ? `${messageId}:${request ?? ''}` : null };
  }
  return last.current.key;
}
