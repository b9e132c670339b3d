import { useSession } from '@kite/auth/web';
import { useMessages } from '@kite/ui/i18n';
import { KiteLogo } from '@kite/ui/kite-logo';
import { Link, NavLink } from 'react-router';
import { appMessages } from '../app-messages.ts';
import { type NavItem, visibleNavItems } from './nav-items.tsx';

function RailLink({ item }: { item: NavItem }) {
  const t = useMessages(appMessages);
  return (
    <NavLink
      to={item.path}
      className={({ isActive }) => (isActive ? 'kite-rail__item kite-rail__item--active' : 'kite-rail__item')}
      data-testid={`nav-${item.key}`}
    >
      <span className="kite-rail__icon">
        {item.icon}
        {item.badge ? <item.badge /> : null}
      </span>
      <span className="kite-rail__label">{t(item.label)}</span>
    </NavLink>
  );
}

/** The desktop navigation: the Kite mark (home), every module, and Admin pinned at the bottom. */
export function NavRail() {
  const t = useMessages(appMessages);
  const { isAdmin } = useSession();
  const items = visibleNavItems(isAdmin);
  const modules = items.filter((item) => item.key !== 'admin');
  const admin = items.find((item) => item.key === 'admin');
  return (
    <nav className="kite-rail" aria-label={t('mainNavigation')}>
      <Link to="/" className="kite-rail__logo" aria-label={t('navHome')} data-testid="nav-home">
        <KiteLogo size={32} />
      </Link>
      <div className="kite-rail__items">
        {modules.map((item) => (
          <RailLink key={item.key} item={item} />
        ))}
      </div>
      {admin ? (
        <div className="kite-rail__footer">
          <RailLink item={admin} />
        </div>
      ) : null}
    </nav>
  );
}
