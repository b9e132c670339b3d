import { Button } from '@douyinfe/semi-ui';
import type { ChatView, MessageSearchHit } from '@kite/im/contract';
import { useMessages } from '@kite/ui/i18n';
import { EmptyState, ErrorState } from '@kite/ui/states';
import { useIsPhone } from '@kite/ui/use-is-phone';
import { useWindowKeyDown } from '@kite/ui/use-window-key-down';
import { useRef, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { ChatListPane } from './chat-list-pane.tsx';
import { Conversation } from './conversation.tsx';
import { DepartmentGroupModal } from './department-group-modal.tsx';
import { ForwardingProvider } from './forwarding.tsx';
import { imMessages } from './im-messages.ts';
import { useChat } from './im-queries.ts';
import { HistorySkeleton } from './message-history.tsx';
import { NewChatModal, type NewChatMode } from './new-chat-modal.tsx';
import { panelFromParams, panelParams, type SidePanel, useOpenMessage } from './open-message.ts';
import { ProfileCardHost } from './profile-card.tsx';
import { ShortcutsDialog, shortcutLabel } from './shortcuts-dialog.tsx';
import { SidePanelView } from './side-panels.tsx';
import './messenger.css';

function ConversationPane({
  chatId,
  panel,
  onOpenPanel,
  focusMessageId,
  isPhone,
  onBack,
}: {
  chatId: string;
  panel: SidePanel | null;
  onOpenPanel: (panel: SidePanel | null) => void;
  focusMessageId: string | null;
  isPhone: boolean;
  onBack: () => void;
}) {
  const t = useMessages(imMessages);
  const { chat, isPending, error, refetch } = useChat(chatId);
  if (!chat) {
    if (isPending) return <HistorySkeleton />;
    const notFound = error && typeof error === 'object' && 'status' in error && (error.status === 404 || error.status === 403);
    return notFound ? (
      <EmptyState
        illustration="lock"
        title={t('chatNotFoundTitle')}
        description={t('chatNotFoundHint')}
        testId="chat-not-found"
        action={<Button onClick={onBack}>{t('backToChats')}</Button>}
      />
    ) : (
      <ErrorState error={error} onRetry={() => void refetch()} />
    );
  }
  const showConversation = !isPhone || !panel;
  return (
    <ForwardingProvider key={chat.id} chat={chat}>
      {showConversation ? (
        <Conversation
          key={chat.id}
          chat={chat}
          panel={panel}
          onOpenPanel={onOpenPanel}
          focusMessageId={focusMessageId}
          onBack={isPhone ? onBack : undefined}
        />
      ) : null}
      {panel ? (
        <SidePanelView
          chat={chat}
          panel={panel}
          onClose={() => onOpenPanel(null)}
          onBack={isPhone ? () => onOpenPanel(null) : undefined}
          onLeft={onBack}
        />
      ) : null}
    </ForwardingProvider>
  );
}

/**
 * Messenger: chat list, conversation and side panel (thread, members, info) side by side; at phone
 * width one at a time, with Back between them. Ctrl/⌘+K searches chats, Esc closes the panel.
 */
export function MessengerPage() {
  const t = useMessages(imMessages);
  const isPhone = useIsPhone();
  const navigate = useNavigate();
  const { chatId = null } = useParams();
  const [searchParams, setSearchParams] = useSearchParams();
  const panel = panelFromParams(searchParams);
  const focusMessageId = searchParams.get('message');
  // A thread reply opened from a search hit is shown in its thread (`reply`), still the hit opened.
  const openedMessageId = focusMessageId ?? searchParams.get('reply');
  const [newChat, setNewChat] = useState<NewChatMode | null>(null);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  const searchRef = useRef<HTMLDivElement>(null);

  const onChatCreated = (chat: ChatView) => {
    setNewChat(null);
    navigate(`/messenger/${encodeURIComponent(chat.id)}`);
  };
  const openChat = (id: string) => {
    if (id !== chatId) navigate(`/messenger/${encodeURIComponent(id)}`);
  };
  const openMessageInChat = useOpenMessage();
  const openMessage = (hit: MessageSearchHit) => openMessageInChat(hit.chat.id, hit.message.messageId);
  const openPanel = (next: SidePanel | null) => {
    // A thread opened at a reply stands in for the `?message=` address it came from (replaced, so
    // Back does not open it again); otherwise switching panels replaces, and opening one from none
    // adds a step Back can undo (phone).
    const atReply = next?.kind === 'thread' && next.replyId !== undefined;
    setSearchParams((current) => panelParams(current, next), { replace: atReply || Boolean(panel && next) });
  };

  useWindowKeyDown((event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
      event.preventDefault();
      if (isPhone && chatId) navigate('/messenger');
      requestAnimationFrame(() => searchRef.current?.querySelector('input')?.focus());
    } else if ((event.ctrlKey || event.metaKey) && event.key === '/') {
      event.preventDefault();
      setShortcutsOpen((open) => !open);
    } else if (event.key === 'Escape' && panel && !event.defaultPrevented && !document.querySelector('.semi-modal-wrap')) {
      openPanel(null);
    }
  });

  const showList = !isPhone || !chatId;
  const className = ['kite-im', isPhone ? 'kite-im--phone' : '', panel && chatId ? 'kite-im--with-panel' : ''].filter(Boolean).join(' ');
  return (
    <ProfileCardHost chatId={chatId}>
      <div className={className} data-testid="messenger-page">
        {showList ? (
          <ChatListPane
            selectedId={chatId}
            onOpen={openChat}
            onNewChat={setNewChat}
            searchRef={searchRef}
            onOpenMessage={openMessage}
            openMessageId={openedMessageId}
          />
        ) : null}
        {chatId ? (
          <ConversationPane
            chatId={chatId}
            panel={panel}
            onOpenPanel={openPanel}
            focusMessageId={focusMessageId}
            isPhone={isPhone}
            onBack={() => navigate('/messenger')}
          />
        ) : isPhone ? null : (
          <section className="kite-im-conversation kite-im-conversation--blank" data-testid="no-chat-selected">
            <EmptyState illustration="empty" title={t('selectChatTitle')} description={t('selectChatHint', { keys: shortcutLabel('K') })} />
          </section>
        )}
        {newChat === 'department' ? (
          <DepartmentGroupModal onClose={() => setNewChat(null)} onCreated={onChatCreated} />
        ) : newChat ? (
          <NewChatModal mode={newChat} onClose={() => setNewChat(null)} onCreated={onChatCreated} />
        ) : null}
        <ShortcutsDialog visible={shortcutsOpen} onClose={() => setShortcutsOpen(false)} />
      </div>
    </ProfileCardHost>
  );
}
