import { IconLanguage } from '@douyinfe/semi-icons';
import { Button, Dropdown } from '@douyinfe/semi-ui';
import { LOCALES, type Locale, useLocale } from './i18n.tsx';
import { LANGUAGE_NAMES } from './language-names.ts';

/**
 * A globe button that switches the page language, for pages without the avatar menu (sign-in,
 * first-run setup). `onChange` lets a signed-in caller also save the choice to the account.
 */
export function LanguageButton({ onChange }: { onChange?: (locale: Locale) => void }) {
  const { locale, setLocale } = useLocale();
  const choose = (next: Locale) => {
    setLocale(next);
    onChange?.(next);
  };
  return (
    <Dropdown
      trigger="click"
      position="bottomRight"
      render={
        <Dropdown.Menu>
          {LOCALES.map((option) => (
            <Dropdown.Item key={option} active={option === locale} onClick={() => choose(option)} data-testid={`language-option-${option}`}>
              {LANGUAGE_NAMES[option]}
            </Dropdown.Item>
          ))}
        </Dropdown.Menu>
      }
    >
      <Button theme="borderless" type="tertiary" icon={<IconLanguage />} data-testid="language-switch">
        {LANGUAGE_NAMES[locale]}
      </Button>
    </Dropdown>
  );
}
