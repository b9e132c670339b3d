import { IconMore } from '@douyinfe/semi-icons';
import { SideSheet } from '@douyinfe/semi-ui';
import { useSession } from '@kite/auth/web';
import { useMessages } from '@kite/ui/i18n';
import { useState } from 'react';
import { NavLink, useLocation } from 'react-router';
import { appMessages } from '../app-messages.ts';
import { visibleNavItems } from './nav-items.tsx';

/** The phone navigation: four tabs and "More", which opens every other module in a bottom sheet. */
export function BottomTabBar() {
  const t = useMessages(appMessages);
  const { isAdmin } = useSession();
  const location = useLocation();
  const [moreOpen, setMoreOpen] = useState(false);
  const items = visibleNavItems(isAdmin);
  const tabs = items.filter((item) => item.phoneTab);
  const rest = items.filter((item) => !item.phoneTab);
  const moreActive = rest.some((item) => location.pathname.startsWith(item.path));
  return (
    <>
      <nav className="kite-tab-bar" aria-label={t('mainNavigation')}>
        {tabs.map((item) => (
          <NavLink
            key={item.key}
            to={item.path}
            className={({ isActive }) => (isActive ? 'kite-tab-bar__item kite-tab-bar__item--active' : 'kite-tab-bar__item')}
            data-testid={`tab-${item.key}`}
          >
            <span className="kite-tab-bar__icon">
              {item.icon}
              {item.badge ? <item.badge /> : null}
            </span>
            <span>{t(item.label)}</span>
          </NavLink>
        ))}
        <button
          type="button"
          className={moreActive ? 'kite-tab-bar__item kite-tab-bar__item--active' : 'kite-tab-bar__item'}
          onClick={() => setMoreOpen(true)}
          data-testid="tab-more"
        >
          <IconMore />
          <span>{t('navMore')}</span>
        </button>
      </nav>
      <SideSheet
        closeOnEsc
        placement="bottom"
        height="auto"
        visible={moreOpen}
        onCancel={() => setMoreOpen(false)}
        title={t('allApps')}
        className="kite-more-sheet"
      >
        <div className="kite-more-grid">
          {rest.map((item) => (
            <NavLink
              key={item.key}
              to={item.path}
              className="kite-more-grid__item"
              onClick={() => setMoreOpen(false)}
              data-testid={`more-${item.key}`}
            >
              <span className="kite-more-grid__icon">{item.icon}</span>
              <span>{t(item.label)}</span>
            </NavLink>
          ))}
        </div>
      </SideSheet>
    </>
  );
}
