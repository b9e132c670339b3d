import { IconSearch } from '@douyinfe/semi-icons';
import { Button, Input, Table } from '@douyinfe/semi-ui';
import { api } from '@kite/ui/api-client';
import { commonMessages } from '@kite/ui/common-messages';
import { formatDateTime } from '@kite/ui/format-time';
import { useLocale, useLocalizedText, useMessages } from '@kite/ui/i18n';
import { Page, PageHeader, Panel } from '@kite/ui/page';
import { EmptyState, ErrorState, LoadingState } from '@kite/ui/states';
import { useDebouncedValue } from '@kite/ui/use-debounced-value';
import { useIsPhone } from '@kite/ui/use-is-phone';
import { UserAvatar } from '@kite/ui/user-avatar';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { appMessages } from '../app-messages.ts';
import { auditActionLabels } from './audit-actions.ts';

/** One audit record (docs/internal-api.md, `AuditEntry`). */
interface AuditEntry {
  seq: number;
  action: string;
  subjectType: string;
  subjectId: string;
  actor: { type: string; id: string; name: string } | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
  detail: unknown;
}

interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
}

function fetchAudit(action: string, cursor: string | null): Promise<AuditPage> {
  return api.get('/api/admin/audit', { query: { action, cursor, limit: 50 } });
}

function ActorCell({ entry }: { entry: AuditEntry }) {
  const t = useMessages(appMessages);
  if (!entry.actor || entry.actor.type === 'system') return <span className="kite-muted">{t('auditSystemActor')}</span>;
  const name = entry.actor.type === 'app' ? t('auditAppActor', { name: entry.actor.name }) : entry.actor.name;
  return (
    <span style={{ display: 'inline-flex', alignItems: 'center', gap: 8 }}>
      <UserAvatar name={entry.actor.name || '?'} size={24} />
      {name}
    </span>
  );
}

function ActionCell({ action }: { action: string }) {
  const localized = useLocalizedText();
  const label = auditActionLabels[action];
  return (
    <span style={{ display: 'flex', flexDirection: 'column' }}>
      {label ? <span>{localized(label)}</span> : null}
      <code className="kite-muted" style={{ fontSize: 12 }}>
        {action}
      </code>
    </span>
  );
}

function DetailBlock({ entry }: { entry: AuditEntry }) {
  const t = useMessages(appMessages);
  return (
    <div style={{ fontSize: 12 }}>
      {entry.userAgent ? (
        <div className="kite-muted" style={{ marginBottom: 8 }}>
          {entry.userAgent}
        </div>
      ) : null}
      <div className="kite-muted">{t('auditDetail')}</div>
      <pre style={{ margin: '4px 0 0', whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>{JSON.stringify(entry.detail ?? {}, null, 2)}</pre>
    </div>
  );
}

/** Admin: the append-only audit log, newest first, filterable by action. */
export function AuditLogPage() {
  const t = useMessages(appMessages);
  const common = useMessages(commonMessages);
  const { locale } = useLocale();
  const isPhone = useIsPhone();
  const [filter, setFilter] = useState('');
  const action = useDebouncedValue(filter.trim());
  const audit = useInfiniteQuery({
    queryKey: ['admin', 'audit', action],
    queryFn: ({ pageParam }) => fetchAudit(action, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    placeholderData: keepPreviousData,
  });
  const entries = audit.data?.pages.flatMap((page) => page.items) ?? [];

  let body: ReactNode;
  if (audit.isPending) body = <LoadingState compact />;
  else if (audit.isError) body = <ErrorState compact error={audit.error} onRetry={() => audit.refetch()} />;
  else if (entries.length === 0)
    body = action ? (
      <EmptyState compact illustration="search" title={t('auditNoMatchTitle')} description={t('auditNoMatchDescription')} />
    ) : (
      <EmptyState illustration="empty" title={t('auditEmptyTitle')} description={t('auditEmptyDescription')} />
    );
  else if (isPhone)
    body = (
      <ul className="kite-card-list" style={{ padding: 8 }}>
        {entries.map((entry) => (
          <li key={entry.seq} className="kite-card-list__item">
            <ActionCell action={entry.action} />
            <div className="kite-muted" style={{ fontSize: 12, marginTop: 4 }}>
              {formatDateTime(entry.createdAt, locale)} · {entry.actor?.name ?? t('auditSystemActor')}
              {entry.ip ? ` · ${entry.ip}` : ''}
            </div>
          </li>
        ))}
      </ul>
    );
  else
    body = (
      <Table<AuditEntry & Record<string, unknown>>
        className="kite-table"
        pagination={false}
        rowKey="seq"
        dataSource={entries as Array<AuditEntry & Record<string, unknown>>}
        expandedRowRender={(entry) => (entry ? <DetailBlock entry={entry} /> : null)}
        columns={[
          { title: t('auditTime'), dataIndex: 'createdAt', width: 200, render: (_value, entry) => formatDateTime(entry.createdAt, locale) },
          { title: t('auditActor'), dataIndex: 'actor', width: 200, render: (_value, entry) => <ActorCell entry={entry} /> },
          { title: t('auditAction'), dataIndex: 'action', render: (_value, entry) => <ActionCell action={entry.action} /> },
          {
            title: t('auditSubject'),
            dataIndex: 'subjectId',
            render: (_value, entry) => (
              <span className="kite-muted" style={{ fontSize: 12 }}>
                {entry.subjectType}
                {entry.subjectId ? ` · ${entry.subjectId}` : ''}
              </span>
            ),
          },
          { title: t('auditIp'), dataIndex: 'ip', width: 140, render: (_value, entry) => entry.ip ?? '—' },
        ]}
        data-testid="audit-table"
      />
    );

  return (
    <Page testId="audit-log-page">
      <PageHeader title={t('auditTitle')} description={t('auditDescription')} />
      <div className="kite-toolbar">
        <Input
          className="kite-toolbar__grow"
          prefix={<IconSearch />}
          placeholder={t('auditFilterPlaceholder')}
          value={filter}
          onChange={setFilter}
          showClear
          data-testid="audit-filter"
        />
      </div>
      <Panel flush>{body}</Panel>
      {audit.hasNextPage ? (
        <div style={{ display: 'flex', justifyContent: 'center', padding: 16 }}>
          <Button onClick={() => audit.fetchNextPage()} loading={audit.isFetchingNextPage}>
            {common('loadMore')}
          </Button>
        </div>
      ) : null}
    </Page>
  );
}
