/**
 * Kite's i18n runtime: every user-facing string lives in a message catalog with both locales, and
 * TypeScript refuses a catalog whose Chinese side misses a key of the English side. Semi's own
 * component strings (date pickers, pagination, empty tables) follow the same locale through its
 * LocaleProvider.
 */
import { LocaleProvider } from '@douyinfe/semi-ui';
import semiEnUs from '@douyinfe/semi-ui/lib/es/locale/source/en_US';
import semiZhCn from '@douyinfe/semi-ui/lib/es/locale/source/zh_CN';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { formatMessage, type MessageValues } from './format-message.ts';

export const LOCALES = ['zh-CN', 'en-US'] as const;
export type Locale = (typeof LOCALES)[number];

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The key under which this device remembers its language. */
export const LOCALE_STORAGE_KEY = 'kite.locale';

export type Translate<Key extends string> = (key: Key, values?: MessageValues) => string;

export interface MessageCatalog<Key extends string> {
  readonly 'en-US': Readonly<Record<Key, string>>;
  readonly 'zh-CN': Readonly<Record<Key, string>>;
}

/** The keys of a catalog, for helpers that take a catalog's translate function. */
export type MessageKey<Catalog> = Catalog extends MessageCatalog<infer Key> ? Key : never;

/** A string given in both languages inline, for labels that travel with data (nav items, sections). */
export type LocalizedText = Readonly<Record<Locale, string>>;

/**
 * Declares a catalog. English is the source; Chinese must carry exactly the same keys, which the
 * compiler checks, so neither language can fall behind.
 */
export function defineMessages<const English extends Record<string, string>>(
  english: English,
  chinese: { readonly [Key in keyof English]: string },
): MessageCatalog<keyof English & string> {
  return { 'en-US': english, 'zh-CN': chinese };
}

function detectLocale(): Locale {
  try {
    const stored = window.localStorage.getItem(LOCALE_STORAGE_KEY);
    if (isLocale(stored)) return stored;
  } catch {
    // Storage can be unavailable (private mode); fall back to the browser language.
  }
  const languages = typeof navigator === 'undefined' ? [] : navigator.languages;
  return languages.some((language) => language.toLowerCase().startsWith('zh')) ? 'zh-CN' : 'en-US';
}

/** Whether this device has an explicit language choice (made on this device, any account). */
export function hasStoredLocale(): boolean {
  try {
    return isLocale(window.localStorage.getItem(LOCALE_STORAGE_KEY));
  } catch {
    return false;
  }
}

interface I18nState {
  locale: Locale;
  setLocale: (locale: Locale) => void;
}

const I18nContext = createContext<I18nState | null>(null);

const semiLocales = { 'zh-CN': semiZhCn, 'en-US': semiEnUs } as const;

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(detectLocale);

  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    try {
      window.localStorage.setItem(LOCALE_STORAGE_KEY, next);
    } catch {
      // Not persisted; the choice still holds for this page.
    }
  }, []);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const state = useMemo(() => ({ locale, setLocale }), [locale, setLocale]);
  return (
    <I18nContext.Provider value={state}>
      <LocaleProvider locale={semiLocales[locale]}>{children}</LocaleProvider>
    </I18nContext.Provider>
  );
}

export function useLocale(): I18nState {
  const state = useContext(I18nContext);
  if (!state) throw new Error('useLocale needs an <I18nProvider> above it');
  return state;
}

/** A translate function for one catalog, bound to the current locale. */
export function useMessages<Key extends string>(catalog: MessageCatalog<Key>): Translate<Key> {
  const { locale } = useLocale();
  return useCallback((key: Key, values?: MessageValues) => formatMessage(catalog[locale][key], values, locale), [catalog, locale]);
}

/** Picks the current locale's side of an inline `LocalizedText`. */
export function useLocalizedText(): (text: LocalizedText) => string {
  const { locale } = useLocale();
  return useCallback((text: LocalizedText) => text[locale], [locale]);
}
