import { IconChevronLeft, IconDelete, IconEdit, IconPlus } from '@douyinfe/semi-icons';
import { Button, Modal, SideSheet, Tag, Toast, Typography } from '@douyinfe/semi-ui';
import type { CardTemplateSummary } from '@kite/openplatform/contract';
import { commonMessages } from '@kite/ui/common-messages';
import { useErrorText } from '@kite/ui/error-text';
import { formatDateTime } from '@kite/ui/format-time';
import { useLocale, useMessages } from '@kite/ui/i18n';
import { Page, PageHeader, Panel } from '@kite/ui/page';
import { ResponsiveTable } from '@kite/ui/responsive-table';
import { EmptyState, ErrorState, LoadingState } from '@kite/ui/states';
import { useIsPhone } from '@kite/ui/use-is-phone';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { sendSnippet } from './card-template-draft.ts';
import { CardTemplateEditor } from './card-template-editor.tsx';
import { cardTemplateErrorTexts, cardTemplateMessages } from './card-template-messages.ts';
import { cardTemplateKeys, deleteCardTemplate, fetchCardTemplates } from './card-templates-api.ts';
import { useApps } from './openplatform-queries.ts';
import './openplatform.css';

function Variables({ names }: { names: readonly string[] }) {
  const t = useMessages(cardTemplateMessages);
  if (names.length === 0) return <span className="kite-muted">{t('noVariables')}</span>;
  return (
    <span className="kite-template-tags">
      {names.map((name) => (
        <Tag key={name} size="small">
          {name}
        </Tag>
      ))}
    </span>
  );
}

/**
 * Admin → Apps → an app's card templates (Feishu's card builder): the list, the editor with its live
 * preview, and how the app sends one.
 */
export function CardTemplatesPage() {
  const t = useMessages(cardTemplateMessages);
  const common = useMessages(commonMessages);
  const { locale } = useLocale();
  const isPhone = useIsPhone();
  const navigate = useNavigate();
  const errorText = useErrorText(cardTemplateErrorTexts);
  const queryClient = useQueryClient();
  const { appId = '' } = useParams();
  const apps = useApps();
  const app = apps.data?.find((candidate) => candidate.appId === appId);
  const templates = useQuery({
    queryKey: cardTemplateKeys.ofApp(appId),
    queryFn: () => fetchCardTemplates(appId),
    select: (answer) => answer.items,
  });
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const remove = useMutation({
    mutationFn: (template: CardTemplateSummary) => deleteCardTemplate(appId, template.templateId),
    onSuccess: async (_answer, template) => {
      Toast.success(t('deleted', { name: template.name }));
      await queryClient.invalidateQueries({ queryKey: cardTemplateKeys.ofApp(appId) });
    },
    onError: (error) => Toast.error(errorText(error)),
  });
  const confirmDelete = (template: CardTemplateSummary) =>
    Modal.confirm({
      title: t('deleteTitle', { name: template.name }),
      content: t('deleteBody'),
      okText: common('delete'),
      cancelText: common('cancel'),
      okButtonProps: { type: 'danger', theme: 'solid' },
      onOk: () => remove.mutateAsync(template),
    });
  const newButton = (testId: string) => (
    <Button theme="solid" icon={<IconPlus />} onClick={() => setEditing('new')} data-testid={testId} disabled={!app}>
      {t('newTemplate')}
    </Button>
  );
  const rowActions = (template: CardTemplateSummary) => (
    <span className="kite-template-actions">
      <Button
        theme="borderless"
        icon={<IconEdit />}
        aria-label={common('edit')}
        onClick={() => setEditing(template.templateId)}
        data-testid={`edit-card-template-${template.templateId}`}
      />
      <Button
        theme="borderless"
        type="danger"
        icon={<IconDelete />}
        aria-label={common('delete')}
        onClick={() => confirmDelete(template)}
        data-testid={`delete-card-template-${template.templateId}`}
      />
    </span>
  );

  let body: ReactNode;
  if (apps.isPending || templates.isPending) body = <LoadingState compact />;
  else if (apps.isError) body = <ErrorState compact error={apps.error} onRetry={() => apps.refetch()} />;
  else if (!app) body = <EmptyState compact illustration="error" title={t('appMissing')} testId="card-templates-app-missing" />;
  else if (templates.isError) body = <ErrorState compact error={templates.error} onRetry={() => templates.refetch()} />;
  else
    body = (
      <ResponsiveTable<CardTemplateSummary>
        rows={templates.data}
        rowKey={(template) => template.templateId}
        testId="card-templates-table"
        rowTestId={(template) => `card-template-${template.templateId}`}
        empty={
          <EmptyState
            illustration="apps"
            title={t('emptyTitle')}
            description={t('emptyDescription')}
            action={newButton('new-card-template-empty')}
            testId="card-templates-empty"
          />
        }
        columns={[
          { title: t('name'), dataIndex: 'name', render: (_value, template) => <strong>{template.name}</strong> },
          {
            title: t('templateId'),
            dataIndex: 'templateId',
            render: (_value, template) => (
              <Typography.Text copyable size="small" className="kite-app-card__code">
                {template.templateId}
              </Typography.Text>
            ),
          },
          {
            title: t('version'),
            dataIndex: 'latestVersion',
            render: (_value, template) => (
              <span>
                <code>{template.latestVersion}</code>{' '}
                <span className="kite-muted">({t('versionCount', { count: template.versionCount })})</span>
              </span>
            ),
          },
          { title: t('variables'), dataIndex: 'variables', render: (_value, template) => <Variables names={template.variables} /> },
          { title: t('updated'), dataIndex: 'updatedAt', render: (_value, template) => formatDateTime(template.updatedAt, locale) },
          { title: '', dataIndex: 'actions', align: 'right', render: (_value, template) => rowActions(template) },
        ]}
        renderListItem={(template) => (
          <div className="kite-template-item">
            <div className="kite-template-item__main">
              <strong>{template.name}</strong>
              <Typography.Text copyable size="small" className="kite-app-card__code">
                {template.templateId}
              </Typography.Text>
              <div className="kite-muted">
                <code>{template.latestVersion}</code> · {formatDateTime(template.updatedAt, locale)}
              </div>
              <Variables names={template.variables} />
            </div>
            {rowActions(template)}
          </div>
        )}
      />
    );

  const example = templates.data?.[0];
  return (
    <Page testId="card-templates-page">
      <Button
        theme="borderless"
        type="tertiary"
        icon={<IconChevronLeft />}
        onClick={() => navigate('/admin/apps')}
        className="kite-template-back"
        data-testid="card-templates-back"
      >
        {t('backToApps')}
      </Button>
      <PageHeader
        title={t('title', { name: app?.name ?? appId })}
        description={t('description', { example: '${name}' })}
        actions={newButton('new-card-template')}
      />
      <Panel flush>{body}</Panel>
      {app ? (
        <div style={{ marginTop: 16 }}>
          <Panel title={t('usageTitle')}>
            <p className="kite-muted" style={{ margin: '0 0 8px' }}>
              {t('usageDescription')}
            </p>
            <pre className="kite-code-block" data-testid="card-template-usage">
              {sendSnippet(example?.templateId ?? 'AA…', example?.variables ?? ['name'])}
            </pre>
          </Panel>
        </div>
      ) : null}
      {/* Mounted throughout and toggled: Semi's SideSheet does not survive StrictMode's double mount when mounted open. */}
      <SideSheet
        closeOnEsc
        title={
          editing === 'new'
            ? t('newTitle')
            : t('editTitle', { name: templates.data?.find((item) => item.templateId === editing)?.name ?? '' })
        }
        visible={editing !== null}
        onCancel={() => setEditing(null)}
        width={isPhone ? '100%' : 1040}
      >
        {editing !== null ? (
          <CardTemplateEditor
            appId={appId}
            templateId={editing === 'new' ? null : editing}
            onDone={() => setEditing(null)}
            onCancel={() => setEditing(null)}
          />
        ) : null}
      </SideSheet>
    </Page>
  );
}
