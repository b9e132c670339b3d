import { IconComment, IconServer, IconSync } from '@douyinfe/semi-icons';
import { useMessages } from '@kite/ui/i18n';
import { KiteLogo } from '@kite/ui/kite-logo';
import { LanguageButton } from '@kite/ui/language-button';
import type { ReactNode } from 'react';
import { authMessages } from './auth-messages.ts';
import './auth-layout.css';

/** The frame of the public pages: a brand panel on the left, the form on the right. */
export function AuthLayout({ children, testId }: { children: ReactNode; testId?: string }) {
  const t = useMessages(authMessages);
  return (
    <div className="kite-auth" data-testid={testId}>
      <aside className="kite-auth__brand">
        <div className="kite-auth__brand-name">
          <KiteLogo size={36} />
          <span>{t('productName')}</span>
        </div>
        <div className="kite-auth__brand-body">
          <h2 className="kite-auth__tagline">{t('brandTagline')}</h2>
          <ul className="kite-auth__points">
            <li>
              <IconComment />
              <span>{t('brandPointOne')}</span>
            </li>
            <li>
              <IconServer />
              <span>{t('brandPointTwo')}</span>
            </li>
            <li>
              <IconSync />
              <span>{t('brandPointThree')}</span>
            </li>
          </ul>
        </div>
      </aside>
      <main className="kite-auth__main">
        <div className="kite-auth__top">
          <div className="kite-auth__compact-brand">
            <KiteLogo size={28} />
            <span>{t('productName')}</span>
          </div>
          <LanguageButton />
        </div>
        <div className="kite-auth__content">{children}</div>
      </main>
    </div>
  );
}

/** Title and one line of explanation above an auth form. */
export function AuthHeading({ title, subtitle }: { title: string; subtitle?: ReactNode }) {
  return (
    <div className="kite-auth__heading">
      <h1>{title}</h1>
      {subtitle ? <p>{subtitle}</p> : null}
    </div>
  );
}
