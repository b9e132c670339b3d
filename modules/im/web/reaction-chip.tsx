import { Popover, Spin } from '@douyinfe/semi-ui';
import type { MessageView, PartyRef } from '@kite/im/contract';
import { commonMessages } from '@kite/ui/common-messages';
import { useLocale, useMessages } from '@kite/ui/i18n';
import { useIsPhone } from '@kite/ui/use-is-phone';
import { UserAvatar } from '@kite/ui/user-avatar';
import { useViewer } from '@kite/ui/viewer';
import { type KeyboardEvent, type ReactNode, useEffect, useId, useMemo, useRef, useState } from 'react';
import { BotAvatar } from './bot-avatar.tsx';
import { emojiFor } from './emoji.ts';
import { imMessages } from './im-messages.ts';
import { useReactors } from './im-queries.ts';
import { ProfileTrigger } from './profile-card.tsx';
import { profileTargetOfParty } from './profile-target.ts';
import { reactorSegments } from './reactors.ts';
import { useLongPress } from './use-long-press.ts';
import './reactors.css';

/** How long the pointer rests on a chip before its people show, and may wander off before they go. */
const OPEN_DELAY_MS = 350;
const CLOSE_DELAY_MS = 200;

type Reaction = MessageView['reactions'][number];

function ReactorAvatar({ party, size }: { party: PartyRef; size: number }) {
  return party.type === 'user' ? (
    <UserAvatar name={party.name} color={party.avatarColor} size={size} />
  ) : (
    <BotAvatar name={party.name} size={size} />
  );
}

/**
 * Who reacted with one emoji: "You, Bob and 3 others reacted with 👍", each name opening its profile
 * card; "N others" unfolds everyone, page by page. `onOpenPerson` runs after a card opens (phones
 * close the popover: the card is a sheet over the page).
 */
function ReactorsPopoverBody({
  messageId,
  reaction,
  summaryId,
  onOpenPerson,
}: {
  messageId: string;
  reaction: Reaction;
  summaryId: string;
  onOpenPerson?: () => void;
}) {
  const t = useMessages(imMessages);
  const common = useMessages(commonMessages);
  const { locale } = useLocale();
  const viewer = useViewer();
  const [expanded, setExpanded] = useState(false);
  const reactors = useReactors(messageId, reaction.emojiType, true);
  const emoji = emojiFor(reaction.emojiType);
  const pages = reactors.data?.pages;
  const people = useMemo(() => pages?.flatMap((page) => page.items.map((item) => item.reactor)) ?? [], [pages]);
  // The server's count is the newest; until it answers, the chip's.
  const count = pages?.[0]?.count ?? reaction.count;

  let body: ReactNode;
  if (reactors.isPending) {
    body = (
      <div className="kite-im-reactors__state">
        <Spin size="small" />
      </div>
    );
  } else if (reactors.isError && !pages) {
    body = (
      <div className="kite-im-reactors__state" role="alert">
        {t('reactorsError')}{' '}
        <button type="button" className="kite-im-text-button" onClick={() => void reactors.refetch()}>
          {common('retry')}
        </button>
      </div>
    );
  } else if (people.length === 0) {
    body = <div className="kite-im-reactors__state">{t('reactorsEmpty', { emoji })}</div>;
  } else {
    const segments = reactorSegments(people, count, viewer.userId, {
      locale,
      you: t('reactorsYou'),
      someone: t('reactorsSomeone'),
      others: (others) => t('reactorsOthers', { count: others }),
    });
    // The sentence around the names, in the locale's order ("{names} reacted with 👍", "{names}回复了👍").
    const [before = '', after = ''] = t('reactorsSummary', { names: '\u0000', emoji }).split('\u0000');
    body = (
      <>
        <p className="kite-im-reactors__summary" id={summaryId} data-testid="reactors-summary">
          {before}
          {segments.map((segment, index) => {
            const key = `${segment.kind}-${index}`;
            if (segment.kind === 'party') {
              return (
                <ProfileTrigger
                  key={key}
                  target={profileTargetOfParty(segment.party)}
                  label={segment.party.name}
                  className="kite-im-reactors__name"
                  testId="reactor-name"
                  onOpen={onOpenPerson}
                >
                  {segment.text}
                </ProfileTrigger>
              );
            }
            if (segment.kind === 'others') {
              return (
                <button
                  key={key}
                  type="button"
                  className="kite-im-reactors__others"
                  aria-expanded={expanded}
                  onClick={() => setExpanded((value) => !value)}
                  data-testid="reactors-others"
                >
                  {segment.text}
                </button>
              );
            }
            return <span key={key}>{segment.text}</span>;
          })}
          {after}
        </p>
        {expanded ? (
          <div className="kite-im-reactors__all">
            <div className="kite-im-reactors__all-title">{t('reactorsListTitle', { emoji })}</div>
            <ul className="kite-im-reactors__list" data-testid="reactors-list">
              {people.map((party) => (
                <li key={`${party.type}:${party.id}`}>
                  <ProfileTrigger
                    target={profileTargetOfParty(party)}
                    label={party.name}
                    className="kite-im-profile-trigger--row"
                    testId="reactor-row"
                    onOpen={onOpenPerson}
                  >
                    <ReactorAvatar party={party} size={24} />
                    <span>{party.type === 'user' && party.id === viewer.userId ? t('reactorsYou') : party.name}</span>
                  </ProfileTrigger>
                </li>
              ))}
            </ul>
            {reactors.hasNextPage ? (
              <button
                type="button"
                className="kite-im-text-button kite-im-reactors__more"
                disabled={reactors.isFetchingNextPage}
                onClick={() => void reactors.fetchNextPage()}
                data-testid="reactors-more"
              >
                {reactors.isFetchingNextPage ? <Spin size="small" /> : t('reactorsLoadMore')}
              </button>
            ) : null}
          </div>
        ) : null}
      </>
    );
  }
  return (
    <div className="kite-im-reactors" data-testid="reactors-popover" data-emoji={reaction.emojiType}>
      <span className="kite-im-reactors__emoji" aria-hidden="true">
        {emoji}
      </span>
      <div className="kite-im-reactors__body">{body}</div>
    </div>
  );
}

/**
 * One reaction under a message: a click adds or takes back the viewer's own; resting the pointer
 * on it (desktop), holding it (phones) or ↓ from the keyboard shows who reacted.
 */
export function ReactionChip({
  messageId,
  reaction,
  own,
  onToggle,
}: {
  messageId: string;
  reaction: Reaction;
  /** The viewer's own message: its chips sit at the right, so the list opens leftwards. */
  own: boolean;
  onToggle: (emojiType: string) => void;
}) {
  const t = useMessages(imMessages);
  const isPhone = useIsPhone();
  const [open, setOpen] = useState(false);
  const summaryId = useId();
  const chipRef = useRef<HTMLButtonElement>(null);
  const popoverRef = useRef<HTMLDivElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // A hold that opened the list is not also a tap that toggles the reaction.
  const held = useRef(false);
  useEffect(() => () => clearTimeout(timer.current), []);
  const later = (next: boolean, ms: number) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setOpen(next), ms);
  };
  const longPress = useLongPress(() => {
    held.current = true;
    setOpen(true);
  });
  const hover = isPhone
    ? {}
    : {
        onMouseEnter: () => later(true, OPEN_DELAY_MS),
        onMouseLeave: () => later(false, CLOSE_DELAY_MS),
      };
  // The first name, or (while the list loads) the popover itself: Tab then reaches the names.
  const focusFirst = () =>
    requestAnimationFrame(() => {
      const target = popoverRef.current?.querySelector<HTMLElement>('button') ?? popoverRef.current;
      target?.focus({ preventScroll: true });
    });
  const onChipKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key !== 'ArrowDown') return;
    event.preventDefault();
    setOpen(true);
    focusFirst();
  };
  const onPopoverKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    setOpen(false);
    chipRef.current?.focus({ preventScroll: true });
  };
  const content = (
    // biome-ignore lint/a11y/noStaticElementInteractions: keeps the list open while the pointer is on it; Escape closes it
    <div
      ref={popoverRef}
      className="kite-im-reactors-host"
      tabIndex={-1}
      onKeyDown={onPopoverKeyDown}
      {...hover}
      onMouseEnter={() => clearTimeout(timer.current)}
    >
      <ReactorsPopoverBody
        messageId={messageId}
        reaction={reaction}
        summaryId={summaryId}
        onOpenPerson={isPhone ? () => setOpen(false) : undefined}
      />
    </div>
  );
  return (
    <Popover
      content={content}
      trigger="custom"
      visible={open}
      onClickOutSide={() => setOpen(false)}
      onEscKeyDown={() => setOpen(false)}
      position={own ? 'topRight' : 'topLeft'}
      showArrow
    >
      <button
        ref={chipRef}
        type="button"
        className={reaction.reactedByMe ? 'kite-im-reaction kite-im-reaction--mine' : 'kite-im-reaction'}
        onClick={() => {
          if (held.current) {
            held.current = false;
            return;
          }
          setOpen(false);
          onToggle(reaction.emojiType);
        }}
        onKeyDown={onChipKeyDown}
        {...hover}
        {...longPress}
        // The row under it opens its actions on a hold: this hold is the chip's.
        onTouchStart={(event) => {
          event.stopPropagation();
          held.current = false;
          longPress.onTouchStart(event);
        }}
        onContextMenu={(event) => {
          event.stopPropagation();
          longPress.onContextMenu(event);
          // A right click or a browser's own hold menu is followed by no click to swallow.
          held.current = false;
        }}
        aria-pressed={reaction.reactedByMe}
        aria-label={`${t('reactionLabel', { emoji: emojiFor(reaction.emojiType), count: reaction.count })}${isPhone ? '' : ` · ${t('reactorsHint')}`}`}
        aria-describedby={open ? summaryId : undefined}
        aria-keyshortcuts="ArrowDown"
        data-testid={`reaction-${reaction.emojiType}`}
        data-count={reaction.count}
      >
        <span className="kite-im-reaction__emoji">{emojiFor(reaction.emojiType)}</span>
        <span className="kite-im-reaction__count">{reaction.count}</span>
      </button>
    </Popover>
  );
}
