import { IconClose, IconSearch, IconTick } from '@douyinfe/semi-icons';
import { Input, Spin } from '@douyinfe/semi-ui';
import type { UserView } from '@kite/contact/contract';
import { useMessages } from '@kite/ui/i18n';
import { useDebouncedValue } from '@kite/ui/use-debounced-value';
import { UserAvatar } from '@kite/ui/user-avatar';
import { useViewer } from '@kite/ui/viewer';
import { type ReactNode, useState } from 'react';
import { imMessages } from './im-messages.ts';
import { usePeopleSearch } from './im-queries.ts';

export interface PickedPerson {
  id: string;
  name: string;
  avatarColor: string;
}

/** What tells two people of the same name apart: title and department, else e-mail. */
export function personSummary(user: UserView): string {
  return [user.title, user.departments[0]?.name].filter(Boolean).join(' · ') || (user.email ?? '');
}

/** Someone (or a chat) picked, with a button that takes them out again. */
export function PickedChip({
  avatar,
  name,
  onRemove,
  removeLabel,
}: {
  avatar: ReactNode;
  name: string;
  onRemove: () => void;
  removeLabel: string;
}) {
  return (
    <span className="kite-im-chip">
      {avatar}
      {name}
      <button type="button" className="kite-im-chip__remove" onClick={onRemove} aria-label={removeLabel}>
        <IconClose size="small" />
      </button>
    </span>
  );
}

/**
 * Finds colleagues through the directory (name, pinyin, initials, e-mail). Single mode calls
 * `onPick` at once; multiple mode toggles people into `selected`, shown as chips above the list.
 */
export function PeoplePicker({
  mode,
  selected = [],
  onPick,
  onRemove,
  excludeIds = [],
  excludeLabel,
}: {
  mode: 'single' | 'multiple';
  selected?: PickedPerson[];
  onPick: (person: PickedPerson) => void;
  onRemove?: (id: string) => void;
  /** People shown but not pickable (already members). */
  excludeIds?: readonly string[];
  excludeLabel?: string;
}) {
  const t = useMessages(imMessages);
  const viewer = useViewer();
  const [query, setQuery] = useState('');
  const settled = useDebouncedValue(query.trim(), 200);
  const people = usePeopleSearch(settled);
  const results = (people.data ?? []).filter((user) => user.id !== viewer.userId);
  const selectedIds = new Set(selected.map((person) => person.id));

  return (
    <div className="kite-im-picker" data-testid="people-picker">
      {mode === 'multiple' && selected.length > 0 ? (
        <div className="kite-im-picker__chips">
          {selected.map((person) => (
            <PickedChip
              key={person.id}
              avatar={<UserAvatar name={person.name} color={person.avatarColor} size={20} />}
              name={person.name}
              onRemove={() => onRemove?.(person.id)}
              removeLabel={person.name}
            />
          ))}
        </div>
      ) : null}
      <Input
        prefix={<IconSearch />}
        placeholder={t('peopleSearchPlaceholder')}
        value={query}
        onChange={setQuery}
        showClear
        autoFocus
        data-testid="people-search-input"
      />
      <div className="kite-im-picker__results">
        {people.isPending ? (
          <div className="kite-im-picker__state">
            <Spin />
          </div>
        ) : results.length === 0 ? (
          <div className="kite-im-picker__state kite-muted">
            {settled ? t('peopleSearchEmpty', { query: settled }) : t('peopleSearchHint')}
          </div>
        ) : (
          results.map((user) => {
            const excluded = excludeIds.includes(user.id);
            const checked = selectedIds.has(user.id);
            return (
              <button
                type="button"
                key={user.id}
                className={checked ? 'kite-im-person kite-im-person--checked' : 'kite-im-person'}
                disabled={excluded}
                onClick={() => {
                  if (mode === 'multiple' && checked) onRemove?.(user.id);
                  else onPick({ id: user.id, name: user.name, avatarColor: user.avatarColor });
                }}
                data-testid={`pick-person-${user.id}`}
                data-person-name={user.name}
              >
                {mode === 'multiple' ? (
                  <span className={checked ? 'kite-im-check kite-im-check--on' : 'kite-im-check'} aria-hidden="true">
                    {checked ? <IconTick size="small" /> : null}
                  </span>
                ) : null}
                <UserAvatar name={user.name} color={user.avatarColor} size={32} />
                <span className="kite-im-person__text">
                  <span className="kite-im-person__name">{user.name}</span>
                  <span className="kite-im-person__meta">{excluded ? excludeLabel : personSummary(user)}</span>
                </span>
              </button>
            );
          })
        )}
      </div>
    </div>
  );
}
