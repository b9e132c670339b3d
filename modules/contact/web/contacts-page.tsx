import { IconApartment, IconSearch } from '@douyinfe/semi-icons';
import { Button, Input, SideSheet } from '@douyinfe/semi-ui';
import type { DepartmentView, UserView } from '@kite/contact/contract';
import { departmentPath } from '@kite/contact/contract';
import { commonMessages } from '@kite/ui/common-messages';
import { useMessages } from '@kite/ui/i18n';
import { EmptyState, ErrorState, LoadingState } from '@kite/ui/states';
import { useDebouncedValue } from '@kite/ui/use-debounced-value';
import { useIsPhone } from '@kite/ui/use-is-phone';
import { useViewer } from '@kite/ui/viewer';
import { type ReactNode, useEffect, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import type { UserListParams } from './contact-api.ts';
import { contactMessages } from './contact-messages.ts';
import { useDepartments, useUser, useUserPages } from './contact-queries.ts';
import { DepartmentTree } from './department-tree.tsx';
import { PersonLine } from './person-line.tsx';
import { PersonProfile } from './person-profile.tsx';
import './contacts.css';

const PAGE_SIZE = 50;

function OrganisationPanel({
  departments,
  selectedId,
  onSelect,
  inSheet = false,
}: {
  departments: readonly DepartmentView[];
  selectedId: string | null;
  onSelect: (id: string | null) => void;
  /** In the phone sheet, which has its own title and padding. */
  inSheet?: boolean;
}) {
  const t = useMessages(contactMessages);
  const { tenantName } = useViewer();
  const [filter, setFilter] = useState('');
  return (
    <div className={inSheet ? 'kite-contacts__org kite-contacts__org--in-sheet' : 'kite-contacts__org'}>
      {inSheet ? null : <div className="kite-contacts__org-header">{t('organisation')}</div>}
      <Input
        prefix={<IconSearch />}
        placeholder={t('filterDepartments')}
        value={filter}
        onChange={setFilter}
        showClear
        className="kite-contacts__org-filter"
      />
      <DepartmentTree
        departments={departments}
        rootLabel={tenantName}
        selectedId={selectedId}
        onSelect={onSelect}
        filter={filter}
        testId="org-tree"
      />
    </div>
  );
}

function ListHeading({
  department,
  departments,
  count,
}: {
  department: DepartmentView | null;
  departments: readonly DepartmentView[];
  count?: number;
}) {
  const t = useMessages(contactMessages);
  const { tenantName } = useViewer();
  if (!department) {
    return (
      <div className="kite-contacts__heading">
        <h1>{tenantName}</h1>
        <span className="kite-muted">{t('everyoneInOrganisation')}</span>
      </div>
    );
  }
  const path = departmentPath(departments, department.id);
  return (
    <div className="kite-contacts__heading">
      <h1>{department.name}</h1>
      <span className="kite-muted">
        {[
          path.length > 1 ? path.slice(0, -1).join(' / ') : null,
          t('memberCount', { count: count ?? department.memberCount }),
          department.leaders.length
            ? t('leadersLine', { names: department.leaders.map((leader) => leader.name).join(t('listSeparator')) })
            : null,
        ]
          .filter(Boolean)
          .join(' · ')}
      </span>
    </div>
  );
}

function PeopleList({
  users,
  query,
  selectedId,
  onOpen,
  testId,
}: {
  users: UserView[];
  query: string;
  selectedId: string | null;
  onOpen: (id: string) => void;
  testId: string;
}) {
  return (
    <ul className="kite-people" data-testid={testId}>
      {users.map((user) => (
        <li key={user.id}>
          <button
            type="button"
            className={user.id === selectedId ? 'kite-people__item kite-people__item--selected' : 'kite-people__item'}
            onClick={() => onOpen(user.id)}
            data-testid={`person-${user.id}`}
            data-person-name={user.name}
          >
            <PersonLine user={user} query={query} />
          </button>
        </li>
      ))}
    </ul>
  );
}

function ProfilePane({
  personId,
  departments,
  onOpen,
}: {
  personId: string;
  departments: readonly DepartmentView[];
  onOpen: (id: string) => void;
}) {
  const person = useUser(personId);
  const { isAdmin } = useViewer();
  const t = useMessages(contactMessages);
  const navigate = useNavigate();
  if (person.isPending) return <LoadingState compact />;
  if (person.isError) return <ErrorState compact error={person.error} onRetry={() => person.refetch()} />;
  return (
    <PersonProfile
      user={person.data}
      departments={departments}
      onOpenPerson={onOpen}
      actions={
        isAdmin ? (
          <Button size="small" onClick={() => navigate(`/admin/users?edit=${encodeURIComponent(person.data.id)}`)}>
            {t('editInAdmin')}
          </Button>
        ) : undefined
      }
    />
  );
}

/**
 * Contacts: browse the organisation by department, or search everyone by name, pinyin ("zhangsan"),
 * initials ("zs"), e-mail or mobile; selecting a person opens their profile card.
 */
export function ContactsPage() {
  const t = useMessages(contactMessages);
  const common = useMessages(commonMessages);
  const isPhone = useIsPhone();
  const { isAdmin } = useViewer();
  const navigate = useNavigate();
  const [searchParams, setSearchParams] = useSearchParams();
  const departmentId = searchParams.get('department');
  const personId = searchParams.get('person');
  const [query, setQuery] = useState(searchParams.get('q') ?? '');
  const settledQuery = useDebouncedValue(query.trim());
  const [treeOpen, setTreeOpen] = useState(false);

  const setParam = (name: string, value: string | null) =>
    setSearchParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: name === 'q' },
    );

  // Only the settled query is written to the URL (replace, not push), so Back skips keystrokes.
  useEffect(() => {
    if ((searchParams.get('q') ?? '') !== settledQuery) setParam('q', settledQuery || null);
  }, [settledQuery]);

  const searching = settledQuery.length > 0;
  const departments = useDepartments();
  const listParams: UserListParams = searching
    ? { q: settledQuery, status: 'active', limit: PAGE_SIZE }
    : { departmentId: departmentId ?? undefined, status: 'active', limit: PAGE_SIZE };
  const people = useUserPages(listParams);
  const users = people.data?.pages.flatMap((page) => page.items) ?? [];
  const departmentList = departments.data ?? [];
  const department = departmentId ? (departmentList.find((candidate) => candidate.id === departmentId) ?? null) : null;

  const openPerson = (id: string) => setParam('person', id);
  const selectDepartment = (id: string | null) => {
    setQuery('');
    setSearchParams((current) => {
      const next = new URLSearchParams(current);
      if (id) next.set('department', id);
      else next.delete('department');
      next.delete('q');
      return next;
    });
    setTreeOpen(false);
  };

  const organisation = departments.isError ? (
    <ErrorState compact error={departments.error} onRetry={() => departments.refetch()} />
  ) : departments.isPending ? (
    <LoadingState compact />
  ) : (
    <OrganisationPanel departments={departmentList} selectedId={departmentId} onSelect={selectDepartment} inSheet={isPhone} />
  );

  let list: ReactNode;
  if (people.isPending) list = <LoadingState compact />;
  else if (people.isError) list = <ErrorState compact error={people.error} onRetry={() => people.refetch()} />;
  else if (users.length === 0 && searching)
    list = (
      <EmptyState
        compact
        illustration="search"
        title={t('noSearchResultsTitle', { query: settledQuery })}
        description={t('noSearchResultsHint')}
        testId="search-empty"
      />
    );
  else if (users.length === 0)
    list = (
      <EmptyState
        compact
        illustration="people"
        title={department ? t('emptyDepartmentTitle') : t('emptyOrganisationTitle')}
        description={isAdmin ? t('emptyDepartmentAdminHint') : t('emptyDepartmentHint')}
        action={isAdmin ? <Button onClick={() => navigate('/admin/users')}>{t('addPeople')}</Button> : undefined}
      />
    );
  else
    list = (
      <>
        {searching ? <div className="kite-contacts__result-count">{t('searchResultsHeading', { query: settledQuery })}</div> : null}
        <PeopleList
          users={users}
          query={searching ? settledQuery : ''}
          selectedId={personId}
          onOpen={openPerson}
          testId={searching ? 'search-results' : 'people-list'}
        />
        {people.hasNextPage ? (
          <div className="kite-contacts__more">
            <Button onClick={() => people.fetchNextPage()} loading={people.isFetchingNextPage}>
              {common('loadMore')}
            </Button>
          </div>
        ) : null}
      </>
    );

  const profile = personId ? <ProfilePane personId={personId} departments={departmentList} onOpen={openPerson} /> : null;

  return (
    <div className={isPhone ? 'kite-contacts kite-contacts--phone' : 'kite-contacts'} data-testid="contacts-page">
      {isPhone ? null : <aside className="kite-contacts__side">{organisation}</aside>}
      <section className="kite-contacts__list">
        <div className="kite-contacts__search">
          <Input
            size="large"
            prefix={<IconSearch />}
            placeholder={t('searchPlaceholder')}
            value={query}
            onChange={setQuery}
            showClear
            data-testid="people-search"
            aria-label={t('searchPlaceholder')}
          />
          {isPhone ? (
            <Button
              size="large"
              icon={<IconApartment />}
              onClick={() => setTreeOpen(true)}
              aria-label={t('organisation')}
              data-testid="open-org-tree"
            />
          ) : null}
        </div>
        {searching ? null : <ListHeading department={department} departments={departmentList} />}
        <div className="kite-contacts__scroll">{list}</div>
      </section>
      {isPhone ? (
        <>
          <SideSheet
            closeOnEsc
            placement="left"
            width="86vw"
            visible={treeOpen}
            onCancel={() => setTreeOpen(false)}
            title={t('organisation')}
          >
            {organisation}
          </SideSheet>
          <SideSheet
            closeOnEsc
            placement="bottom"
            height="88vh"
            visible={Boolean(personId)}
            onCancel={() => setParam('person', null)}
            title={t('profileTitle')}
            className="kite-profile-sheet"
          >
            {profile}
          </SideSheet>
        </>
      ) : (
        <aside className="kite-contacts__profile">
          {profile ?? (
            <EmptyState compact illustration="people" title={t('noPersonSelectedTitle')} description={t('noPersonSelectedHint')} />
          )}
        </aside>
      )}
    </div>
  );
}
