import { Button, Spin } from '@douyinfe/semi-ui';
import type { ReactNode } from 'react';
import { commonMessages } from './common-messages.ts';
import { type ErrorTexts, useErrorText } from './error-text.ts';
import { useMessages } from './i18n.tsx';
import { type IllustrationName, StateIllustration } from './state-illustrations.tsx';

export interface EmptyStateProps {
  title: string;
  description?: ReactNode;
  illustration?: IllustrationName;
  /** A button or link that gets the person out of the empty state. */
  action?: ReactNode;
  /** Smaller illustration and spacing, for panels and side sheets. */
  compact?: boolean;
  testId?: string;
}

/** A designed blank: what this place is for and the one thing to do next. */
export function EmptyState({ title, description, illustration = 'empty', action, compact = false, testId }: EmptyStateProps) {
  return (
    <div className={compact ? 'kite-state kite-state--compact' : 'kite-state'} data-testid={testId}>
      <StateIllustration name={illustration} size={compact ? 112 : 160} />
      <div className="kite-state__title">{title}</div>
      {description ? <div className="kite-state__description">{description}</div> : null}
      {action ? <div className="kite-state__action">{action}</div> : null}
    </div>
  );
}

/** A centred spinner with a word, for whole pages and panels while their first answer is on its way. */
export function LoadingState({ label, compact = false }: { label?: string; compact?: boolean }) {
  const t = useMessages(commonMessages);
  return (
    <div className={compact ? 'kite-state kite-state--compact' : 'kite-state'} aria-busy="true" data-testid="loading-state">
      <Spin size={compact ? 'middle' : 'large'} />
      <div className="kite-state__description">{label ?? t('loading')}</div>
    </div>
  );
}

export interface ErrorStateProps {
  error: unknown;
  onRetry?: () => void;
  errorTexts?: ErrorTexts;
  compact?: boolean;
}

/** What failed, in words, and a way to try again. */
export function ErrorState({ error, onRetry, errorTexts, compact = false }: ErrorStateProps) {
  const t = useMessages(commonMessages);
  const errorText = useErrorText(errorTexts);
  return (
    <EmptyState
      compact={compact}
      illustration="error"
      title={t('errorTitle')}
      description={errorText(error)}
      testId="error-state"
      action={
        onRetry ? (
          <Button theme="solid" onClick={onRetry}>
            {t('retry')}
          </Button>
        ) : undefined
      }
    />
  );
}

/** Shown instead of an admin page to people who are not administrators. */
export function NoAccessState() {
  const t = useMessages(commonMessages);
  return <EmptyState illustration="lock" title={t('noAccessTitle')} description={t('noAccessDescription')} testId="no-access" />;
}
