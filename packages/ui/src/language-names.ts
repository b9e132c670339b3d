import type { Locale } from './i18n.tsx';

/** Each language named in itself, so a person can find theirs whatever the page shows now. */
export const LANGUAGE_NAMES: Readonly<Record<Locale, string>> = {
  'zh-CN': '简体中文',
  'en-US': 'English',
};
