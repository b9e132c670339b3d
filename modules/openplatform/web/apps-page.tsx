import { IconArticle, IconDelete, IconEdit, IconKey, IconMore, IconPlus } from '@douyinfe/semi-icons';
import { Button, Dropdown, Modal, SideSheet, Tag, Toast, Typography } from '@douyinfe/semi-ui';
import type { AppInput, AppView } from '@kite/openplatform/contract';
import { commonMessages } from '@kite/ui/common-messages';
import { CopyableValue } from '@kite/ui/copyable-value';
import { useErrorText } from '@kite/ui/error-text';
import { formatDate } from '@kite/ui/format-time';
import { useLocale, useMessages } from '@kite/ui/i18n';
import { Page, PageHeader, Panel } from '@kite/ui/page';
import { EmptyState, ErrorState, LoadingState } from '@kite/ui/states';
import { useIsPhone } from '@kite/ui/use-is-phone';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useNavigate } from 'react-router';
import { AppForm } from './app-form.tsx';
import { cardTemplateMessages } from './card-template-messages.ts';
import { createApp, deleteApp, fetchApps, openPlatformQueryKeys, rotateAppSecret, updateApp } from './openplatform-api.ts';
import { openPlatformErrorTexts } from './openplatform-error-texts.ts';
import { openPlatformMessages } from './openplatform-messages.ts';
import './openplatform.css';

interface RevealedSecret {
  title: string;
  body: string;
  appId: string;
  appSecret: string;
}

/** Shows an app's credentials once, right after creation or rotation. */
function SecretModal({ secret, onClose }: { secret: RevealedSecret; onClose: () => void }) {
  const t = useMessages(openPlatformMessages);
  return (
    <Modal
      title={secret.title}
      visible
      onCancel={onClose}
      maskClosable={false}
      width={560}
      footer={
        <Button theme="solid" onClick={onClose} data-testid="app-secret-done">
          {t('done')}
        </Button>
      }
    >
      <p className="kite-muted" style={{ marginTop: 0 }}>
        {secret.body}
      </p>
      <CopyableValue label={t('appIdLabel')} value={secret.appId} testId="app-id-value" />
      <CopyableValue label={t('appSecretLabel')} value={secret.appSecret} testId="app-secret-value" />
      <p className="kite-field-hint" style={{ marginBottom: 0 }}>
        {t('secretOnce')}
      </p>
    </Modal>
  );
}

function AppCard({ app, onEdit, onRevealSecret }: { app: AppView; onEdit: () => void; onRevealSecret: (secret: RevealedSecret) => void }) {
  const t = useMessages(openPlatformMessages);
  const templates = useMessages(cardTemplateMessages);
  const navigate = useNavigate();
  const common = useMessages(commonMessages);
  const { locale } = useLocale();
  const errorText = useErrorText(openPlatformErrorTexts);
  const queryClient = useQueryClient();
  const rotate = useMutation({
    mutationFn: () => rotateAppSecret(app.appId),
    onSuccess: ({ appSecret }) =>
      onRevealSecret({ title: t('secretRotatedTitle', { name: app.name }), body: t('secretRotatedBody'), appId: app.appId, appSecret }),
    onError: (error) => Toast.error(errorText(error)),
  });
  const remove = useMutation({
    mutationFn: () => deleteApp(app.appId),
    onSuccess: async () => {
      Toast.success(t('appDeleted', { name: app.name }));
      await queryClient.invalidateQueries({ queryKey: openPlatformQueryKeys.all });
    },
    onError: (error) => Toast.error(errorText(error)),
  });
  const confirmRotate = () =>
    Modal.confirm({
      title: t('rotateSecretTitle', { name: app.name }),
      content: t('rotateSecretBody'),
      okText: t('rotateSecret'),
      cancelText: common('cancel'),
      okButtonProps: { type: 'warning', theme: 'solid' },
      onOk: () => rotate.mutateAsync(),
    });
  const confirmDelete = () =>
    Modal.confirm({
      title: t('deleteAppTitle', { name: app.name }),
      content: t('deleteAppBody'),
      okText: common('delete'),
      cancelText: common('cancel'),
      okButtonProps: { type: 'danger', theme: 'solid' },
      onOk: () => remove.mutateAsync(),
    });

  return (
    <article className="kite-app-card" data-testid={`app-card-${app.appId}`}>
      <header className="kite-app-card__header">
        <span className="kite-app-card__icon" aria-hidden="true">
          {Array.from(app.name.trim())[0]?.toUpperCase() ?? 'A'}
        </span>
        <div className="kite-app-card__title">
          <h3>{app.name}</h3>
          <span className="kite-muted">{t('createdOn', { date: formatDate(app.createdAt, locale) })}</span>
        </div>
        <Button theme="borderless" icon={<IconEdit />} onClick={onEdit} aria-label={common('edit')} data-testid={`edit-app-${app.appId}`} />
        <Dropdown
          trigger="click"
          position="bottomRight"
          render={
            <Dropdown.Menu>
              <Dropdown.Item icon={<IconKey />} onClick={confirmRotate} data-testid={`rotate-secret-${app.appId}`}>
                {t('rotateSecret')}
              </Dropdown.Item>
              <Dropdown.Item icon={<IconDelete />} type="danger" onClick={confirmDelete} data-testid={`delete-app-${app.appId}`}>
                {common('delete')}
              </Dropdown.Item>
            </Dropdown.Menu>
          }
        >
          <Button
            theme="borderless"
            type="tertiary"
            icon={<IconMore />}
            aria-label={common('more')}
            data-testid={`app-actions-${app.appId}`}
          />
        </Dropdown>
      </header>
      {app.description ? <p className="kite-app-card__description">{app.description}</p> : null}
      <dl className="kite-app-card__facts">
        <dt>app_id</dt>
        <dd>
          <Typography.Text copyable size="small" className="kite-app-card__code">
            {app.appId}
          </Typography.Text>
        </dd>
        <dt>{t('eventsShort')}</dt>
        <dd>
          {app.eventUrl ? (
            <Typography.Text ellipsis={{ showTooltip: true }} size="small" style={{ maxWidth: '100%' }}>
              <Tag size="small" color="blue" style={{ marginRight: 6 }}>
                {t('webhook')}
              </Tag>
              {app.eventUrl}
            </Typography.Text>
          ) : (
            <Tag size="small" color="grey">
              {t('longConnectionOnly')}
            </Tag>
          )}
        </dd>
        <dt>{t('cardCallbacksShort')}</dt>
        <dd data-testid={`app-card-callbacks-${app.appId}`}>
          {app.cardUrl ? (
            <Typography.Text ellipsis={{ showTooltip: true }} size="small" style={{ maxWidth: '100%' }}>
              {app.cardUrl}
            </Typography.Text>
          ) : (
            <Tag size="small" color="grey">
              {t('cardCallbacksByEvent')}
            </Tag>
          )}
        </dd>
        <dt>{t('redirectUrlsShort')}</dt>
        <dd data-testid={`app-redirect-urls-${app.appId}`}>
          {app.redirectUrls.length > 0 ? (
            <Typography.Text ellipsis={{ showTooltip: true }} size="small" style={{ maxWidth: '100%' }}>
              {app.redirectUrls.length > 1 ? (
                <Tag size="small" color="blue" style={{ marginRight: 6 }}>
                  {t('redirectUrlsCount', { count: app.redirectUrls.length })}
                </Tag>
              ) : null}
              {app.redirectUrls[0]}
            </Typography.Text>
          ) : (
            <Tag size="small" color="grey">
              {t('redirectUrlsNone')}
            </Tag>
          )}
        </dd>
        <dt>{t('scopesShort')}</dt>
        <dd>{t('scopesCount', { count: app.scopes.length })}</dd>
      </dl>
      <div className="kite-app-card__links">
        <Button
          theme="light"
          icon={<IconArticle />}
          onClick={() => navigate(`/admin/apps/${encodeURIComponent(app.appId)}/card-templates`)}
          data-testid={`app-card-templates-${app.appId}`}
        >
          {templates('appCardTemplates')}
        </Button>
      </div>
    </article>
  );
}

function SdkHint() {
  const t = useMessages(openPlatformMessages);
  const origin = window.location.origin;
  return (
    <Panel title={t('sdkTitle')}>
      <p className="kite-muted" style={{ margin: '0 0 8px' }}>
        {t('sdkDescription')}
      </p>
      <pre className="kite-code-block">
        {`import * as lark from '@larksuiteoapi/node-sdk';

const client = new lark.Client({
  appId: 'cli_…',
  appSecret: '…',
  domain: '${origin}',
});`}
      </pre>
    </Panel>
  );
}

/** Admin: apps for bots and integrations — create (secret shown once), edit, rotate secret, delete. */
export function AppsPage() {
  const t = useMessages(openPlatformMessages);
  const isPhone = useIsPhone();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<AppView | 'new' | null>(null);
  const [secret, setSecret] = useState<RevealedSecret | null>(null);
  const apps = useQuery({ queryKey: openPlatformQueryKeys.apps, queryFn: fetchApps, select: (answer) => answer.items });
  const save = useMutation({
    mutationFn: async (input: AppInput) => {
      if (editing && editing !== 'new') return { app: await updateApp(editing.appId, input), appSecret: null };
      return createApp(input);
    },
    onSuccess: async ({ app, appSecret }) => {
      setEditing(null);
      if (appSecret) setSecret({ title: t('appCreatedTitle'), body: t('appCreatedBody'), appId: app.appId, appSecret });
      else Toast.success(t('appSaved'));
      await queryClient.invalidateQueries({ queryKey: openPlatformQueryKeys.all });
    },
  });
  const editedApp = editing !== null && editing !== 'new' ? editing : null;
  const openEditor = (target: AppView | 'new') => {
    save.reset();
    setEditing(target);
  };
  const createButton = (testId: string) => (
    <Button theme="solid" icon={<IconPlus />} onClick={() => openEditor('new')} data-testid={testId}>
      {t('createApp')}
    </Button>
  );

  let body: ReactNode;
  if (apps.isPending) body = <LoadingState />;
  else if (apps.isError) body = <ErrorState error={apps.error} onRetry={() => apps.refetch()} />;
  else if (apps.data.length === 0)
    body = (
      <Panel>
        <EmptyState
          illustration="apps"
          title={t('noAppsTitle')}
          description={t('noAppsDescription')}
          action={createButton('create-app-empty')}
          testId="apps-empty"
        />
      </Panel>
    );
  else
    body = (
      <div className="kite-app-grid" data-testid="apps-list">
        {apps.data.map((app) => (
          <AppCard key={app.appId} app={app} onEdit={() => openEditor(app)} onRevealSecret={setSecret} />
        ))}
      </div>
    );

  const form =
    editing === null ? null : (
      <AppForm
        app={editing === 'new' ? null : editing}
        submitting={save.isPending}
        error={save.error}
        onSubmit={(input) => save.mutate(input)}
        onCancel={() => setEditing(null)}
      />
    );

  return (
    <Page testId="apps-page">
      <PageHeader title={t('appsTitle')} description={t('appsDescription')} actions={createButton('create-app')} />
      {body}
      <div style={{ marginTop: 16 }}>
        <SdkHint />
      </div>
      {editing === 'new' ? (
        <Modal title={t('createAppTitle')} visible onCancel={() => setEditing(null)} footer={null} width={isPhone ? '100%' : 640}>
          {form}
        </Modal>
      ) : null}
      {/* Mounted throughout and toggled: Semi's SideSheet does not survive StrictMode's double mount when mounted open. */}
      <SideSheet
        closeOnEsc
        title={editedApp ? t('editAppTitle', { name: editedApp.name }) : ''}
        visible={editing !== null && editing !== 'new'}
        onCancel={() => setEditing(null)}
        width={isPhone ? '100%' : 560}
      >
        {editing !== null && editing !== 'new' ? form : null}
      </SideSheet>
      {secret ? <SecretModal secret={secret} onClose={() => setSecret(null)} /> : null}
    </Page>
  );
}
