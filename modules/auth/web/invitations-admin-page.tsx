import { IconPlus } from '@douyinfe/semi-icons';
import { Button, Form, Modal, Toast, Typography } from '@douyinfe/semi-ui';
import type { DepartmentView } from '@kite/contact/contract';
import { api } from '@kite/ui/api-client';
import { commonMessages } from '@kite/ui/common-messages';
import { CopyableValue } from '@kite/ui/copyable-value';
import { useErrorText } from '@kite/ui/error-text';
import { formatDateTime } from '@kite/ui/format-time';
import { useLocale, useMessages } from '@kite/ui/i18n';
import { Page, PageHeader, Panel } from '@kite/ui/page';
import { ResponsiveTable } from '@kite/ui/responsive-table';
import { EmptyState, ErrorState, LoadingState } from '@kite/ui/states';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { authQueryKeys, type CreateInvitationInput, createInvitation, fetchInvitations, revokeInvitation } from './auth-api.ts';
import { authMessages } from './auth-messages.ts';
import type { Invitation } from './session-types.ts';

interface InvitationFormValues {
  expiresInDays: number;
  maxUses: number;
  departmentId?: string;
}

function CreateInvitationModal({ onClose, onCreated }: { onClose: () => void; onCreated: (invitation: Invitation) => void }) {
  const t = useMessages(authMessages);
  const common = useMessages(commonMessages);
  const errorText = useErrorText();
  const departments = useQuery({
    queryKey: ['contact', 'departments'],
    queryFn: () => api.get<{ items: DepartmentView[] }>('/api/contact/departments'),
  });
  const create = useMutation({
    mutationFn: (input: CreateInvitationInput) => createInvitation(input),
    onSuccess: onCreated,
    onError: (error) => Toast.error(errorText(error)),
  });
  return (
    <Modal title={t('createInvitation')} visible onCancel={onClose} footer={null} width={480}>
      <Form<InvitationFormValues>
        initValues={{ expiresInDays: 7, maxUses: 50 }}
        onSubmit={(values) =>
          create.mutate({
            expiresInDays: values.expiresInDays,
            maxUses: values.maxUses,
            ...(values.departmentId ? { departmentId: values.departmentId } : {}),
          })
        }
      >
        <Form.InputNumber field="expiresInDays" label={t('expiresInDaysLabel')} min={1} max={30} style={{ width: '100%' }} />
        <Form.InputNumber field="maxUses" label={t('maxUsesLabel')} min={1} max={1000} style={{ width: '100%' }} />
        <Form.Select
          field="departmentId"
          label={t('departmentLabel')}
          placeholder={t('departmentPlaceholder')}
          showClear
          filter
          style={{ width: '100%' }}
          optionList={(departments.data?.items ?? []).map((department) => ({ value: department.id, label: department.name }))}
        />
        <div style={{ display: 'flex', justifyContent: 'flex-end', gap: 8, margin: '16px 0 24px' }}>
          <Button onClick={onClose}>{common('cancel')}</Button>
          <Button htmlType="submit" theme="solid" loading={create.isPending} data-testid="invitation-submit">
            {common('create')}
          </Button>
        </div>
      </Form>
    </Modal>
  );
}

/** Admin: invitation links people use to create their own account. */
export function InvitationsAdminPage() {
  const t = useMessages(authMessages);
  const common = useMessages(commonMessages);
  const { locale } = useLocale();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<Invitation | null>(null);
  const invitations = useQuery({ queryKey: authQueryKeys.invitations, queryFn: fetchInvitations });
  const revoke = useMutation({
    mutationFn: (id: string) => revokeInvitation(id),
    onSuccess: () => {
      Toast.success(t('invitationRevoked'));
      return queryClient.invalidateQueries({ queryKey: authQueryKeys.invitations });
    },
    onError: (error) => Toast.error(errorText(error)),
  });

  const confirmRevoke = (invitation: Invitation) =>
    Modal.confirm({
      title: t('invitationRevokeTitle'),
      content: t('invitationRevokeBody'),
      okText: t('invitationRevoke'),
      cancelText: common('cancel'),
      okButtonProps: { type: 'danger', theme: 'solid' },
      onOk: () => revoke.mutateAsync(invitation.id),
    });

  const createButton = (testId: string) => (
    <Button theme="solid" icon={<IconPlus />} onClick={() => setCreating(true)} data-testid={testId}>
      {t('createInvitation')}
    </Button>
  );

  return (
    <Page testId="invitations-page">
      <PageHeader title={t('invitationsTitle')} description={t('invitationsDescription')} actions={createButton('create-invitation')} />
      <Panel flush>
        {invitations.isPending ? (
          <LoadingState compact />
        ) : invitations.isError ? (
          <ErrorState compact error={invitations.error} onRetry={() => invitations.refetch()} />
        ) : (
          <ResponsiveTable<Invitation>
            rows={invitations.data.items}
            rowKey={(invitation) => invitation.id}
            empty={
              <EmptyState
                illustration="people"
                title={t('invitationsEmptyTitle')}
                description={t('invitationsEmptyDescription')}
                action={createButton('create-invitation-empty')}
              />
            }
            columns={[
              {
                title: t('invitationLink'),
                dataIndex: 'url',
                render: (_value, invitation) => (
                  <Typography.Text copyable={{ content: invitation.url }} ellipsis={{ showTooltip: true }} style={{ maxWidth: 320 }}>
                    {invitation.url}
                  </Typography.Text>
                ),
              },
              {
                title: t('invitationExpires'),
                dataIndex: 'expiresAt',
                render: (_value, invitation) => formatDateTime(invitation.expiresAt, locale),
              },
              {
                title: t('invitationUses'),
                dataIndex: 'uses',
                render: (_value, invitation) => t('invitationUsesValue', { uses: invitation.uses, maxUses: invitation.maxUses }),
              },
              {
                title: t('invitationDepartment'),
                dataIndex: 'department',
                render: (_value, invitation) => invitation.department?.name ?? t('rootDepartment'),
              },
              { title: t('invitationCreatedBy'), dataIndex: 'createdBy', render: (_value, invitation) => invitation.createdBy.name },
              {
                title: '',
                dataIndex: 'id',
                align: 'right',
                render: (_value, invitation) => (
                  <Button type="danger" theme="borderless" onClick={() => confirmRevoke(invitation)}>
                    {t('invitationRevoke')}
                  </Button>
                ),
              },
            ]}
            renderListItem={(invitation) => (
              <div style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
                <Typography.Text copyable={{ content: invitation.url }} ellipsis>
                  {invitation.url}
                </Typography.Text>
                <span className="kite-muted">
                  {t('invitationExpires')}: {formatDateTime(invitation.expiresAt, locale)} · {t('invitationUses')}:{' '}
                  {t('invitationUsesValue', { uses: invitation.uses, maxUses: invitation.maxUses })}
                </span>
                <div>
                  <Button size="small" type="danger" onClick={() => confirmRevoke(invitation)}>
                    {t('invitationRevoke')}
                  </Button>
                </div>
              </div>
            )}
          />
        )}
      </Panel>
      {creating ? (
        <CreateInvitationModal
          onClose={() => setCreating(false)}
          onCreated={(invitation) => {
            setCreating(false);
            setCreated(invitation);
            void queryClient.invalidateQueries({ queryKey: authQueryKeys.invitations });
          }}
        />
      ) : null}
      {created ? (
        <Modal
          title={t('invitationCreatedTitle')}
          visible
          onCancel={() => setCreated(null)}
          footer={
            <Button theme="solid" onClick={() => setCreated(null)}>
              {common('close')}
            </Button>
          }
        >
          <p className="kite-muted" style={{ marginTop: 0 }}>
            {t('invitationCreatedBody')}
          </p>
          <CopyableValue label={t('invitationLink')} value={created.url} testId="invitation-url" />
        </Modal>
      ) : null}
    </Page>
  );
}
