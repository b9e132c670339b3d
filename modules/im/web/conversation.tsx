import { IconChevronLeft, IconClose, IconInfoCircle, IconReply, IconSearch, IconUserGroup } from '@douyinfe/semi-icons';
import { Tag } from '@douyinfe/semi-ui';
import type { ChatView, MessageView } from '@kite/im/contract';
import { useMessages } from '@kite/ui/i18n';
import { useViewer } from '@kite/ui/viewer';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { UploadTray, useAttachments } from './attachments.tsx';
import { ChatAvatar } from './chat-avatar.tsx';
import { timelineUnread } from './chat-list-model.ts';
import { Composer } from './composer.tsx';
import { type EditRequest, EditRequestContext, focusComposer, lastEditableMessage } from './edit-last.ts';
import { SelectionBar, useForwarding } from './forwarding.tsx';
import { markRead } from './im-api.ts';
import { cachedHistory, updateCachedChat } from './im-cache.ts';
import { imMessages, previewLabels } from './im-messages.ts';
import { previewText } from './message-content.ts';
import { MessageHistory } from './message-history.tsx';
import type { SidePanel } from './open-message.ts';
import { PinsButton } from './pinned-panel.tsx';
import { searchMessages } from './search-messages.ts';
import { useSendMessage } from './use-send-message.ts';
import { myOpenIds, setChatOnScreen } from './viewer-state.ts';

/**
 * Marks the chat read up to its last message while it is on screen and the tab is in front, and
 * tells the realtime handler so new messages here do not count as unread.
 */
function useMarkReadWhileVisible(chat: ChatView) {
  const queryClient = useQueryClient();
  const [visible, setVisible] = useState(() => document.visibilityState === 'visible');
  const requested = useRef(0);

  useEffect(() => {
    const onChange = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', onChange);
    return () => document.removeEventListener('visibilitychange', onChange);
  }, []);

  useEffect(() => {
    setChatOnScreen(visible ? chat.id : null);
    return () => setChatOnScreen(null);
  }, [chat.id, visible]);

  useEffect(() => {
    if (!visible) return;
    // Thread replies count against their threads' own read positions (the thread panel reads them).
    const unread = chat.lastSeq > chat.lastReadSeq || timelineUnread(chat) > 0;
    if (!unread || requested.current >= chat.lastSeq) return;
    requested.current = chat.lastSeq;
    const seq = chat.lastSeq;
    markRead(chat.id, seq)
      .then((answer) =>
        updateCachedChat(queryClient, chat.id, (current) => ({
          ...current,
          lastReadSeq: Math.max(current.lastReadSeq, answer.lastReadSeq),
          unreadCount: answer.unreadCount,
          unreadThreadReplyCount: answer.unreadThreadReplyCount,
          unreadMentionCount: answer.unreadCount === 0 ? 0 : current.unreadMentionCount,
        })),
      )
      .catch(() => {
        requested.current = 0;
      });
  }, [chat, visible, queryClient]);

  useEffect(() => {
    requested.current = 0;
  }, [chat.id]);
}

/** Above the composer while quoting a message: whom and what, and a way out. */
function QuoteBar({ message, onCancel }: { message: MessageView; onCancel: () => void }) {
  const t = useMessages(imMessages);
  return (
    <div className="kite-im-quote-bar" data-testid="quote-bar">
      <IconReply size="small" />
      <span className="kite-im-quote-bar__text">
        <span className="kite-im-quote-bar__name">{t('replyingTo', { name: message.sender?.name ?? t('unknownSender') })}</span>
        <span className="kite-im-ellipsis">{previewText(message, previewLabels(t))}</span>
      </span>
      <button type="button" className="kite-im-icon-button" onClick={onCancel} aria-label={t('cancelReply')} data-testid="quote-cancel">
        <IconClose size="small" />
      </button>
    </div>
  );
}

export interface ConversationProps {
  chat: ChatView;
  panel: SidePanel | null;
  onOpenPanel: (panel: SidePanel | null) => void;
  focusMessageId: string | null;
  /** Phone width: show a back button to the chat list. */
  onBack?: () => void;
}

/** The middle pane: header, history and composer of one chat. */
export function Conversation({ chat, panel, onOpenPanel, focusMessageId, onBack }: ConversationProps) {
  const t = useMessages(imMessages);
  const s = useMessages(searchMessages);
  const viewer = useViewer();
  useMarkReadWhileVisible(chat);
  const { pending, send, resend, discard } = useSendMessage(chat);
  const attachments = useAttachments(chat);
  // The message the next one quotes (Reply); a reply in thread goes through the thread panel instead.
  const [quoting, setQuoting] = useState<MessageView | null>(null);
  const quote = (message: MessageView) => {
    setQuoting(message);
    focusComposer();
  };
  const sendText = (text: string) => {
    send(text, quoting?.id ?? null);
    setQuoting(null);
  };
  // Captured when the chat opens: where the unread part began and how long it was.
  const [opened] = useState(() => ({
    firstUnreadSeq: timelineUnread(chat) > 0 ? chat.lastReadSeq + 1 : null,
    unreadCount: timelineUnread(chat),
  }));
  const viewerIds = myOpenIds(viewer.userId);
  const name = chat.chatType === 'p2p' ? (chat.peer?.name ?? chat.name) : chat.name;
  const togglePanel = (kind: 'members' | 'settings' | 'pins' | 'search') => onOpenPanel(panel?.kind === kind ? null : { kind });
  const forwarding = useForwarding();
  const queryClient = useQueryClient();
  const [editRequest, setEditRequest] = useState<EditRequest | null>(null);
  const editLast = () => {
    const message = lastEditableMessage(cachedHistory(queryClient, chat.id), viewer.userId);
    if (message) setEditRequest({ messageId: message.id, at: Date.now() });
    return Boolean(message);
  };

  return (
    <EditRequestContext.Provider value={editRequest}>
      <section className="kite-im-conversation" data-testid="conversation" aria-label={name}>
        <header className="kite-im-conversation__header">
          {onBack ? (
            <button type="button" className="kite-im-icon-button" onClick={onBack} aria-label={t('back')} data-testid="conversation-back">
              <IconChevronLeft />
            </button>
          ) : null}
          <ChatAvatar chat={chat} size={36} />
          <div className="kite-im-conversation__title">
            <div className="kite-im-conversation__name" data-testid="conversation-name">
              <span className="kite-im-ellipsis">{name}</span>
              {chat.chatType === 'group' ? <span className="kite-im-conversation__count">({chat.memberCount})</span> : null}
              {chat.departmentId ? (
                <Tag size="small" color="blue" className="kite-im-conversation__tag">
                  {t('departmentTag')}
                </Tag>
              ) : null}
              {chat.chatType === 'group' && chat.settings.messageForm === 'thread' ? (
                <Tag
                  size="small"
                  color="cyan"
                  className="kite-im-conversation__tag kite-im-conversation__tag--topics"
                  data-testid="topic-group-tag"
                >
                  {t('topicBadge')}
                </Tag>
              ) : null}
            </div>
            {chat.announcement ? (
              <button type="button" className="kite-im-conversation__announcement" onClick={() => onOpenPanel({ kind: 'settings' })}>
                <span className="kite-im-conversation__announcement-label">{t('announcementLabel')}</span>
                <span className="kite-im-ellipsis">{chat.announcement.split('\n')[0]}</span>
              </button>
            ) : chat.description ? (
              <div className="kite-im-conversation__subtitle kite-im-ellipsis">{chat.description}</div>
            ) : null}
          </div>
          <div className="kite-im-conversation__actions">
            <button
              type="button"
              className={panel?.kind === 'search' ? 'kite-im-icon-button kite-im-icon-button--active' : 'kite-im-icon-button'}
              onClick={() => togglePanel('search')}
              aria-label={s('openInChatSearch')}
              title={s('openInChatSearch')}
              data-testid="open-chat-search"
            >
              <IconSearch />
            </button>
            {chat.chatType === 'group' ? (
              <button
                type="button"
                className={panel?.kind === 'members' ? 'kite-im-icon-button kite-im-icon-button--active' : 'kite-im-icon-button'}
                onClick={() => togglePanel('members')}
                aria-label={t('panelMembers')}
                title={t('panelMembers')}
                data-testid="open-members"
              >
                <IconUserGroup />
              </button>
            ) : null}
            <PinsButton active={panel?.kind === 'pins'} onClick={() => togglePanel('pins')} />
            <button
              type="button"
              className={panel?.kind === 'settings' ? 'kite-im-icon-button kite-im-icon-button--active' : 'kite-im-icon-button'}
              onClick={() => togglePanel('settings')}
              aria-label={t('panelSettings')}
              title={t('panelSettings')}
              data-testid="open-settings"
            >
              <IconInfoCircle />
            </button>
          </div>
        </header>
        <MessageHistory
          chat={chat}
          viewerIds={viewerIds}
          firstUnreadSeq={opened.firstUnreadSeq}
          unreadAtOpen={opened.unreadCount}
          focusMessageId={focusMessageId}
          pending={pending.filter((message) => !message.inThread)}
          onResend={resend}
          onDiscard={discard}
          onOpenThread={(rootId, replyId) => onOpenPanel({ kind: 'thread', rootId, ...(replyId ? { replyId } : {}) })}
          onReply={quote}
        />
        <UploadTray uploads={attachments.uploads} onDismiss={attachments.dismiss} />
        {forwarding?.selected ? (
          <SelectionBar forwarding={forwarding} />
        ) : (
          <>
            {quoting ? <QuoteBar message={quoting} onCancel={() => setQuoting(null)} /> : null}
            <Composer
              chat={chat}
              draftKey={chat.id}
              placeholder={
                chat.chatType === 'group' && chat.settings.messageForm === 'thread'
                  ? t('topicComposerPlaceholder', { name })
                  : t('composerPlaceholder', { name })
              }
              onSend={sendText}
              onAttach={attachments.attach}
              syncServerDraft
              autoFocus
              onEditLast={editLast}
            />
          </>
        )}
      </section>
    </EditRequestContext.Provider>
  );
}
