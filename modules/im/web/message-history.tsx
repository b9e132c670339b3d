import { IconArrowDown, IconArrowUp } from '@douyinfe/semi-icons';
import { Skeleton, Toast } from '@douyinfe/semi-ui';
import type { ChatView, MessageView } from '@kite/im/contract';
import { useLocale, useMessages } from '@kite/ui/i18n';
import { EmptyState, ErrorState } from '@kite/ui/states';
import { useViewer } from '@kite/ui/viewer';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useEdgePaging } from './edge-paging.ts';
import { forwardMessages } from './forward-messages.ts';
import { fetchMessages, type HistoryCursor, imQueryKeys, MESSAGE_PAGE_SIZE, type MessagePage } from './im-api.ts';
import { showHistoryAround } from './im-cache.ts';
import { imMessages, previewLabels } from './im-messages.ts';
import { useMessageHistory } from './im-queries.ts';
import { formatDaySeparator } from './im-time.ts';
import { previewText } from './message-content.ts';
import { MessageRow } from './message-row.tsx';
import { buildTimeline, mergeMessagePages } from './message-timeline.ts';
import { threadOfOpenedMessage, useFocusRequest } from './open-message.ts';
import type { PendingMessage } from './use-send-message.ts';

/** Closer than this to the bottom counts as "reading the latest": new messages keep it there. */
const STICK_TO_BOTTOM_PX = 120;
/** Closer than this to the top loads the previous page. */
const LOAD_OLDER_PX = 300;

export function HistorySkeleton() {
  return (
    <div className="kite-im-history__skeleton" aria-busy="true" data-testid="history-loading">
      {[0, 1, 2, 3].map((row) => (
        <div key={row} className={row % 2 ? 'kite-im-skeleton-row kite-im-skeleton-row--own' : 'kite-im-skeleton-row'}>
          {row % 2 ? null : <Skeleton.Avatar size="small" />}
          <div className="kite-im-skeleton-row__lines">
            <Skeleton.Paragraph rows={row % 2 ? 1 : 2} />
          </div>
        </div>
      ))}
    </div>
  );
}

function PendingRow({ message, onResend, onDiscard }: { message: PendingMessage; onResend: () => void; onDiscard: () => void }) {
  const t = useMessages(imMessages);
  return (
    <div className="kite-im-row kite-im-row--own kite-im-row--pending" data-testid="message-pending">
      <div className="kite-im-row__avatar" />
      <div className="kite-im-row__main">
        <div className="kite-im-row__content">
          <div className="kite-im-bubble">
            <div className="kite-im-bubble__text">
              {message.text.split('\n').map((line, index) => (
                <div className="kite-im-line" key={index}>
                  {line.replace(/<at user_id="[^"]*">([^<]*)<\/at>/g, '@$1') || '\u00a0'}
                </div>
              ))}
            </div>
          </div>
        </div>
        <div className="kite-im-pending-state">
          {message.failed ? (
            <>
              <span className="kite-im-pending-state__failed">{t('sendFailed')}</span>
              <button type="button" className="kite-im-text-button kite-im-text-button--primary" onClick={onResend}>
                {t('retrySend')}
              </button>
              <button type="button" className="kite-im-text-button" onClick={onDiscard}>
                ✕
              </button>
            </>
          ) : (
            <span className="kite-muted">{t('sending')}</span>
          )}
        </div>
      </div>
    </div>
  );
}

export interface MessageHistoryProps {
  chat: ChatView;
  viewerIds: ReadonlySet<string>;
  /** The first unread message when the chat was opened, for the "new messages" line and jump. */
  firstUnreadSeq: number | null;
  unreadAtOpen: number;
  /** `om_…` to scroll to and highlight (a copied link). */
  focusMessageId: string | null;
  pending: PendingMessage[];
  onResend: (uuid: string) => void;
  onDiscard: (uuid: string) => void;
  /** Opens a root's thread; with `replyId` (a thread reply opened from elsewhere) at that reply. */
  onOpenThread: (rootId: string, replyId?: string) => void;
  /** Quotes a message in the composer. */
  onReply: (message: MessageView) => void;
}

/**
 * The conversation history. Pages of 50 load newest first; scrolling near the top loads the page
 * before, keeping the reader's place. Every loaded page stays rendered (rows below the fold skip
 * layout and paint with `content-visibility: auto`), which holds up to a few thousand messages.
 */
export function MessageHistory({
  chat,
  viewerIds,
  firstUnreadSeq,
  unreadAtOpen,
  focusMessageId,
  pending,
  onResend,
  onDiscard,
  onOpenThread,
  onReply,
}: MessageHistoryProps) {
  const t = useMessages(imMessages);
  const { locale } = useLocale();
  const viewer = useViewer();
  const history = useMessageHistory(chat.id);
  const scroller = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const bottomDistance = useRef(0);
  const previousRange = useRef<{ first: number; last: number } | null>(null);
  const [showLatest, setShowLatest] = useState(false);
  const [unreadJumpDone, setUnreadJumpDone] = useState(false);
  const [unreadAbove, setUnreadAbove] = useState(false);
  const [highlight, setHighlight] = useState<string | null>(null);
  const [jump, setJump] = useState<{ match: (message: MessageView) => boolean; highlight: boolean } | null>(null);
  const f = useMessages(forwardMessages);
  const queryClient = useQueryClient();

  const messages = useMemo(() => mergeMessagePages(history.data?.pages ?? []), [history.data]);
  // Older pages near the top, newer ones near the bottom; `loadingNewer` while a newer page (a window
  // scrolled down) is on its way: it grows the list below, the place stays.
  const { loadingNewer, onScrolled } = useEdgePaging(scroller, history, LOAD_OLDER_PX, messages.length);
  // The first unread seq may be a thread reply, which the timeline does not show: the line and the
  // jump go to the first timeline message after it — none when the latest messages are loaded and
  // only thread replies are unread (the thread shows them).
  const isUnread = useCallback((message: MessageView) => firstUnreadSeq !== null && message.seq >= firstUnreadSeq, [firstUnreadSeq]);
  const unreadStartSeq =
    firstUnreadSeq === null ? null : (messages.find(isUnread)?.seq ?? (history.hasPreviousPage ? firstUnreadSeq : null));
  const byId = useMemo(() => new Map(messages.map((message) => [message.id, message])), [messages]);
  const timeline = useMemo(
    () => buildTimeline(messages, { viewerUserId: viewer.userId, firstUnreadSeq: unreadStartSeq }),
    [messages, viewer.userId, unreadStartSeq],
  );
  const first = messages[0]?.seq ?? 0;
  const last = messages[messages.length - 1]?.seq ?? 0;

  const scrollToBottom = useCallback(() => {
    const element = scroller.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, []);

  /** Whether the first unread message is above the visible part (or not loaded yet). */
  const checkUnreadAbove = useCallback(() => {
    const container = scroller.current;
    if (unreadStartSeq === null || !container) return setUnreadAbove(false);
    const element = container.querySelector(`[data-seq="${unreadStartSeq}"]`);
    setUnreadAbove(!element || element.getBoundingClientRect().top < container.getBoundingClientRect().top);
  }, [unreadStartSeq]);

  // Keep the reader's place: older pages grow the list above (hold the distance from the bottom);
  // new messages at the end follow only a reader who was at the bottom, or the viewer's own send.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element || messages.length === 0) return;
    const before = previousRange.current;
    previousRange.current = { first, last };
    if (!before) {
      scrollToBottom();
      checkUnreadAbove();
      return;
    }
    if (first < before.first && last === before.last) {
      element.scrollTop = element.scrollHeight - element.clientHeight - bottomDistance.current;
      return;
    }
    if (last > before.last && loadingNewer.current) {
      loadingNewer.current = false;
      return;
    }
    if (last > before.last) {
      const newest = messages[messages.length - 1];
      const own = newest?.sender?.id === viewer.userId;
      if (atBottom.current || own) scrollToBottom();
      else setShowLatest(true);
    }
  }, [first, last, messages, scrollToBottom, viewer.userId, checkUnreadAbove]);

  useLayoutEffect(() => {
    if (pending.length > 0) goToLatest();
  }, [pending.length]);

  // Rows below the fold are laid out lazily (content-visibility), and cards or images may grow:
  // a reader at the bottom stays at the bottom whatever changes height.
  useEffect(() => {
    const element = content.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (atBottom.current) scrollToBottom();
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [scrollToBottom, history.isPending]);

  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    bottomDistance.current = element.scrollHeight - element.clientHeight - element.scrollTop;
    atBottom.current = bottomDistance.current < STICK_TO_BOTTOM_PX;
    if (atBottom.current && showLatest) setShowLatest(false);
    if (unreadAbove) checkUnreadAbove();
    onScrolled(bottomDistance.current);
  };

  /** Back to the newest messages from a window around an older one (or to the bottom). */
  const goToLatest = useCallback(() => {
    setShowLatest(false);
    if (!history.hasPreviousPage) return scrollToBottom();
    previousRange.current = null;
    atBottom.current = true;
    void queryClient.resetQueries({ queryKey: imQueryKeys.messages(chat.id) });
  }, [history.hasPreviousPage, scrollToBottom, queryClient, chat.id]);

  /**
   * A thread reply is not in the timeline: its thread opens at it, and the timeline shows the root
   * (the page came around it), without the highlight the reply gets in the thread.
   */
  const openThreadReply = useCallback(
    (page: MessagePage, thread: { rootId: string; replyId: string }) => {
      onOpenThread(thread.rootId, thread.replyId);
      const isRoot = (message: MessageView) => message.id === thread.rootId;
      if (!messages.some(isRoot)) {
        if (!page.items.some(isRoot)) return;
        atBottom.current = false;
        showHistoryAround(queryClient, chat.id, page, { aroundMessageId: thread.rootId });
      }
      setJump({ match: isRoot, highlight: false });
    },
    [onOpenThread, messages, queryClient, chat.id],
  );

  /**
   * Scrolls a message into the middle (and highlights it): at once when it is loaded, else after
   * loading the page around it (`cursor`), which replaces the loaded history until the reader
   * scrolls back down to the latest.
   */
  const jumpTo = useCallback(
    async (match: (message: MessageView) => boolean, cursor: HistoryCursor, highlightIt: boolean) => {
      if (!messages.some(match)) {
        const page = await fetchMessages(chat.id, { ...cursor, limit: MESSAGE_PAGE_SIZE }).catch(() => null);
        const thread = page ? threadOfOpenedMessage(page, cursor) : null;
        if (page && thread) return openThreadReply(page, thread);
        if (!page?.items.some(match)) {
          Toast.warning(f('linkMessageMissing'));
          return;
        }
        atBottom.current = false;
        showHistoryAround(queryClient, chat.id, page, cursor);
      }
      setJump({ match, highlight: highlightIt });
    },
    [messages, chat.id, queryClient, f, openThreadReply],
  );

  /** A quote's original, loaded around it when it is further back. */
  const openQuoted = useCallback(
    (messageId: string) => void jumpTo((message) => message.id === messageId, { aroundMessageId: messageId }, true),
    [jumpTo],
  );

  // Once the message is rendered, before the frame is painted: into view, and marked for a moment.
  // Not at the bottom any more, so nothing that grows later pulls the reader down again.
  useLayoutEffect(() => {
    const target = jump ? messages.find(jump.match) : undefined;
    if (!jump || !target) return;
    setJump(null);
    scroller.current?.querySelector(`[data-seq="${target.seq}"]`)?.scrollIntoView({ block: 'center' });
    atBottom.current = false;
    if (jump.highlight) {
      setHighlight(target.messageId);
      setTimeout(() => setHighlight(null), 2400);
    }
  }, [jump, messages]);

  // A link or search hit opens its message once per request: going back to the latest afterwards
  // stays there, and opening the same message again (useOpenMessage) jumps again. So does a link
  // that leaves the address and comes back to it (useJumpToMessage: a pin, a buzz, a notification).
  const focusRequest = useFocusRequest(focusMessageId);
  const linkOpened = useRef<string | null>(null);
  useEffect(() => {
    if (!focusMessageId) linkOpened.current = null;
    if (!focusMessageId || !focusRequest || !history.data || linkOpened.current === focusRequest) return;
    linkOpened.current = focusRequest;
    void jumpTo((message) => message.messageId === focusMessageId, { aroundMessageId: focusMessageId }, true);
  }, [focusRequest, Boolean(history.data)]);

  if (history.isPending) return <HistorySkeleton />;
  if (history.isError) return <ErrorState compact error={history.error} onRetry={() => history.refetch()} />;

  const name = chat.chatType === 'p2p' ? (chat.peer?.name ?? chat.name) : chat.name;
  return (
    <div className="kite-im-history-wrap">
      {unreadAbove && !unreadJumpDone && unreadAtOpen > 0 ? (
        <button
          type="button"
          className="kite-im-pill kite-im-pill--top"
          data-testid="jump-to-unread"
          onClick={() => {
            setUnreadJumpDone(true);
            if (firstUnreadSeq !== null) void jumpTo(isUnread, { around: firstUnreadSeq }, false);
          }}
        >
          <IconArrowUp size="small" />
          {t('jumpToUnread', { count: unreadAtOpen })}
        </button>
      ) : null}
      <div className="kite-im-history" ref={scroller} onScroll={onScroll} data-testid="message-history">
        <div className="kite-im-history__content" ref={content}>
          <div className="kite-im-history__top">
            {history.isFetchingNextPage ? (
              <span className="kite-muted">{t('loadingOlder')}</span>
            ) : !history.hasNextPage && (history.data?.pages.length ?? 0) > 1 ? (
              <span className="kite-muted">{t('historyStart')}</span>
            ) : null}
          </div>
          {messages.length === 0 && pending.length === 0 ? (
            <EmptyState
              compact
              illustration="empty"
              title={t('emptyConversationTitle')}
              description={chat.chatType === 'p2p' ? t('emptyConversationHint', { name }) : t('emptyGroupHint', { name })}
              testId="conversation-empty"
            />
          ) : null}
          {timeline.map((item) => {
            if (item.kind === 'day') {
              return (
                <div key={item.key} className="kite-im-day">
                  <span>{formatDaySeparator(item.date, locale, { today: t('today'), yesterday: t('yesterday') })}</span>
                </div>
              );
            }
            if (item.kind === 'unread') {
              return (
                <div key={item.key} className="kite-im-unread-line" data-testid="unread-divider">
                  <span>{t('newMessagesDivider')}</span>
                </div>
              );
            }
            const parent = item.message.parentId ? byId.get(item.message.parentId) : undefined;
            return (
              <MessageRow
                key={item.key}
                message={item.message}
                chat={chat}
                startsGroup={item.startsGroup}
                own={item.own}
                viewerIds={viewerIds}
                replyTo={
                  item.message.parentId
                    ? {
                        name: parent?.sender?.name ?? '…',
                        text: parent ? previewText(parent, previewLabels(t)) : '…',
                        sender: parent?.sender ?? null,
                      }
                    : null
                }
                highlighted={highlight === item.message.messageId}
                onOpenThread={onOpenThread}
                onReply={onReply}
                onOpenQuoted={openQuoted}
              />
            );
          })}
          {pending.map((message) => (
            <PendingRow
              key={message.uuid}
              message={message}
              onResend={() => onResend(message.uuid)}
              onDiscard={() => onDiscard(message.uuid)}
            />
          ))}
        </div>
      </div>
      {showLatest || history.hasPreviousPage ? (
        <button type="button" className="kite-im-pill kite-im-pill--bottom" onClick={goToLatest} data-testid="jump-to-latest">
          <IconArrowDown size="small" />
          {t('jumpToLatest')}
        </button>
      ) : null}
    </div>
  );
}
