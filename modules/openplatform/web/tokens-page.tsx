import { Button, Modal, Toast } from '@douyinfe/semi-ui';
import { commonMessages } from '@kite/ui/common-messages';
import { useErrorText } from '@kite/ui/error-text';
import { formatDateTime } from '@kite/ui/format-time';
import { useLocale, useMessages } from '@kite/ui/i18n';
import { Page, PageHeader, Panel } from '@kite/ui/page';
import { ResponsiveTable } from '@kite/ui/responsive-table';
import { EmptyState, ErrorState, LoadingState } from '@kite/ui/states';
import { UserAvatar } from '@kite/ui/user-avatar';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { fetchTokens, openPlatformQueryKeys, type PersonalToken, revokeToken } from './openplatform-api.ts';
import { openPlatformErrorTexts } from './openplatform-error-texts.ts';
import { openPlatformMessages } from './openplatform-messages.ts';

/** Admin: every personal access token in the organisation, with revoke. */
export function TokensPage() {
  const t = useMessages(openPlatformMessages);
  const common = useMessages(commonMessages);
  const { locale } = useLocale();
  const errorText = useErrorText(openPlatformErrorTexts);
  const queryClient = useQueryClient();
  const tokens = useQuery({ queryKey: openPlatformQueryKeys.tokens, queryFn: fetchTokens, select: (answer) => answer.items });
  const revoke = useMutation({
    mutationFn: (token: PersonalToken) => revokeToken(token.id),
    onSuccess: async () => {
      Toast.success(t('tokenRevoked'));
      await queryClient.invalidateQueries({ queryKey: openPlatformQueryKeys.tokens });
    },
    onError: (error) => Toast.error(errorText(error)),
  });
  const confirmRevoke = (token: PersonalToken) =>
    Modal.confirm({
      title: t('revokeTitle', { name: token.name }),
      content: t('revokeBody'),
      okText: t('revoke'),
      cancelText: common('cancel'),
      okButtonProps: { type: 'danger', theme: 'solid' },
      onOk: () => revoke.mutateAsync(token),
    });
  const when = (iso: string | null, fallback: string) =>
    iso ? formatDateTime(iso, locale) : <span className="kite-muted">{fallback}</span>;

  return (
    <Page testId="tokens-page">
      <PageHeader title={t('tokensTitle')} description={t('tokensDescription')} />
      <Panel flush>
        {tokens.isPending ? (
          <LoadingState compact />
        ) : tokens.isError ? (
          <ErrorState compact error={tokens.error} onRetry={() => tokens.refetch()} />
        ) : (
          <ResponsiveTable<PersonalToken>
            rows={tokens.data}
            rowKey={(token) => token.id}
            testId="tokens-table"
            empty={<EmptyState illustration="lock" title={t('noTokensTitle')} description={t('noTokensDescription')} />}
            columns={[
              { title: t('tokenName'), dataIndex: 'name', render: (_value, token) => <strong>{token.name}</strong> },
              {
                title: t('tokenUser'),
                dataIndex: 'user',
                render: (_value, token) => (
                  <span style={{ display: 'inline-flex', alignItems: 'center', gap: 8 }}>
                    <UserAvatar name={token.user.name} size={24} />
                    {token.user.name}
                  </span>
                ),
              },
              { title: t('tokenApp'), dataIndex: 'appId', render: (_value, token) => (token.appId ? <code>{token.appId}</code> : '—') },
              { title: t('tokenCreated'), dataIndex: 'createdAt', render: (_value, token) => formatDateTime(token.createdAt, locale) },
              {
                title: t('tokenLastUsed'),
                dataIndex: 'lastUsedAt',
                render: (_value, token) => when(token.lastUsedAt, t('tokenNeverUsed')),
              },
              { title: t('tokenExpires'), dataIndex: 'expiresAt', render: (_value, token) => when(token.expiresAt, t('tokenNoExpiry')) },
              {
                title: '',
                dataIndex: 'id',
                align: 'right',
                render: (_value, token) => (
                  <Button type="danger" theme="borderless" onClick={() => confirmRevoke(token)}>
                    {t('revoke')}
                  </Button>
                ),
              },
            ]}
            renderListItem={(token) => (
              <div style={{ display: 'flex', alignItems: 'center', gap: 12 }}>
                <UserAvatar name={token.user.name} size={32} />
                <div style={{ flex: 1, minWidth: 0 }}>
                  <strong>{token.name}</strong>
                  <div className="kite-muted" style={{ fontSize: 12 }}>
                    {token.user.name} · {t('tokenLastUsed')}:{' '}
                    {token.lastUsedAt ? formatDateTime(token.lastUsedAt, locale) : t('tokenNeverUsed')}
                  </div>
                </div>
                <Button size="small" type="danger" onClick={() => confirmRevoke(token)}>
                  {t('revoke')}
                </Button>
              </div>
            )}
          />
        )}
      </Panel>
    </Page>
  );
}
