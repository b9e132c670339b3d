import { Button, Spin, Toast } from '@douyinfe/semi-ui';
import type { ChatView, MessageSearchHit } from '@kite/im/contract';
import { useErrorText } from '@kite/ui/error-text';
import { useMessages } from '@kite/ui/i18n';
import { EmptyState } from '@kite/ui/states';
import { useDebouncedValue } from '@kite/ui/use-debounced-value';
import { UserAvatar } from '@kite/ui/user-avatar';
import { useViewer } from '@kite/ui/viewer';
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { createChat } from './im-api.ts';
import { writeChat } from './im-cache.ts';
import { imErrorTexts } from './im-messages.ts';
import { usePeopleSearch } from './im-queries.ts';
import { personSummary } from './people-picker.tsx';
import { SearchHitList, SearchHitsSkeleton } from './search-hit.tsx';
import { searchMessages } from './search-messages.ts';
import { isSearchable, useMessageSearch } from './search-queries.ts';

/** Rows a section shows before "Show all". */
const COLLAPSED_ROWS = 3;

let rememberedQuery = '';

/**
 * The chat list's search text, kept while the pane is away: at phone width opening a hit replaces
 * the list, and Back should find the results where they were.
 */
export function useRememberedSearch(): [string, (query: string) => void] {
  const [query, setQuery] = useState(rememberedQuery);
  return [
    query,
    (next: string) => {
      rememberedQuery = next;
      setQuery(next);
    },
  ];
}

function Section({ title, count, testId, children }: { title: string; count?: ReactNode; testId: string; children: ReactNode }) {
  return (
    <section className="kite-im-search__section" data-testid={testId}>
      <h2 className="kite-im-search__heading">
        <span>{title}</span>
        {count !== undefined ? <span className="kite-im-search__count">{count}</span> : null}
      </h2>
      {children}
    </section>
  );
}

function ShowAllToggle({ total, expanded, onToggle }: { total: number; expanded: boolean; onToggle: () => void }) {
  const t = useMessages(searchMessages);
  if (total <= COLLAPSED_ROWS) return null;
  return (
    <button type="button" className="kite-im-search__toggle" onClick={onToggle}>
      {expanded ? t('showLess') : t('showAll', { count: total })}
    </button>
  );
}

export interface GlobalSearchResultsProps {
  query: string;
  /** The viewer's chats whose names match (by characters, pinyin or initials). */
  chats: readonly ChatView[];
  renderChat: (chat: ChatView) => ReactNode;
  onOpenChat: (chatId: string) => void;
  onOpenMessage: (hit: MessageSearchHit) => void;
  /** `om_…` open in the conversation, marked in the list. */
  openMessageId: string | null;
}

/**
 * What the chat list shows while its search box has text: matching chats, people from the directory
 * (opening a 1:1 chat), and messages from every chat the viewer is in, newest first.
 */
export function GlobalSearchResults({ query, chats, renderChat, onOpenChat, onOpenMessage, openMessageId }: GlobalSearchResultsProps) {
  const t = useMessages(searchMessages);
  const errorText = useErrorText(imErrorTexts);
  const viewer = useViewer();
  const queryClient = useQueryClient();
  const settled = useDebouncedValue(query.trim(), 250);
  const people = usePeopleSearch(settled);
  const messages = useMessageSearch({ q: settled });
  const [expanded, setExpanded] = useState<{ chats: boolean; people: boolean }>({ chats: false, people: false });
  const peopleFound = (people.data ?? []).filter((user) => user.id !== viewer.userId);
  const searchable = isSearchable(settled);

  const openPerson = async (userId: string) => {
    try {
      const chat = await createChat({ chatType: 'p2p', userId });
      writeChat(queryClient, chat, { insert: true });
      onOpenChat(chat.id);
    } catch (error) {
      Toast.error(errorText(error));
    }
  };

  const nothing =
    chats.length === 0 &&
    !people.isPending &&
    peopleFound.length === 0 &&
    (!searchable || messages.isSuccess) &&
    messages.hits.length === 0;
  if (nothing && !messages.isPlaceholderData) {
    return (
      <EmptyState
        compact
        illustration="search"
        title={t('noResultsTitle', { query: settled })}
        description={t('noResultsHint')}
        testId="search-empty"
      />
    );
  }

  const visibleChats = expanded.chats ? chats : chats.slice(0, COLLAPSED_ROWS);
  const visiblePeople = expanded.people ? peopleFound : peopleFound.slice(0, COLLAPSED_ROWS);
  const hitCount = messages.hasNextPage
    ? t('hitCountAtLeast', { count: messages.hits.length })
    : t('hitCount', { count: messages.hits.length });

  return (
    <div className="kite-im-search" data-testid="global-search">
      {chats.length > 0 ? (
        <Section title={t('sectionChats')} testId="search-chats">
          <ul className="kite-im-chats__list">
            {visibleChats.map((chat) => (
              <li key={chat.id}>{renderChat(chat)}</li>
            ))}
          </ul>
          <ShowAllToggle
            total={chats.length}
            expanded={expanded.chats}
            onToggle={() => setExpanded({ ...expanded, chats: !expanded.chats })}
          />
        </Section>
      ) : null}
      {peopleFound.length > 0 ? (
        <Section title={t('sectionPeople')} testId="search-people">
          {visiblePeople.map((user) => (
            <button
              type="button"
              key={user.id}
              className="kite-im-person"
              onClick={() => void openPerson(user.id)}
              data-testid={`search-person-${user.id}`}
            >
              <UserAvatar name={user.name} color={user.avatarColor} size={40} />
              <span className="kite-im-person__text">
                <span className="kite-im-person__name">{user.name}</span>
                <span className="kite-im-person__meta">{personSummary(user)}</span>
              </span>
            </button>
          ))}
          <ShowAllToggle
            total={peopleFound.length}
            expanded={expanded.people}
            onToggle={() => setExpanded({ ...expanded, people: !expanded.people })}
          />
        </Section>
      ) : null}
      <Section
        title={t('sectionMessages')}
        testId="search-messages"
        count={messages.isFetching && !messages.isFetchingNextPage ? <Spin size="small" /> : messages.isSuccess ? hitCount : undefined}
      >
        {!searchable ? (
          <p className="kite-im-search__note">{t('symbolsOnly')}</p>
        ) : messages.isPending ? (
          <SearchHitsSkeleton testId="search-loading" />
        ) : messages.isError ? (
          <div className="kite-im-search__note kite-im-search__note--error" data-testid="search-error">
            {t('messagesFailed')} {errorText(messages.error)}
            <Button size="small" theme="borderless" onClick={() => void messages.refetch()}>
              {t('retry')}
            </Button>
          </div>
        ) : messages.hits.length === 0 ? (
          <p className="kite-im-search__note">{t('noMessages', { query: settled })}</p>
        ) : (
          <SearchHitList
            hits={messages.hits}
            showChat
            openMessageId={openMessageId}
            onOpen={onOpenMessage}
            hasMore={messages.hasNextPage}
            loadingMore={messages.isFetchingNextPage}
            onLoadMore={() => void messages.fetchNextPage()}
          />
        )}
      </Section>
    </div>
  );
}
