/** Values for a message's placeholders. */
export type MessageValues = Record<string, string | number>;

/** The locales Kite ships; plural rules follow them. */
type PluralLocale = 'zh-CN' | 'en-US';

const PLURAL = /\{(\w+), plural,((?:\s*(?:=\d+|zero|one|two|few|many|other)\s*\{[^{}]*\})+)\s*\}/g;
const PLURAL_CASE = /(=\d+|zero|one|two|few|many|other)\s*\{([^{}]*)\}/g;

function choosePlural(cases: string, count: number, locale: PluralLocale): string {
  const options = new Map<string, string>();
  for (const [, name, text] of cases.matchAll(PLURAL_CASE)) options.set(name ?? '', text ?? '');
  const category = new Intl.PluralRules(locale).select(count);
  const chosen = options.get(`=${count}`) ?? options.get(category) ?? options.get('other') ?? '';
  return chosen.replace(/#/g, String(count));
}

/**
 * Fills `{name}` placeholders, plus the plural form `{count, plural, one {# member} other {# members}}`
 * (ICU syntax, `#` is the number). Unknown placeholders stay visible so they get noticed.
 */
export function formatMessage(template: string, values?: MessageValues, locale: PluralLocale = 'en-US'): string {
  if (!values) return template;
  const withPlurals = template.replace(PLURAL, (whole, name: string, cases: string) => {
    const value = values[name];
    return typeof value === 'number' ? choosePlural(cases, value, locale) : whole;
  });
  return withPlurals.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = values[name];
    return value === undefined ? whole : String(value);
  });
}
