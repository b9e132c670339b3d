import type { ReactNode } from 'react';

export interface PageProps {
  children: ReactNode;
  /** Caps the content width for forms and reading pages; lists and tables use the full width. */
  narrow?: boolean;
  testId?: string;
}

/** The scrollable content area of one screen, padded on the 8px grid. */
export function Page({ children, narrow = false, testId }: PageProps) {
  return (
    <div className={narrow ? 'kite-page kite-page--narrow' : 'kite-page'} data-testid={testId}>
      {children}
    </div>
  );
}

export interface PageHeaderProps {
  title: ReactNode;
  description?: ReactNode;
  /** Primary actions, right-aligned on desktop, below the title on phones. */
  actions?: ReactNode;
}

export function PageHeader({ title, description, actions }: PageHeaderProps) {
  return (
    <header className="kite-page-header">
      <div className="kite-page-header__text">
        <h1 className="kite-page-header__title">{title}</h1>
        {description ? <p className="kite-page-header__description">{description}</p> : null}
      </div>
      {actions ? <div className="kite-page-header__actions">{actions}</div> : null}
    </header>
  );
}

/** A white, bordered surface that groups one part of a page. */
export function Panel({
  children,
  title,
  extra,
  flush = false,
}: {
  children: ReactNode;
  title?: ReactNode;
  extra?: ReactNode;
  flush?: boolean;
}) {
  return (
    <section className={flush ? 'kite-panel kite-panel--flush' : 'kite-panel'}>
      {title || extra ? (
        <div className="kite-panel__header">
          <h2 className="kite-panel__title">{title}</h2>
          {extra}
        </div>
      ) : null}
      {children}
    </section>
  );
}
