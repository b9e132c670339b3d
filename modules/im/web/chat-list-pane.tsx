import { IconApartment, IconComment, IconPlus, IconSearch, IconUserGroup, IconVolumeSilentStroked } from '@douyinfe/semi-icons';
import { Button, Dropdown, Input, Skeleton } from '@douyinfe/semi-ui';
import type { ChatView, MessageSearchHit } from '@kite/im/contract';
import { useLocale, useMessages } from '@kite/ui/i18n';
import { EmptyState, ErrorState } from '@kite/ui/states';
import { useWindowKeyDown } from '@kite/ui/use-window-key-down';
import { useViewer } from '@kite/ui/viewer';
import { type KeyboardEvent, memo, type ReactNode, type RefObject, useMemo, useState } from 'react';
import { ChatAvatar } from './chat-avatar.tsx';
import { filterChats, isChat, stepChat } from './chat-list-model.ts';
import { readLocalDraft, serverDraft } from './composer.tsx';
import { GlobalSearchResults, useRememberedSearch } from './global-search.tsx';
import { imMessages, previewLabels } from './im-messages.ts';
import { useChatList } from './im-queries.ts';
import { formatListTime } from './im-time.ts';
import { previewText } from './message-content.ts';
import type { NewChatMode } from './new-chat-modal.tsx';
import { MessengerSettingsButton, NotificationBanner } from './notification-settings.tsx';
import { searchMessages } from './search-messages.ts';
import { withShortcutHint } from './shortcuts-dialog.tsx';
import { useSystemText } from './system-line.tsx';

function useChatPreview() {
  const t = useMessages(imMessages);
  const viewer = useViewer();
  const systemText = useSystemText();
  return useMemo(() => {
    const labels = previewLabels(t);
    return (chat: ChatView): string => {
      const message = chat.lastMessage;
      if (!message) return '';
      if (message.msgType === 'system') return systemText(message);
      const text = previewText(message, labels);
      if (message.recalled) return text;
      if (message.sender?.type === 'user' && message.sender.id === viewer.userId) return t('previewYou', { text });
      if (chat.chatType === 'group' && message.sender) return t('previewSender', { name: message.sender.name, text });
      return text;
    };
  }, [t, viewer.userId, systemText]);
}

const ChatListItem = memo(function ChatListItem({
  chat,
  selected,
  preview,
  onOpen,
}: {
  chat: ChatView;
  selected: boolean;
  preview: (chat: ChatView) => string;
  onOpen: (id: string) => void;
}) {
  const t = useMessages(imMessages);
  const { locale } = useLocale();
  const draft = selected ? '' : (readLocalDraft(chat.id)?.text ?? serverDraft(chat));
  const time = chat.lastMessage ? formatListTime(chat.lastMessage.createdAt, locale, t('yesterday')) : '';
  const unread = chat.unreadCount;
  const className = ['kite-im-chat', selected ? 'kite-im-chat--selected' : '', chat.pinned ? 'kite-im-chat--pinned' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <button
      type="button"
      className={className}
      onClick={() => onOpen(chat.id)}
      data-testid={`chat-item-${chat.id}`}
      data-chat-name={chat.name}
      data-unread={unread}
      aria-current={selected ? 'true' : undefined}
      tabIndex={selected ? 0 : -1}
    >
      <span className="kite-im-chat__avatar">
        <ChatAvatar chat={chat} size={40} />
        {unread > 0 && chat.muted ? <span className="kite-im-chat__dot" aria-hidden="true" /> : null}
      </span>
      <span className="kite-im-chat__text">
        <span className="kite-im-chat__top">
          <span className="kite-im-chat__name">{chat.name}</span>
          {chat.muted ? <IconVolumeSilentStroked className="kite-im-chat__muted" aria-label={t('muted')} size="small" /> : null}
          <span className="kite-im-chat__time">{time}</span>
        </span>
        <span className="kite-im-chat__bottom">
          <span className="kite-im-chat__preview">
            {chat.unreadMentionCount > 0 ? <span className="kite-im-chat__mention">{t('mentionedYou')} </span> : null}
            {draft ? (
              <>
                <span className="kite-im-chat__draft">{t('draftPrefix')} </span>
                {draft}
              </>
            ) : (
              preview(chat)
            )}
          </span>
          {unread > 0 && !chat.muted ? (
            <span className="kite-im-badge" data-testid="chat-unread-badge" title={t('unreadBadge', { count: unread })}>
              {unread > 99 ? '99+' : unread}
            </span>
          ) : null}
          {unread > 0 && chat.muted ? <span className="kite-im-badge kite-im-badge--muted">{unread > 99 ? '99+' : unread}</span> : null}
        </span>
      </span>
    </button>
  );
});

function ChatListSkeleton() {
  return (
    <div className="kite-im-chats__skeleton" aria-busy="true" data-testid="chat-list-loading">
      {[0, 1, 2, 3, 4, 5].map((row) => (
        <div key={row} className="kite-im-chat kite-im-chat--skeleton">
          <Skeleton.Avatar size="default" />
          <div className="kite-im-chat__text">
            <Skeleton.Title style={{ width: '50%', height: 14 }} />
            <Skeleton.Paragraph rows={1} style={{ marginTop: 8 }} />
          </div>
        </div>
      ))}
    </div>
  );
}

export interface ChatListPaneProps {
  selectedId: string | null;
  onOpen: (id: string) => void;
  onNewChat: (mode: NewChatMode) => void;
  /** Wraps the search box, so Ctrl/⌘+K can focus its input. */
  searchRef: RefObject<HTMLDivElement | null>;
  /** A message found by the search: open its chat there. */
  onOpenMessage: (hit: MessageSearchHit) => void;
  /** `om_…` open in the conversation, marked among the results. */
  openMessageId: string | null;
}

/**
 * The left pane: search (Ctrl/⌘+K) over chats, people and messages, All / Unread, and the chats,
 * pinned first. Up and Down move between chats from the search box or the list.
 */
export function ChatListPane({ selectedId, onOpen, onNewChat, searchRef, onOpenMessage, openMessageId }: ChatListPaneProps) {
  const t = useMessages(imMessages);
  const viewer = useViewer();
  const s = useMessages(searchMessages);
  const list = useChatList();
  const preview = useChatPreview();
  const [query, setQuery] = useRememberedSearch();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const visible = useMemo(() => filterChats(list.chats, { query, unreadOnly }), [list.chats, query, unreadOnly]);

  const move = (step: 1 | -1, options: { unread?: boolean } = {}) => {
    const next = stepChat(visible, selectedId, step, options);
    if (next) {
      onOpen(next.id);
      requestAnimationFrame(() =>
        document.querySelector<HTMLElement>(`[data-testid="chat-item-${next.id}"]`)?.scrollIntoView({ block: 'nearest' }),
      );
    }
  };

  // Anywhere on the page: Alt+↑/↓ steps to the chat above or below, Alt+Shift+↑/↓ to the next unread one.
  useWindowKeyDown((event) => {
    if (!event.altKey || event.ctrlKey || event.metaKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
    event.preventDefault();
    move(event.key === 'ArrowDown' ? 1 : -1, { unread: event.shiftKey });
  });

  const onKeyDown = (event: KeyboardEvent) => {
    if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && !event.altKey) {
      event.preventDefault();
      move(event.key === 'ArrowDown' ? 1 : -1);
    } else if (
      event.key === 'Enter' &&
      event.target instanceof HTMLInputElement &&
      searchRef.current?.contains(event.target) &&
      visible[0]
    ) {
      onOpen(visible[0].id);
    }
  };

  const item = (chat: ChatView) => (
    <ChatListItem chat={chat} selected={selectedId !== null && isChat(chat, selectedId)} preview={preview} onOpen={onOpen} />
  );
  let body: ReactNode;
  if (list.isPending) body = <ChatListSkeleton />;
  else if (list.isError) body = <ErrorState compact error={list.error} onRetry={() => list.refetch()} />;
  else if (query.trim())
    body = (
      <GlobalSearchResults
        query={query}
        chats={visible}
        renderChat={item}
        onOpenChat={onOpen}
        onOpenMessage={onOpenMessage}
        openMessageId={openMessageId}
      />
    );
  else if (list.chats.length === 0)
    body = (
      <EmptyState
        compact
        illustration="people"
        title={t('noChatsTitle')}
        description={t('noChatsHint')}
        testId="chats-empty"
        action={
          <div className="kite-im-empty-actions">
            <Button theme="solid" icon={<IconComment />} onClick={() => onNewChat('p2p')} data-testid="empty-start-chat">
              {t('startChat')}
            </Button>
            <Button icon={<IconUserGroup />} onClick={() => onNewChat('group')}>
              {t('createGroup')}
            </Button>
          </div>
        }
      />
    );
  else if (visible.length === 0)
    body = <EmptyState compact illustration="empty" title={t('noUnreadTitle')} description={t('noUnreadHint')} />;
  else
    body = (
      <ul className="kite-im-chats__list" aria-label={t('chatListLabel')} data-testid="chat-list">
        {visible.map((chat) => (
          <li key={chat.id}>{item(chat)}</li>
        ))}
        {list.hasNextPage ? (
          <li className="kite-im-chats__more">
            <Button theme="borderless" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
              {t('loadMoreChats')}
            </Button>
          </li>
        ) : null}
      </ul>
    );

  return (
    <aside className="kite-im-chats" onKeyDown={onKeyDown} data-testid="chat-list-pane">
      <div className="kite-im-chats__header">
        <h1 className="kite-im-chats__title">{t('chatsTitle')}</h1>
        <div className="kite-im-chats__actions">
          <MessengerSettingsButton />
          <Dropdown
            trigger="click"
            position="bottomRight"
            render={
              <Dropdown.Menu>
                <Dropdown.Item icon={<IconComment />} onClick={() => onNewChat('p2p')} data-testid="new-p2p">
                  {t('newChat')}
                </Dropdown.Item>
                <Dropdown.Item icon={<IconUserGroup />} onClick={() => onNewChat('group')} data-testid="new-group">
                  {t('newGroup')}
                </Dropdown.Item>
                {viewer.isAdmin ? (
                  <Dropdown.Item icon={<IconApartment />} onClick={() => onNewChat('department')} data-testid="new-department-group">
                    {t('newDepartmentGroup')}
                  </Dropdown.Item>
                ) : null}
              </Dropdown.Menu>
            }
          >
            <button
              type="button"
              className="kite-im-icon-button kite-im-icon-button--filled"
              aria-label={t('newChat')}
              title={t('newChat')}
              data-testid="new-chat"
            >
              <IconPlus />
            </button>
          </Dropdown>
        </div>
      </div>
      <NotificationBanner />
      <div className="kite-im-chats__search" ref={searchRef}>
        <Input
          prefix={<IconSearch />}
          placeholder={withShortcutHint(s('searchPlaceholder'), 'K')}
          value={query}
          onChange={setQuery}
          showClear
          aria-label={s('searchPlaceholder')}
          data-testid="chat-search"
        />
      </div>
      <div className="kite-im-chats__filters" role="tablist">
        <button
          type="button"
          role="tab"
          aria-selected={!unreadOnly}
          className={unreadOnly ? 'kite-im-filter' : 'kite-im-filter kite-im-filter--active'}
          onClick={() => setUnreadOnly(false)}
        >
          {t('filterAll')}
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={unreadOnly}
          className={unreadOnly ? 'kite-im-filter kite-im-filter--active' : 'kite-im-filter'}
          onClick={() => setUnreadOnly(true)}
          data-testid="filter-unread"
        >
          {t('filterUnread')}
          {list.totalUnread > 0 ? <span className="kite-im-filter__count">{list.totalUnread > 99 ? '99+' : list.totalUnread}</span> : null}
        </button>
      </div>
      <div className="kite-im-chats__scroll">{body}</div>
    </aside>
  );
}
