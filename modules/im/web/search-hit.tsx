import { Button, Skeleton } from '@douyinfe/semi-ui';
import type { MessageSearchHit } from '@kite/im/contract';
import { useLocale, useMessages } from '@kite/ui/i18n';
import { UserAvatar } from '@kite/ui/user-avatar';
import { useViewer } from '@kite/ui/viewer';
import { type ReactNode, useId } from 'react';
import { ChatAvatar } from './chat-avatar.tsx';
import { imMessages } from './im-messages.ts';
import { formatListTime } from './im-time.ts';
import { ProfileTrigger } from './profile-card.tsx';
import { profileTargetOfParty } from './profile-target.ts';
import { searchMessages } from './search-messages.ts';
import './message-search.css';

/** Text with the ranges the server found the query at marked (UTF-16 offsets into `text`). */
export function Highlighted({ text, highlights }: Pick<MessageSearchHit, 'highlights'> & { text: string }) {
  const parts: ReactNode[] = [];
  let at = 0;
  for (const { start, end } of highlights) {
    if (start < at || end > text.length) continue;
    if (start > at) parts.push(text.slice(at, start));
    parts.push(<mark key={start}>{text.slice(start, end)}</mark>);
    at = end;
  }
  parts.push(text.slice(at));
  return <>{parts}</>;
}

export interface SearchHitRowProps {
  hit: MessageSearchHit;
  /** Global search: the row names the chat (and, in a group, the sender); in a chat it names the sender. */
  showChat: boolean;
  /** The message open in the conversation right now. */
  active?: boolean;
  onOpen: (hit: MessageSearchHit) => void;
}

/**
 * One message found: avatar, who or where, when, and the snippet with the query marked. The row
 * opens the message through a button laid over all of it; the sender's name sits above that button
 * and opens their profile card (two sibling buttons: neither inside the other, both reached by Tab).
 */
export function SearchHitRow({ hit, showChat, active = false, onOpen }: SearchHitRowProps) {
  const t = useMessages(searchMessages);
  const im = useMessages(imMessages);
  const { locale } = useLocale();
  const viewer = useViewer();
  const labelId = useId();
  const { message, chat } = hit;
  const mine = message.sender?.type === 'user' && message.sender.id === viewer.userId;
  const senderName = mine ? t('you') : (message.sender?.name ?? '');
  const senderCard = profileTargetOfParty(message.sender);
  const kind = message.msgType === 'file' ? t('fileLabel') : message.msgType === 'interactive' ? t('cardLabel') : null;
  const sender = (
    <ProfileTrigger
      target={senderCard}
      label={message.sender?.name ?? senderName}
      className="kite-im-search-hit__sender"
      testId="hit-sender"
    >
      {senderName}
    </ProfileTrigger>
  );
  // "Alice: …" in a group's hit of the global search: the name is the card's, the rest the sentence's.
  let prefix: ReactNode = null;
  if (showChat && chat.chatType === 'group' && senderName) {
    const [before = '', after = ''] = t('senderPrefix', { name: '\u0000' }).split('\u0000');
    prefix = (
      <>
        {before}
        {sender}
        {after}
      </>
    );
  }
  return (
    <div
      className={active ? 'kite-im-chat kite-im-search-hit kite-im-chat--selected' : 'kite-im-chat kite-im-search-hit'}
      data-testid={`search-hit-${message.messageId}`}
      aria-current={active ? 'true' : undefined}
    >
      <button
        type="button"
        className="kite-im-search-hit__open"
        onClick={() => onOpen(hit)}
        aria-labelledby={labelId}
        aria-current={active ? 'true' : undefined}
        data-testid="hit-open"
      />
      <span className="kite-im-chat__avatar">
        {showChat ? (
          <ChatAvatar chat={chat} size={40} />
        ) : (
          <UserAvatar name={message.sender?.name ?? '?'} color={message.sender?.avatarColor} size={32} />
        )}
      </span>
      <span className="kite-im-chat__text" id={labelId}>
        <span className="kite-im-chat__top">
          <span className="kite-im-chat__name">{showChat ? chat.name : sender}</span>
          <time className="kite-im-chat__time" dateTime={message.createdAt}>
            {formatListTime(message.createdAt, locale, im('yesterday'))}
          </time>
        </span>
        <span className="kite-im-search-hit__snippet">
          {prefix}
          {kind ? <span className="kite-im-search-hit__kind">[{kind}] </span> : null}
          <Highlighted text={hit.snippet} highlights={hit.highlights} />
          {message.edited ? <span className="kite-im-search-hit__edited"> · {t('edited')}</span> : null}
        </span>
      </span>
    </div>
  );
}

/** Grey rows where hits are about to be. */
export function SearchHitsSkeleton({ rows = 3, testId }: { rows?: number; testId: string }) {
  return (
    <div aria-busy="true" data-testid={testId}>
      {Array.from({ length: rows }, (_, row) => (
        <div key={row} className="kite-im-chat kite-im-chat--skeleton kite-im-search-hit">
          <Skeleton.Avatar size="small" />
          <div className="kite-im-chat__text">
            <Skeleton.Title style={{ width: '40%', height: 14 }} />
            <Skeleton.Paragraph rows={1} style={{ marginTop: 8 }} />
          </div>
        </div>
      ))}
    </div>
  );
}

export interface SearchHitListProps extends Pick<SearchHitRowProps, 'showChat' | 'onOpen'> {
  hits: readonly MessageSearchHit[];
  /** `om_…` open in the conversation, marked in the list. */
  openMessageId: string | null;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
}

/** Hits newest first, and a button for the next page while there is one. */
export function SearchHitList({ hits, showChat, openMessageId, onOpen, hasMore, loadingMore, onLoadMore }: SearchHitListProps) {
  const t = useMessages(searchMessages);
  return (
    <>
      {hits.map((hit) => (
        <SearchHitRow key={hit.message.id} hit={hit} showChat={showChat} active={hit.message.messageId === openMessageId} onOpen={onOpen} />
      ))}
      {hasMore ? (
        <div className="kite-im-chats__more">
          <Button theme="borderless" loading={loadingMore} onClick={onLoadMore}>
            {t('loadMore')}
          </Button>
        </div>
      ) : null}
    </>
  );
}
