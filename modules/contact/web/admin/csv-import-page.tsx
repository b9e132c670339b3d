import { IconDownload, IconFile, IconUpload } from '@douyinfe/semi-icons';
import { Banner, Button, Steps, Table, TextArea, Toast } from '@douyinfe/semi-ui';
import type { ImportResult } from '@kite/contact/contract';
import { useErrorText } from '@kite/ui/error-text';
import { useMessages } from '@kite/ui/i18n';
import { Page, PageHeader, Panel } from '@kite/ui/page';
import { EmptyState } from '@kite/ui/states';
import { useIsPhone } from '@kite/ui/use-is-phone';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ChangeEvent, type DragEvent, type ReactNode, useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { contactQueryKeys, importContacts } from '../contact-api.ts';
import { contactErrorTexts, contactMessages } from '../contact-messages.ts';
import { IMPORT_COLUMNS, importTemplate, parseCsvRows } from '../csv-rows.ts';
import './contact-admin.css';

const MAX_FILE_BYTES = 5 * 1024 * 1024;
const PREVIEW_ROWS = 200;

interface ImportSource {
  name: string;
  csv: string;
}

type RowError = ImportResult['errors'][number];

/** One data row of the file as the preview table shows it; `row` is the line number in the file. */
interface PreviewRow {
  key: number;
  row: number;
  cells: string[];
}

function downloadTemplate() {
  // The BOM makes Excel open the Chinese sample names as UTF-8.
  const blob = new Blob([`\uFEFF${importTemplate()}`], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = 'kite-people-template.csv';
  link.click();
  URL.revokeObjectURL(url);
}

function ChooseFile({ onChosen }: { onChosen: (source: ImportSource) => void }) {
  const t = useMessages(contactMessages);
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [pasting, setPasting] = useState(false);
  const [pasted, setPasted] = useState('');

  const read = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) {
      Toast.error(t('importTooLarge'));
      return;
    }
    onChosen({ name: file.name, csv: await file.text() });
  };

  return (
    <Panel title={t('importChooseTitle')}>
      <button
        type="button"
        className={dragging ? 'kite-import-drop kite-import-drop--active' : 'kite-import-drop'}
        onClick={() => input.current?.click()}
        onDragOver={(event: DragEvent) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(event: DragEvent) => {
          event.preventDefault();
          setDragging(false);
          void read(event.dataTransfer.files[0]);
        }}
        data-testid="import-drop"
      >
        <IconUpload />
        <strong>{t('importDropTitle')}</strong>
        <span className="kite-muted">{t('importDropHint')}</span>
      </button>
      <input
        ref={input}
        type="file"
        accept=".csv,text/csv"
        hidden
        onChange={(event: ChangeEvent<HTMLInputElement>) => {
          void read(event.target.files?.[0]);
          event.target.value = '';
        }}
        data-testid="import-file-input"
      />
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8, marginTop: 16 }}>
        <Button icon={<IconDownload />} onClick={downloadTemplate} data-testid="import-template">
          {t('importDownloadTemplate')}
        </Button>
        <Button theme="borderless" onClick={() => setPasting((value) => !value)}>
          {t('importPasteInstead')}
        </Button>
      </div>
      {pasting ? (
        <div style={{ marginTop: 16 }}>
          <TextArea
            value={pasted}
            onChange={setPasted}
            autosize={{ minRows: 6, maxRows: 16 }}
            placeholder={IMPORT_COLUMNS.join(',')}
            data-testid="import-paste"
          />
          <div className="kite-import-actions">
            <Button
              theme="solid"
              disabled={!pasted.trim()}
              onClick={() => onChosen({ name: t('importPastedName'), csv: pasted })}
              data-testid="import-check-pasted"
            >
              {t('importCheck')}
            </Button>
          </div>
        </div>
      ) : null}
      <h3 style={{ margin: '24px 0 0', fontSize: 14 }}>{t('importColumnsTitle')}</h3>
      <ul className="kite-import-columns">
        <li>
          <code>name</code>, <code>email</code> — {t('importColumnsRequired')}
        </li>
        <li>
          <code>mobile</code>, <code>employee_id</code>, <code>title</code> — {t('importColumnsOptional')}
        </li>
        <li>
          <code>department</code> — {t('importColumnDepartment')}
        </li>
        <li>
          <code>manager_email</code> — {t('importColumnManager')}
        </li>
        <li>
          <code>is_admin</code> — {t('importColumnAdmin')}
        </li>
      </ul>
    </Panel>
  );
}

function Stat({ value, label, danger = false, testId }: { value: number; label: string; danger?: boolean; testId?: string }) {
  return (
    <div className={danger ? 'kite-import-stat kite-import-stat--danger' : 'kite-import-stat'} data-testid={testId}>
      <div className="kite-import-stat__value">{value}</div>
      <div className="kite-import-stat__label">{label}</div>
    </div>
  );
}

function ImportPreview({
  source,
  result,
  importing,
  onImport,
  onRestart,
}: {
  source: ImportSource;
  result: ImportResult;
  importing: boolean;
  onImport: () => void;
  onRestart: () => void;
}) {
  const t = useMessages(contactMessages);
  const isPhone = useIsPhone();
  const rows = useMemo(() => parseCsvRows(source.csv), [source.csv]);
  const header = rows[0] ?? [];
  const errorRows = new Set(result.errors.map((error) => error.row));
  const dataRows: PreviewRow[] = rows.slice(1, PREVIEW_ROWS + 1).map((cells, index) => ({ key: index + 2, row: index + 2, cells }));
  const canImport = result.errors.length === 0 && result.created.users + result.created.departments > 0;

  return (
    <>
      <Panel title={t('importPreviewTitle', { file: source.name })}>
        <div className="kite-import-summary">
          {result.errors.length ? (
            // With errors the server rolls the check back before counting, so only problems are known.
            <Stat value={result.errors.length} label={t('importErrorsCount')} danger testId="import-stat-errors" />
          ) : (
            <>
              <Stat value={result.created.users} label={t('importWillCreateUsers')} testId="import-stat-users" />
              <Stat value={result.created.departments} label={t('importWillCreateDepartments')} testId="import-stat-departments" />
            </>
          )}
        </div>
        {result.errors.length ? (
          <Banner type="danger" fullMode={false} closeIcon={null} description={t('importHasErrors')} style={{ marginBottom: 16 }} />
        ) : (
          <Banner type="success" fullMode={false} closeIcon={null} description={t('importReady')} style={{ marginBottom: 16 }} />
        )}
        {result.errors.length ? (
          <Table<RowError & { key: number }>
            className="kite-table"
            size="small"
            pagination={result.errors.length > 20 ? { pageSize: 20 } : false}
            dataSource={result.errors.map((error, index) => ({ ...error, key: index }))}
            columns={[
              { title: t('importRow'), dataIndex: 'row', width: 80 },
              {
                title: t('importColumn'),
                dataIndex: 'column',
                width: 160,
                render: (value: unknown) => (value ? <code>{String(value)}</code> : '—'),
              },
              { title: t('importProblem'), dataIndex: 'message' },
            ]}
            data-testid="import-errors"
          />
        ) : null}
        <div className="kite-import-actions">
          <Button onClick={onRestart} data-testid="import-restart">
            {t('importChooseAnother')}
          </Button>
          <Button theme="solid" disabled={!canImport} loading={importing} onClick={onImport} data-testid="import-confirm">
            {t('importConfirm', { count: result.created.users })}
          </Button>
        </div>
      </Panel>
      {isPhone || header.length === 0 ? null : (
        <Panel title={t('importFileContents', { count: Math.max(rows.length - 1, 0) })} flush>
          <div className="kite-import-preview">
            <Table<PreviewRow>
              className="kite-table"
              size="small"
              pagination={false}
              dataSource={dataRows}
              onRow={(record?: PreviewRow) => (record && errorRows.has(record.row) ? { className: 'kite-row-error' } : {})}
              columns={[
                { title: t('importRow'), dataIndex: 'row', width: 64 },
                ...header.map((column, columnIndex) => ({
                  title: column,
                  dataIndex: `cells.${columnIndex}`,
                  render: (_value: unknown, record: PreviewRow) => record.cells[columnIndex] ?? '',
                })),
              ]}
            />
          </div>
        </Panel>
      )}
    </>
  );
}

/**
 * Admin: import people and departments from CSV. The file is checked first (a dry run that writes
 * nothing) and shown with row-level errors; only a clean file can be imported, all at once.
 */
export function CsvImportPage() {
  const t = useMessages(contactMessages);
  const errorText = useErrorText(contactErrorTexts);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [source, setSource] = useState<ImportSource | null>(null);
  const check = useMutation({ mutationFn: (csv: string) => importContacts(csv, true) });
  const run = useMutation({
    mutationFn: (csv: string) => importContacts(csv, false),
    onSuccess: async (result) => {
      if (result.ok) await queryClient.invalidateQueries({ queryKey: contactQueryKeys.all });
      else check.reset();
    },
  });
  const restart = () => {
    setSource(null);
    check.reset();
    run.reset();
  };
  const choose = (chosen: ImportSource) => {
    setSource(chosen);
    run.reset();
    check.mutate(chosen.csv);
  };

  const done = run.data?.ok === true;
  const step = done ? 2 : source ? 1 : 0;
  // A real run that found problems (someone changed the directory meanwhile) shows its errors.
  const shownResult = run.data && !run.data.ok ? run.data : check.data;

  let body: ReactNode;
  if (done && run.data) {
    body = (
      <Panel>
        <EmptyState
          illustration="people"
          title={t('importDoneTitle')}
          description={t('importDoneDescription', { users: run.data.created.users, departments: run.data.created.departments })}
          testId="import-done"
          action={
            <>
              <Button theme="solid" onClick={() => navigate('/admin/users')}>
                {t('importViewPeople')}
              </Button>
              <Button onClick={restart}>{t('importAnother')}</Button>
            </>
          }
        />
      </Panel>
    );
  } else if (!source) {
    body = <ChooseFile onChosen={choose} />;
  } else if (check.isPending) {
    body = (
      <Panel>
        <EmptyState compact illustration="search" title={t('importChecking', { file: source.name })} description={<IconFile />} />
      </Panel>
    );
  } else if (check.isError || run.isError) {
    body = (
      <Panel>
        <Banner
          type="danger"
          fullMode={false}
          closeIcon={null}
          description={errorText(check.error ?? run.error)}
          style={{ marginBottom: 16 }}
        />
        <Button onClick={restart}>{t('importChooseAnother')}</Button>
      </Panel>
    );
  } else if (shownResult) {
    body = (
      <ImportPreview
        source={source}
        result={shownResult}
        importing={run.isPending}
        onImport={() => run.mutate(source.csv)}
        onRestart={restart}
      />
    );
  }

  return (
    <Page testId="csv-import-page">
      <PageHeader title={t('importTitle')} description={t('importDescription')} />
      <Steps type="basic" size="small" current={step} className="kite-import-steps">
        <Steps.Step title={t('importStepChoose')} />
        <Steps.Step title={t('importStepCheck')} />
        <Steps.Step title={t('importStepDone')} />
      </Steps>
      {body}
    </Page>
  );
}
