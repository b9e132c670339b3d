import { Table } from '@douyinfe/semi-ui';
import type { ColumnProps } from '@douyinfe/semi-ui/lib/es/table';
import type { ReactNode } from 'react';
import { useIsPhone } from './use-is-phone.ts';

export interface ResponsiveTableProps<Row extends object> {
  rows: Row[];
  rowKey: (row: Row) => string;
  columns: ColumnProps<Row & Record<string, unknown>>[];
  /** How one row reads as a list item at phone width, where tables do not fit. */
  renderListItem: (row: Row) => ReactNode;
  /** Shown instead of the table when there are no rows and nothing is loading. */
  empty: ReactNode;
  loading?: boolean;
  testId?: string;
  /** `data-testid` for each row, so tests can find a row by what it shows. */
  rowTestId?: (row: Row) => string;
}

/** A table at desktop width, a list of cards at phone width. */
export function ResponsiveTable<Row extends object>({
  rows,
  rowKey,
  columns,
  renderListItem,
  empty,
  loading = false,
  testId,
  rowTestId,
}: ResponsiveTableProps<Row>) {
  const isPhone = useIsPhone();
  if (!loading && rows.length === 0) return <div data-testid={testId}>{empty}</div>;
  if (isPhone) {
    return (
      <ul className="kite-card-list" data-testid={testId} aria-busy={loading}>
        {rows.map((row) => (
          <li key={rowKey(row)} className="kite-card-list__item" data-testid={rowTestId?.(row)}>
            {renderListItem(row)}
          </li>
        ))}
      </ul>
    );
  }
  // Semi's Table types its records as string-indexable; the rows are passed through unchanged.
  type TableRow = Row & Record<string, unknown>;
  return (
    <div data-testid={testId}>
      <Table<TableRow>
        className="kite-table"
        columns={columns}
        dataSource={rows as TableRow[]}
        rowKey={(row?: TableRow) => (row ? rowKey(row) : '')}
        pagination={false}
        loading={loading}
        onRow={(row?: TableRow) => (row && rowTestId ? { 'data-testid': rowTestId(row) } : {})}
      />
    </div>
  );
}
