import { IconImport, IconMore, IconPlus, IconSearch } from '@douyinfe/semi-icons';
import { Button, Dropdown, Input, Modal, Select, Tag, Toast, TreeSelect } from '@douyinfe/semi-ui';
import type { UserView } from '@kite/contact/contract';
import { commonMessages } from '@kite/ui/common-messages';
import { useErrorText } from '@kite/ui/error-text';
import { useMessages } from '@kite/ui/i18n';
import { Page, PageHeader, Panel } from '@kite/ui/page';
import { ResponsiveTable } from '@kite/ui/responsive-table';
import { EmptyState, ErrorState, LoadingState } from '@kite/ui/states';
import { useDebouncedValue } from '@kite/ui/use-debounced-value';
import { useViewer } from '@kite/ui/viewer';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { contactQueryKeys, resetUserPassword, setUserActive, type UserStatusFilter } from '../contact-api.ts';
import { contactErrorTexts, contactMessages } from '../contact-messages.ts';
import { useDepartments, useUser, useUserPages } from '../contact-queries.ts';
import { departmentTreeOptions } from '../department-options.ts';
import { PersonLine } from '../person-line.tsx';
import { type TemporaryCredentials, TemporaryPasswordModal } from './temporary-password-modal.tsx';
import { UserFormSheet } from './user-form-sheet.tsx';
import './contact-admin.css';

function StatusTag({ user }: { user: UserView }) {
  const t = useMessages(contactMessages);
  return user.status === 'active' ? (
    <Tag color="green" size="small">
      {t('statusActive')}
    </Tag>
  ) : (
    <Tag color="grey" size="small">
      {t('statusDeactivated')}
    </Tag>
  );
}

function UserActions({
  user,
  onEdit,
  onCredentials,
}: {
  user: UserView;
  onEdit: () => void;
  onCredentials: (credentials: TemporaryCredentials) => void;
}) {
  const t = useMessages(contactMessages);
  const common = useMessages(commonMessages);
  const errorText = useErrorText(contactErrorTexts);
  const queryClient = useQueryClient();
  const { userId } = useViewer();
  const active = user.status === 'active';
  const toggle = useMutation({
    mutationFn: () => setUserActive(user.id, !active),
    onSuccess: async () => {
      Toast.success(active ? t('userDeactivated', { name: user.name }) : t('userReactivated', { name: user.name }));
      await queryClient.invalidateQueries({ queryKey: contactQueryKeys.all });
    },
    onError: (error) => Toast.error(errorText(error)),
  });
  const reset = useMutation({
    mutationFn: () => resetUserPassword(user.id),
    onSuccess: (answer) => {
      if (answer.temporaryPassword) {
        onCredentials({ title: t('passwordResetTitle'), name: user.name, email: user.email, password: answer.temporaryPassword });
      } else Toast.success(t('passwordResetDone'));
    },
    onError: (error) => Toast.error(errorText(error)),
  });
  const confirmToggle = () =>
    Modal.confirm({
      title: active ? t('deactivateTitle', { name: user.name }) : t('reactivateTitle', { name: user.name }),
      content: active ? t('deactivateBody') : t('reactivateBody'),
      okText: active ? t('deactivate') : t('reactivate'),
      cancelText: common('cancel'),
      okButtonProps: active ? { type: 'danger', theme: 'solid' } : { theme: 'solid' },
      onOk: () => toggle.mutateAsync(),
    });
  const confirmReset = () =>
    Modal.confirm({
      title: t('resetPasswordTitle', { name: user.name }),
      content: t('resetPasswordBody'),
      okText: t('resetPassword'),
      cancelText: common('cancel'),
      onOk: () => reset.mutateAsync(),
    });
  return (
    <div style={{ display: 'flex', gap: 4, justifyContent: 'flex-end' }}>
      <Button theme="borderless" onClick={onEdit} data-testid={`edit-user-${user.id}`}>
        {common('edit')}
      </Button>
      <Dropdown
        trigger="click"
        position="bottomRight"
        render={
          <Dropdown.Menu>
            <Dropdown.Item onClick={confirmReset} disabled={!active}>
              {t('resetPassword')}
            </Dropdown.Item>
            <Dropdown.Item type={active ? 'danger' : 'primary'} onClick={confirmToggle} disabled={user.id === userId}>
              {active ? t('deactivate') : t('reactivate')}
            </Dropdown.Item>
          </Dropdown.Menu>
        }
      >
        <Button
          theme="borderless"
          type="tertiary"
          icon={<IconMore />}
          aria-label={common('more')}
          data-testid={`user-actions-${user.id}`}
        />
      </Dropdown>
    </div>
  );
}

/** Admin: everyone in the organisation — add, edit, move between departments, deactivate. */
export function UsersAdminPage() {
  const t = useMessages(contactMessages);
  const common = useMessages(commonMessages);
  const navigate = useNavigate();
  const [searchParams, setSearchParams] = useSearchParams();
  const departmentId = searchParams.get('department');
  const editId = searchParams.get('edit');
  const [status, setStatus] = useState<UserStatusFilter>('active');
  const [query, setQuery] = useState('');
  const settledQuery = useDebouncedValue(query.trim());
  const [editing, setEditing] = useState<UserView | 'new' | null>(null);
  const [credentials, setCredentials] = useState<TemporaryCredentials | null>(null);
  const departments = useDepartments();
  const departmentOptions = useMemo(() => departmentTreeOptions(departments.data ?? []), [departments.data]);
  const users = useUserPages({ q: settledQuery || undefined, departmentId: departmentId ?? undefined, status, limit: 50 });
  const rows = users.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = Boolean(settledQuery || departmentId || status !== 'active');

  const setParam = (name: string, value: string | null) =>
    setSearchParams((current) => {
      const next = new URLSearchParams(current);
      if (value) next.set(name, value);
      else next.delete(name);
      return next;
    });
  // `?edit=<id>` (from a profile card) opens the editor once that person's record has loaded.
  const linkedUser = useUser(editId && !editing ? editId : null);
  const sheetUser = editing === 'new' ? null : (editing ?? linkedUser.data ?? null);
  const sheetOpen = editing !== null || Boolean(editId && linkedUser.data);
  const closeEditor = () => {
    setEditing(null);
    if (editId) setParam('edit', null);
  };

  const addButton = (testId: string) => (
    <Button theme="solid" icon={<IconPlus />} onClick={() => setEditing('new')} data-testid={testId}>
      {t('addUser')}
    </Button>
  );
  const editor = (
    <UserFormSheet
      open={sheetOpen}
      user={sheetUser}
      departments={departments.data ?? []}
      defaultDepartmentId={departmentId}
      onClose={closeEditor}
      onSaved={(result) => {
        closeEditor();
        if (result.created) Toast.success(t('userCreated', { name: result.user.name }));
        else Toast.success(t('userSaved'));
        if (result.temporaryPassword) {
          setCredentials({
            title: t('userCreatedTitle'),
            name: result.user.name,
            email: result.user.email,
            password: result.temporaryPassword,
          });
        }
      }}
    />
  );

  let table: ReactNode;
  if (users.isPending) table = <LoadingState compact />;
  else if (users.isError) table = <ErrorState compact error={users.error} onRetry={() => users.refetch()} />;
  else
    table = (
      <ResponsiveTable<UserView>
        rows={rows}
        rowKey={(user) => user.id}
        testId="users-table"
        rowTestId={(user) => `user-row-${user.email ?? user.id}`}
        empty={
          filtered ? (
            <EmptyState compact illustration="search" title={t('noUsersMatchTitle')} description={t('noUsersMatchHint')} />
          ) : (
            <EmptyState
              illustration="people"
              title={t('noUsersTitle')}
              description={t('noUsersDescription')}
              action={addButton('add-user-empty')}
            />
          )
        }
        columns={[
          { title: t('fieldName'), dataIndex: 'name', render: (_value, user) => <PersonLine user={user} size={32} query={settledQuery} /> },
          {
            title: t('fieldDepartments'),
            dataIndex: 'departments',
            render: (_value, user) =>
              user.departments.map((department) => department.name).join(t('listSeparator')) || <span className="kite-muted">—</span>,
          },
          { title: t('fieldEmail'), dataIndex: 'email', render: (_value, user) => user.email ?? '—' },
          {
            title: t('fieldManager'),
            dataIndex: 'manager',
            render: (_value, user) => user.manager?.name ?? <span className="kite-muted">—</span>,
          },
          {
            title: t('fieldRole'),
            dataIndex: 'isAdmin',
            width: 110,
            render: (_value, user) =>
              user.isAdmin ? (
                <Tag color="blue" size="small">
                  {t('roleAdmin')}
                </Tag>
              ) : (
                <span className="kite-muted">{t('roleMember')}</span>
              ),
          },
          { title: t('fieldStatus'), dataIndex: 'status', width: 100, render: (_value, user) => <StatusTag user={user} /> },
          {
            title: '',
            dataIndex: 'id',
            width: 120,
            render: (_value, user) => <UserActions user={user} onEdit={() => setEditing(user)} onCredentials={setCredentials} />,
          },
        ]}
        renderListItem={(user) => (
          <div style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
            <div style={{ flex: 1, minWidth: 0 }}>
              <PersonLine user={user} query={settledQuery} />
            </div>
            {user.isAdmin ? (
              <Tag color="blue" size="small">
                {t('roleAdmin')}
              </Tag>
            ) : null}
            <UserActions user={user} onEdit={() => setEditing(user)} onCredentials={setCredentials} />
          </div>
        )}
      />
    );

  return (
    <Page testId="users-admin-page">
      <PageHeader
        title={t('usersTitle')}
        description={t('usersDescription')}
        actions={
          <>
            <Button icon={<IconImport />} onClick={() => navigate('/admin/import')}>
              {t('importCsv')}
            </Button>
            {addButton('add-user')}
          </>
        }
      />
      <div className="kite-toolbar">
        <Input
          className="kite-toolbar__grow"
          prefix={<IconSearch />}
          placeholder={t('searchPlaceholder')}
          value={query}
          onChange={setQuery}
          showClear
          data-testid="user-search"
        />
        <TreeSelect
          className="kite-toolbar__filter"
          treeData={departmentOptions}
          value={departmentId ?? undefined}
          onChange={(value) => setParam('department', typeof value === 'string' ? value : null)}
          placeholder={t('allDepartments')}
          showClear
          filterTreeNode
          defaultExpandAll
          data-testid="user-department-filter"
        />
        <Select
          className="kite-toolbar__filter"
          value={status}
          onChange={(value) => setStatus(value as UserStatusFilter)}
          optionList={[
            { value: 'active', label: t('statusActive') },
            { value: 'deactivated', label: t('statusDeactivated') },
            { value: 'all', label: t('statusAll') },
          ]}
          data-testid="user-status-filter"
        />
      </div>
      <Panel flush>{table}</Panel>
      {users.hasNextPage ? (
        <div style={{ display: 'flex', justifyContent: 'center', padding: 16 }}>
          <Button onClick={() => users.fetchNextPage()} loading={users.isFetchingNextPage}>
            {common('loadMore')}
          </Button>
        </div>
      ) : null}
      {editor}
      {credentials ? <TemporaryPasswordModal credentials={credentials} onClose={() => setCredentials(null)} /> : null}
    </Page>
  );
}
