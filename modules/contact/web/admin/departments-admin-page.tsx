import { IconDelete, IconEdit, IconPlus, IconSearch } from '@douyinfe/semi-icons';
import { Button, Input, Modal, Toast, Tooltip, Typography } from '@douyinfe/semi-ui';
import type { DepartmentView } from '@kite/contact/contract';
import { departmentPath } from '@kite/contact/contract';
import { commonMessages } from '@kite/ui/common-messages';
import { useErrorText } from '@kite/ui/error-text';
import { useMessages } from '@kite/ui/i18n';
import { Page, PageHeader, Panel } from '@kite/ui/page';
import { EmptyState, ErrorState, LoadingState } from '@kite/ui/states';
import { UserAvatar } from '@kite/ui/user-avatar';
import { useViewer } from '@kite/ui/viewer';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { contactQueryKeys, deleteDepartment } from '../contact-api.ts';
import { contactErrorTexts, contactMessages } from '../contact-messages.ts';
import { useDepartments, useUserPages } from '../contact-queries.ts';
import { DepartmentTree } from '../department-tree.tsx';
import { PersonLine } from '../person-line.tsx';
import { DepartmentFormModal, type DepartmentFormTarget } from './department-form-modal.tsx';
import '../contacts.css';
import './contact-admin.css';

function DepartmentMembers({ department }: { department: DepartmentView }) {
  const t = useMessages(contactMessages);
  const navigate = useNavigate();
  const members = useUserPages({ departmentId: department.id, status: 'all', limit: 20 });
  const users = members.data?.pages.flatMap((page) => page.items) ?? [];
  if (members.isPending) return <LoadingState compact />;
  if (members.isError) return <ErrorState compact error={members.error} onRetry={() => members.refetch()} />;
  if (users.length === 0) {
    return (
      <EmptyState
        compact
        illustration="people"
        title={t('emptyDepartmentTitle')}
        description={t('emptyDepartmentAdminHint')}
        action={<Button onClick={() => navigate(`/admin/users?department=${encodeURIComponent(department.id)}`)}>{t('addPeople')}</Button>}
      />
    );
  }
  return (
    <ul className="kite-admin-members">
      {users.map((user) => (
        <li key={user.id}>
          <PersonLine user={user} size={32} />
        </li>
      ))}
      {members.hasNextPage ? (
        <li>
          <Button theme="borderless" onClick={() => navigate(`/admin/users?department=${encodeURIComponent(department.id)}`)}>
            {t('seeAllMembers')}
          </Button>
        </li>
      ) : null}
    </ul>
  );
}

function DepartmentDetail({
  department,
  departments,
  onEdit,
  onAddChild,
}: {
  department: DepartmentView;
  departments: readonly DepartmentView[];
  onEdit: () => void;
  onAddChild: () => void;
}) {
  const t = useMessages(contactMessages);
  const common = useMessages(commonMessages);
  const errorText = useErrorText(contactErrorTexts);
  const queryClient = useQueryClient();
  const [, setSearchParams] = useSearchParams();
  const childCount = departments.filter((candidate) => candidate.parentId === department.id).length;
  const empty = childCount === 0 && department.memberCount === 0;
  const path = departmentPath(departments, department.id);
  const remove = useMutation({
    mutationFn: () => deleteDepartment(department.id),
    onSuccess: async () => {
      Toast.success(t('departmentDeleted', { name: department.name }));
      setSearchParams(department.parentId ? { department: department.parentId } : {});
      await queryClient.invalidateQueries({ queryKey: contactQueryKeys.all });
    },
    onError: (error) => Toast.error(errorText(error)),
  });
  const confirmDelete = () =>
    Modal.confirm({
      title: t('deleteDepartmentTitle', { name: department.name }),
      content: t('deleteDepartmentBody'),
      okText: common('delete'),
      cancelText: common('cancel'),
      okButtonProps: { type: 'danger', theme: 'solid' },
      onOk: () => remove.mutateAsync(),
    });

  const deleteButton = (
    <Button icon={<IconDelete />} type="danger" disabled={!empty} onClick={confirmDelete} data-testid="delete-department">
      {common('delete')}
    </Button>
  );

  return (
    <Panel>
      <div className="kite-dept-detail__header">
        <div>
          {path.length > 1 ? <div className="kite-muted kite-dept-detail__path">{path.slice(0, -1).join(' / ')}</div> : null}
          <h2 className="kite-dept-detail__name" data-testid="department-detail-name">
            {department.name}
          </h2>
        </div>
        <div className="kite-dept-detail__actions">
          <Button icon={<IconEdit />} onClick={onEdit} data-testid="edit-department">
            {common('edit')}
          </Button>
          <Button icon={<IconPlus />} onClick={onAddChild} data-testid="add-sub-department">
            {t('addSubDepartment')}
          </Button>
          {empty ? deleteButton : <Tooltip content={t('deleteDepartmentBlocked')}>{deleteButton}</Tooltip>}
        </div>
      </div>
      <dl className="kite-dept-detail__facts">
        <div>
          <dt>{t('members')}</dt>
          <dd>{department.memberCount}</dd>
        </div>
        <div>
          <dt>{t('subDepartments')}</dt>
          <dd>{childCount}</dd>
        </div>
        <div>
          <dt>{t('departmentLeaders')}</dt>
          <dd>
            {department.leaders.length ? (
              <span className="kite-dept-detail__leaders">
                {department.leaders.map((leader) => (
                  <span key={leader.id} className="kite-chip">
                    <UserAvatar name={leader.name} size={20} />
                    {leader.name}
                  </span>
                ))}
              </span>
            ) : (
              <span className="kite-muted">{t('noLeaders')}</span>
            )}
          </dd>
        </div>
        <div>
          <dt>department_id</dt>
          <dd>
            <Typography.Text copyable size="small">
              {department.departmentId}
            </Typography.Text>
          </dd>
        </div>
      </dl>
      <h3 className="kite-dept-detail__section">{t('members')}</h3>
      <DepartmentMembers department={department} />
    </Panel>
  );
}

/** Admin: the department tree — create, rename, move, set leaders, delete when empty. */
export function DepartmentsAdminPage() {
  const t = useMessages(contactMessages);
  const { tenantName } = useViewer();
  const departments = useDepartments();
  const [searchParams, setSearchParams] = useSearchParams();
  const selectedId = searchParams.get('department');
  const [filter, setFilter] = useState('');
  const [form, setForm] = useState<DepartmentFormTarget | null>(null);
  const list = departments.data ?? [];
  const selected = selectedId ? (list.find((department) => department.id === selectedId) ?? null) : null;

  const select = (id: string | null) => setSearchParams(id ? { department: id } : {});
  const addButton = (testId: string) => (
    <Button
      theme="solid"
      icon={<IconPlus />}
      onClick={() => setForm({ mode: 'create', parentId: selected?.id ?? null })}
      data-testid={testId}
    >
      {t('addDepartment')}
    </Button>
  );

  let body: ReactNode;
  if (departments.isPending) body = <LoadingState />;
  else if (departments.isError) body = <ErrorState error={departments.error} onRetry={() => departments.refetch()} />;
  else if (list.length === 0)
    body = (
      <Panel>
        <EmptyState
          illustration="folder"
          title={t('noDepartmentsTitle')}
          description={t('noDepartmentsDescription')}
          action={addButton('add-department-empty')}
          testId="departments-empty"
        />
      </Panel>
    );
  else
    body = (
      <div className="kite-two-pane">
        <Panel>
          <Input
            prefix={<IconSearch />}
            placeholder={t('filterDepartments')}
            value={filter}
            onChange={setFilter}
            showClear
            style={{ marginBottom: 8 }}
          />
          <DepartmentTree
            departments={list}
            rootLabel={tenantName}
            selectedId={selectedId}
            onSelect={select}
            filter={filter}
            testId="admin-department-tree"
          />
        </Panel>
        {selected ? (
          <DepartmentDetail
            department={selected}
            departments={list}
            onEdit={() => setForm({ mode: 'edit', department: selected })}
            onAddChild={() => setForm({ mode: 'create', parentId: selected.id })}
          />
        ) : (
          <Panel>
            <EmptyState
              compact
              illustration="folder"
              title={t('selectDepartmentTitle')}
              description={t('selectDepartmentDescription', { count: list.length })}
            />
          </Panel>
        )}
      </div>
    );

  return (
    <Page testId="departments-admin-page">
      <PageHeader title={t('departmentsTitle')} description={t('departmentsDescription')} actions={addButton('add-department')} />
      {body}
      {form ? (
        <DepartmentFormModal
          target={form}
          departments={list}
          onClose={() => setForm(null)}
          onSaved={(department) => {
            Toast.success(form.mode === 'create' ? t('departmentCreated', { name: department.name }) : t('departmentSaved'));
            setForm(null);
            select(department.id);
          }}
        />
      ) : null}
    </Page>
  );
}
