import { IconTickCircle } from '@douyinfe/semi-icons';
import { Button, Tag } from '@douyinfe/semi-ui';
import { useLocalizedText, useMessages } from '@kite/ui/i18n';
import { Page } from '@kite/ui/page';
import { useNavigate } from 'react-router';
import { appMessages } from '../app-messages.ts';
import { navItems } from '../shell/nav-items.tsx';
import { type UpcomingModule, upcomingModules } from './upcoming-modules.ts';
import './coming-soon-page.css';

/**
 * The honest page for a module that is not built yet: what it will do, and no sample data
 * pretending otherwise.
 */
export function ComingSoonPage({ moduleKey }: { moduleKey: UpcomingModule['key'] }) {
  const t = useMessages(appMessages);
  const localized = useLocalizedText();
  const navigate = useNavigate();
  const upcoming = upcomingModules[moduleKey];
  const nav = navItems.find((item) => item.key === moduleKey);
  const moduleName = nav ? t(nav.label) : moduleKey;
  return (
    <Page narrow testId={`coming-soon-${moduleKey}`}>
      <div className="kite-coming-soon">
        <div className="kite-coming-soon__hero">
          <div className="kite-coming-soon__icon" aria-hidden="true">
            {nav?.icon}
          </div>
          <Tag color="light-blue" size="large" shape="circle">
            {t('comingSoonBadge')}
          </Tag>
          <h1 className="kite-coming-soon__title">{t('comingSoonTitle', { module: moduleName })}</h1>
          <p className="kite-coming-soon__summary">{localized(upcoming.summary)}</p>
        </div>
        <section className="kite-coming-soon__card">
          <h2>{t('comingSoonWhatItWillDo')}</h2>
          <ul className="kite-coming-soon__list">
            {upcoming.capabilities.map((capability) => (
              <li key={capability['en-US']}>
                <IconTickCircle />
                <span>{localized(capability)}</span>
              </li>
            ))}
          </ul>
        </section>
        <div className="kite-coming-soon__note">
          <p>{t('comingSoonHonest')}</p>
          <Button onClick={() => navigate('/contacts')}>{t('comingSoonBrowseContacts')}</Button>
        </div>
      </div>
    </Page>
  );
}
