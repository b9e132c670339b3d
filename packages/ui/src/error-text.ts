import { useCallback } from 'react';
import { isApiError } from './api-client.ts';
import { commonMessages } from './common-messages.ts';
import { type LocalizedText, useLocale, useMessages } from './i18n.tsx';

/** Extra code → text pairs a screen knows about (e.g. `department_not_empty` on the department page). */
export type ErrorTexts = Readonly<Record<string, LocalizedText>>;

interface ValidationIssue {
  path: string;
  message: string;
}

function validationIssues(details: unknown): ValidationIssue[] {
  if (typeof details !== 'object' || details === null || !('issues' in details)) return [];
  const { issues } = details as { issues: unknown };
  if (!Array.isArray(issues)) return [];
  return issues.filter(
    (issue): issue is ValidationIssue => typeof issue === 'object' && issue !== null && typeof (issue as ValidationIssue).path === 'string',
  );
}

function retryAfterSeconds(details: unknown): number | null {
  if (typeof details !== 'object' || details === null) return null;
  const value = (details as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  return typeof value === 'number' ? value : null;
}

/**
 * Turns anything thrown by a request into one friendly sentence in the current language. Screen
 * specific codes come first, then the shared ones; an unknown code shows the server's message
 * (written for people) and only then a generic sentence.
 */
export function useErrorText(screenTexts?: ErrorTexts): (error: unknown) => string {
  const t = useMessages(commonMessages);
  const { locale } = useLocale();
  return useCallback(
    (error: unknown) => {
      if (!isApiError(error)) return t('error_unknown');
      const screenText = screenTexts?.[error.code];
      if (screenText) return screenText[locale];
      switch (error.code) {
        case 'validation_failed': {
          const fields = validationIssues(error.details)
            .map((issue) => issue.path)
            .filter(Boolean);
          return fields.length ? t('error_validation_failed', { fields: fields.join(', ') }) : t('error_validation_failed_plain');
        }
        case 'rate_limited':
        case 'login_locked': {
          const seconds = retryAfterSeconds(error.details);
          return seconds === null ? t('error_rate_limited_plain') : t('error_rate_limited', { seconds });
        }
        case 'unauthenticated':
        case 'forbidden':
        case 'not_found':
        case 'csrf_failed':
        case 'network_error':
        case 'bad_response':
        case 'internal_error':
          return t(`error_${error.code}`);
        default:
          if (error.status >= 500) return t('error_internal_error');
          return error.message || t('error_unknown');
      }
    },
    [t, locale, screenTexts],
  );
}
