import { IconPlus } from '@douyinfe/semi-icons';
import { Banner, Button, Form, Modal, Select, SideSheet, Toast } from '@douyinfe/semi-ui';
import type { GroupInput, GroupView } from '@kite/contact/contract';
import { commonMessages } from '@kite/ui/common-messages';
import { useErrorText } from '@kite/ui/error-text';
import { useMessages } from '@kite/ui/i18n';
import { Page, PageHeader, Panel } from '@kite/ui/page';
import { ResponsiveTable } from '@kite/ui/responsive-table';
import { EmptyState, ErrorState, LoadingState } from '@kite/ui/states';
import { useIsPhone } from '@kite/ui/use-is-phone';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import {
  addGroupMembers,
  contactQueryKeys,
  createGroup,
  deleteGroup,
  fetchGroupMembers,
  removeGroupMembers,
  updateGroup,
} from '../contact-api.ts';
import { contactErrorTexts, contactMessages } from '../contact-messages.ts';
import { useGroups } from '../contact-queries.ts';
import { PersonLine } from '../person-line.tsx';
import { usePersonOptions } from './use-person-options.tsx';
import './contact-admin.css';

function GroupFormModal({ group, onClose }: { group: GroupView | null; onClose: () => void }) {
  const t = useMessages(contactMessages);
  const common = useMessages(commonMessages);
  const errorText = useErrorText(contactErrorTexts);
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (values: GroupInput) => {
      const input = { name: values.name.trim(), description: values.description?.trim() ?? '' };
      return group ? updateGroup(group.id, input) : createGroup(input);
    },
    onSuccess: async (saved) => {
      Toast.success(group ? common('saved') : t('groupCreated', { name: saved.name }));
      await queryClient.invalidateQueries({ queryKey: contactQueryKeys.groups });
      onClose();
    },
  });
  return (
    <Modal title={group ? t('editGroupTitle') : t('addGroupTitle')} visible onCancel={onClose} footer={null} width={480}>
      {save.isError ? (
        <Banner type="danger" fullMode={false} closeIcon={null} description={errorText(save.error)} style={{ marginBottom: 16 }} />
      ) : null}
      <Form<GroupInput>
        initValues={{ name: group?.name ?? '', description: group?.description ?? '' }}
        onSubmit={(values) => save.mutate(values)}
        disabled={save.isPending}
      >
        <Form.Input
          field="name"
          label={t('groupName')}
          rules={[{ required: true, whitespace: true, message: t('nameRequired') }]}
          data-testid="group-name-input"
          autoFocus
        />
        <Form.TextArea
          field="description"
          label={t('groupDescription')}
          placeholder={t('groupDescriptionPlaceholder')}
          autosize
          maxCount={500}
        />
        <div className="kite-form-footer">
          <Button onClick={onClose}>{common('cancel')}</Button>
          <Button htmlType="submit" theme="solid" loading={save.isPending} data-testid="group-submit">
            {group ? common('save') : common('create')}
          </Button>
        </div>
      </Form>
    </Modal>
  );
}

function GroupMembers({ group }: { group: GroupView }) {
  const t = useMessages(contactMessages);
  const errorText = useErrorText(contactErrorTexts);
  const queryClient = useQueryClient();
  const [adding, setAdding] = useState<string[]>([]);
  const members = useQuery({ queryKey: contactQueryKeys.groupMembers(group.id), queryFn: () => fetchGroupMembers(group.id) });
  const memberIds = useMemo(() => members.data?.items.map((user) => user.id) ?? [], [members.data]);
  const people = usePersonOptions([], memberIds);
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: contactQueryKeys.groupMembers(group.id) }),
      queryClient.invalidateQueries({ queryKey: contactQueryKeys.groups }),
    ]);
  const add = useMutation({
    mutationFn: () => addGroupMembers(group.id, adding),
    onSuccess: async () => {
      setAdding([]);
      await refresh();
    },
    onError: (error) => Toast.error(errorText(error)),
  });
  const remove = useMutation({
    mutationFn: (userId: string) => removeGroupMembers(group.id, [userId]),
    onSuccess: refresh,
    onError: (error) => Toast.error(errorText(error)),
  });
  return (
    <>
      <div style={{ display: 'flex', gap: 8, marginBottom: 16 }}>
        <Select
          style={{ flex: 1 }}
          multiple
          filter
          remote
          value={adding}
          onChange={(value) => setAdding(Array.isArray(value) ? value.map(String) : [])}
          onSearch={people.onSearch}
          loading={people.loading}
          optionList={people.optionList}
          renderSelectedItem={people.renderMultipleSelectedItem}
          placeholder={t('addMembersPlaceholder')}
          maxTagCount={3}
          data-testid="group-add-members"
        />
        <Button theme="solid" disabled={adding.length === 0} loading={add.isPending} onClick={() => add.mutate()}>
          {t('addMembers')}
        </Button>
      </div>
      {members.isPending ? (
        <LoadingState compact />
      ) : members.isError ? (
        <ErrorState compact error={members.error} onRetry={() => members.refetch()} />
      ) : members.data.items.length === 0 ? (
        <EmptyState compact illustration="people" title={t('groupNoMembersTitle')} description={t('groupNoMembersHint')} />
      ) : (
        <ul className="kite-admin-members">
          {members.data.items.map((user) => (
            <li key={user.id} style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
              <div style={{ flex: 1, minWidth: 0 }}>
                <PersonLine user={user} size={32} />
              </div>
              <Button theme="borderless" type="danger" size="small" onClick={() => remove.mutate(user.id)}>
                {t('removeMember')}
              </Button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/**
 * The members of one group in a side sheet. The sheet stays mounted and only `visible` changes:
 * Semi's SideSheet does not survive StrictMode's mount–unmount–mount when mounted already open.
 */
function GroupMembersSheet({ group, onClose }: { group: GroupView | null; onClose: () => void }) {
  const t = useMessages(contactMessages);
  const isPhone = useIsPhone();
  const [shown, setShown] = useState(group);
  useEffect(() => {
    if (group) setShown(group);
  }, [group]);
  return (
    <SideSheet
      closeOnEsc
      title={shown ? t('groupMembersTitle', { name: shown.name }) : ''}
      visible={group !== null}
      onCancel={onClose}
      width={isPhone ? '100%' : 480}
    >
      {shown ? <GroupMembers key={shown.id} group={shown} /> : null}
    </SideSheet>
  );
}

/** Admin: user groups — named sets of people used for permissions and mentions. */
export function GroupsAdminPage() {
  const t = useMessages(contactMessages);
  const common = useMessages(commonMessages);
  const errorText = useErrorText(contactErrorTexts);
  const queryClient = useQueryClient();
  const groups = useGroups();
  const [form, setForm] = useState<GroupView | 'new' | null>(null);
  const [membersOf, setMembersOf] = useState<GroupView | null>(null);
  const remove = useMutation({
    mutationFn: (group: GroupView) => deleteGroup(group.id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: contactQueryKeys.groups }),
    onError: (error) => Toast.error(errorText(error)),
  });
  const confirmDelete = (group: GroupView) =>
    Modal.confirm({
      title: t('deleteGroupTitle', { name: group.name }),
      content: t('deleteGroupBody'),
      okText: common('delete'),
      cancelText: common('cancel'),
      okButtonProps: { type: 'danger', theme: 'solid' },
      onOk: () => remove.mutateAsync(group),
    });
  const addButton = (testId: string) => (
    <Button theme="solid" icon={<IconPlus />} onClick={() => setForm('new')} data-testid={testId}>
      {t('addGroup')}
    </Button>
  );
  const actions = (group: GroupView) => (
    <div style={{ display: 'flex', gap: 4, justifyContent: 'flex-end', flexWrap: 'wrap' }}>
      <Button theme="borderless" onClick={() => setMembersOf(group)}>
        {t('manageMembers')}
      </Button>
      <Button theme="borderless" onClick={() => setForm(group)}>
        {common('edit')}
      </Button>
      <Button theme="borderless" type="danger" onClick={() => confirmDelete(group)}>
        {common('delete')}
      </Button>
    </div>
  );

  return (
    <Page testId="groups-admin-page">
      <PageHeader title={t('groupsTitle')} description={t('groupsDescription')} actions={addButton('add-group')} />
      <Panel flush>
        {groups.isPending ? (
          <LoadingState compact />
        ) : groups.isError ? (
          <ErrorState compact error={groups.error} onRetry={() => groups.refetch()} />
        ) : (
          <ResponsiveTable<GroupView>
            rows={groups.data}
            rowKey={(group) => group.id}
            testId="groups-table"
            empty={
              <EmptyState
                illustration="people"
                title={t('noGroupsTitle')}
                description={t('noGroupsDescription')}
                action={addButton('add-group-empty')}
              />
            }
            columns={[
              { title: t('groupName'), dataIndex: 'name', render: (_value, group) => <strong>{group.name}</strong> },
              {
                title: t('groupDescription'),
                dataIndex: 'description',
                render: (_value, group) => group.description || <span className="kite-muted">—</span>,
              },
              { title: t('members'), dataIndex: 'memberCount', width: 100 },
              { title: '', dataIndex: 'id', width: 260, render: (_value, group) => actions(group) },
            ]}
            renderListItem={(group) => (
              <div>
                <strong>{group.name}</strong>
                <div className="kite-muted" style={{ fontSize: 13 }}>
                  {t('memberCount', { count: group.memberCount })}
                  {group.description ? ` · ${group.description}` : ''}
                </div>
                {actions(group)}
              </div>
            )}
          />
        )}
      </Panel>
      {form ? <GroupFormModal group={form === 'new' ? null : form} onClose={() => setForm(null)} /> : null}
      <GroupMembersSheet group={membersOf} onClose={() => setMembersOf(null)} />
    </Page>
  );
}
