import type { UserRef, UserView } from '@kite/contact/contract';
import { UserAvatar } from '@kite/ui/user-avatar';
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useMemo, useState } from 'react';
import { contactQueryKeys, fetchUsers } from '../contact-api.ts';
import { personSummary } from '../person-line.tsx';

export interface PersonOption {
  value: string;
  label: ReactNode;
  /** Plain name, shown once the person is chosen. */
  name: string;
  [key: string]: unknown;
}

function optionFor(user: Pick<UserView, 'id' | 'name'> & Partial<UserView>): PersonOption {
  const summary = user.departments ? personSummary(user as UserView) || user.email || '' : '';
  return {
    value: user.id,
    name: user.name,
    label: (
      <span className="kite-person-option">
        <UserAvatar name={user.name} color={user.avatarColor} size={24} />
        <span className="kite-person-option__name">{user.name}</span>
        {summary ? <span className="kite-person-option__meta">{summary}</span> : null}
      </span>
    ),
  };
}

/**
 * Options for a searchable "choose people" select. Searches the server (name, pinyin, initials,
 * e-mail) as the admin types; `known` keeps the names of people already chosen visible even when
 * they are not in the current results.
 */
export function usePersonOptions(known: readonly UserRef[] = [], excludeIds: readonly string[] = []) {
  const [search, setSearch] = useState('');
  const params = { q: search.trim() || undefined, status: 'active' as const, limit: 20 };
  const results = useQuery({
    queryKey: [...contactQueryKeys.users(params), 'picker'],
    queryFn: () => fetchUsers(params),
  });
  const optionList = useMemo(() => {
    const seen = new Set<string>(excludeIds);
    const options: PersonOption[] = [];
    for (const user of [...(results.data?.items ?? []), ...known]) {
      if (seen.has(user.id)) continue;
      seen.add(user.id);
      options.push(optionFor(user));
    }
    return options;
  }, [results.data, known, excludeIds]);
  return {
    optionList,
    loading: results.isFetching,
    onSearch: setSearch,
    /** Shows only the chosen person's name in the box (options carry a richer label). */
    renderSelectedItem: (option: Record<string, unknown>) => String(option.name ?? option.value ?? ''),
    renderMultipleSelectedItem: (option: Record<string, unknown>) => ({
      isRenderInTag: true,
      content: String(option.name ?? option.value ?? ''),
    }),
  };
}
