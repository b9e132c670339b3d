import type { MessageKey, Translate } from '@kite/ui/i18n';
import type { authMessages } from './auth-messages.ts';

type AuthKey = MessageKey<typeof authMessages>;

/** Loose on purpose: the server has the final say, this only catches typos before a round trip. */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const MIN_PASSWORD_LENGTH = 8;

export interface FieldRule {
  required?: boolean;
  whitespace?: boolean;
  pattern?: RegExp;
  min?: number;
  message: string;
  validator?: (rule: unknown, value: unknown) => boolean;
}

/** Semi Form rules for the fields every auth form shares, in the reader's language. */
export function authFieldRules(t: Translate<AuthKey>) {
  return {
    name: [{ required: true, whitespace: true, message: t('nameRequired') }] satisfies FieldRule[],
    email: [
      { required: true, whitespace: true, message: t('emailRequired') },
      { pattern: EMAIL_PATTERN, message: t('emailInvalid') },
    ] satisfies FieldRule[],
    newPassword: [
      { required: true, message: t('passwordRequired') },
      { min: MIN_PASSWORD_LENGTH, message: t('passwordTooShort') },
    ] satisfies FieldRule[],
  };
}
