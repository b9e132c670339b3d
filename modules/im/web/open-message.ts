import { useRef } from 'react';
import { useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import type { HistoryCursor, MessagePage } from './im-api.ts';

/** A thread beside the conversation; `replyId` (`om_…`): opened at that reply, scrolled to and highlighted. */
interface ThreadPanelTarget {
  kind: 'thread';
  rootId: string;
  replyId?: string;
}

/** The pane beside the conversation: a thread, the members, chat info, the pinned messages, or search. */
export type SidePanel = ThreadPanelTarget | { kind: 'members' } | { kind: 'settings' } | { kind: 'pins' } | { kind: 'search' };

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
    params.delete('reply');
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

/**
 * The side panel lives in the URL (`?panel=members|settings|pins|search|thread&root=…`), so Back
 * closes it; a thread opened at one of its replies adds `&reply=om_…`.
 */
export function panelFromParams(params: URLSearchParams): SidePanel | null {
  const panel = params.get('panel');
  if (panel === 'members' || panel === 'settings' || panel === 'pins' || panel === 'search') return { kind: panel };
  const root = params.get('root');
  const reply = params.get('reply');
  if (panel === 'thread' && root) return { kind: 'thread', rootId: root, ...(reply ? { replyId: reply } : {}) };
  return null;
}

/**
 * The address parameters with `next` as the side panel. A thread opened at a reply takes the
 * `?message=` over as `reply`: the timeline has nothing to scroll to, the thread panel does.
 */
export function panelParams(current: URLSearchParams, next: SidePanel | null): URLSearchParams {
  const params = new URLSearchParams(current);
  for (const name of ['panel', 'root', 'reply']) params.delete(name);
  if (next) params.set('panel', next.kind);
  if (next?.kind === 'thread') {
    params.set('root', next.rootId);
    if (next.replyId) {
      params.delete('message');
      params.set('reply', next.replyId);
    }
  }
  return params;
}

/**
 * Where a message opened by id is shown, from the page the server answered around it: in the
 * timeline (null) or, for a thread reply, in its root's thread. Every way of opening a message (a
 * link, a search hit, a pin, a notification, a buzz) comes through `?message=` and so through here.
 */
export function threadOfOpenedMessage(
  page: Pick<MessagePage, 'items' | 'threadRootId'>,
  cursor: HistoryCursor,
): { rootId: string; replyId: string } | null {
  const replyId = cursor.aroundMessageId;
  if (!page.threadRootId || !replyId) return null;
  if (page.items.some((message) => message.id === replyId || message.messageId === replyId)) return null;
  return { rootId: page.threadRootId, replyId };
}
