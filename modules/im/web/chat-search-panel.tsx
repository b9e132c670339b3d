import { IconSearch } from '@douyinfe/semi-icons';
import { DatePicker, Input, Select } from '@douyinfe/semi-ui';
import type { ChatView, MessageSearchHit } from '@kite/im/contract';
import { useMessages } from '@kite/ui/i18n';
import { EmptyState, ErrorState } from '@kite/ui/states';
import { useDebouncedValue } from '@kite/ui/use-debounced-value';
import { useIsPhone } from '@kite/ui/use-is-phone';
import { type ReactNode, useState } from 'react';
import { useSearchParams } from 'react-router';
import { imErrorTexts } from './im-messages.ts';
import { useMembers } from './im-queries.ts';
import { useOpenMessage } from './open-message.ts';
import { SearchHitList, SearchHitsSkeleton } from './search-hit.tsx';
import { searchMessages } from './search-messages.ts';
import { isSearchable, type MessageSearchParams, useMessageSearch } from './search-queries.ts';

/** The panel's title (its frame lives with the other side panels). */
export function ChatSearchTitle() {
  const t = useMessages(searchMessages);
  return <>{t('inChatTitle')}</>;
}

/** Local midnight of the day after `date`: a range picked as whole days ends there. */
function nextDay(date: Date): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1);
}

function startOfDay(date: Date): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate());
}

/**
 * Search inside one chat, in the side panel: text, and optionally who sent it and on which days.
 * A hit scrolls the conversation to the message and highlights it (`?message=om_…`); at phone
 * width the panel closes first, since it covers the conversation.
 */
export function ChatSearchPanel({ chat }: { chat: ChatView }) {
  const t = useMessages(searchMessages);
  const isPhone = useIsPhone();
  const [searchParams] = useSearchParams();
  const [query, setQuery] = useState('');
  const [senderId, setSenderId] = useState<string | undefined>();
  const [days, setDays] = useState<[Date, Date] | null>(null);
  const settled = useDebouncedValue(query.trim(), 250);
  const members = useMembers(chat.id);
  const params: MessageSearchParams = {
    q: settled,
    chatId: chat.id,
    senderId,
    from: days ? startOfDay(days[0]).toISOString() : undefined,
    to: days ? nextDay(days[1]).toISOString() : undefined,
  };
  const search = useMessageSearch(params);
  const openMessageId = searchParams.get('message') ?? searchParams.get('reply');

  const openMessage = useOpenMessage();
  const open = (hit: MessageSearchHit) => openMessage(hit.chat.id, hit.message.messageId, { keepPanel: !isPhone });

  const senders = (members.data?.pages.flatMap((page) => page.items) ?? []).map((member) => ({
    value: member.user.id,
    label: member.user.name,
  }));

  let results: ReactNode;
  if (!settled) {
    results = (
      <EmptyState
        compact
        illustration="search"
        title={t('inChatIntroTitle')}
        description={t('inChatIntroHint')}
        testId="chat-search-intro"
      />
    );
  } else if (!isSearchable(settled)) {
    results = <p className="kite-im-search__note">{t('symbolsOnly')}</p>;
  } else if (search.isPending) {
    results = <SearchHitsSkeleton rows={4} testId="chat-search-loading" />;
  } else if (search.isError) {
    results = <ErrorState compact error={search.error} errorTexts={imErrorTexts} onRetry={() => void search.refetch()} />;
  } else if (search.hits.length === 0) {
    results = (
      <EmptyState
        compact
        illustration="search"
        title={t('noResultsTitle', { query: settled })}
        description={t('noResultsHint')}
        testId="chat-search-empty"
      />
    );
  } else {
    results = (
      <>
        <div className="kite-im-search__heading kite-im-chat-search__count" aria-live="polite">
          <span>
            {search.hasNextPage ? t('hitCountAtLeast', { count: search.hits.length }) : t('hitCount', { count: search.hits.length })}
          </span>
        </div>
        <SearchHitList
          hits={search.hits}
          showChat={false}
          openMessageId={openMessageId}
          onOpen={open}
          hasMore={search.hasNextPage}
          loadingMore={search.isFetchingNextPage}
          onLoadMore={() => void search.fetchNextPage()}
        />
      </>
    );
  }

  return (
    <div className="kite-im-chat-search">
      <div className="kite-im-chat-search__bar">
        <Input
          prefix={<IconSearch />}
          placeholder={t('inChatPlaceholder')}
          value={query}
          onChange={setQuery}
          showClear
          autoFocus
          aria-label={t('inChatPlaceholder')}
          data-testid="chat-search-input"
        />
        <div className="kite-im-chat-search__filters">
          <Select
            className="kite-im-chat-search__sender"
            size="small"
            placeholder={t('senderFilter')}
            prefix={senderId ? `${t('senderFilter')}:` : undefined}
            value={senderId}
            onChange={(value) => setSenderId(typeof value === 'string' && value ? value : undefined)}
            optionList={senders}
            filter
            showClear
            emptyContent={t('anySender')}
            data-testid="chat-search-sender"
          />
          <DatePicker
            className="kite-im-chat-search__days"
            type="dateRange"
            size="small"
            density="compact"
            value={days ?? undefined}
            onChange={(value) => setDays(Array.isArray(value) && value.length === 2 ? [new Date(value[0]!), new Date(value[1]!)] : null)}
            disabledDate={(date) => Boolean(date && date > new Date())}
            placeholder={[t('dateStart'), t('dateEnd')]}
            data-testid="chat-search-days"
          />
        </div>
      </div>
      <div className="kite-im-chat-search__results">
        {results}
        {search.isFetching && !search.isPending && !search.isFetchingNextPage ? (
          <div className="kite-im-search__busy">{t('loadingResults')}</div>
        ) : null}
      </div>
    </div>
  );
}
