import { useSession } from '@kite/auth/web';
import { KiteLogo } from '@kite/ui/kite-logo';
import { useIsPhone } from '@kite/ui/use-is-phone';
import { Link } from 'react-router';
import { UserMenu } from './user-menu.tsx';

/** The bar above every page: which organisation this is, and the person's menu. */
export function TopBar() {
  const { tenant } = useSession();
  const isPhone = useIsPhone();
  return (
    <header className="kite-top-bar">
      <Link to="/" className="kite-top-bar__org" data-testid="org-name">
        {isPhone ? (
          <KiteLogo size={28} />
        ) : (
          <span className="kite-top-bar__org-mark" aria-hidden="true">
            {Array.from(tenant.name.trim())[0] ?? 'K'}
          </span>
        )}
        <span className="kite-top-bar__org-name">{tenant.name}</span>
      </Link>
      <div className="kite-top-bar__actions">
        <UserMenu />
      </div>
    </header>
  );
}
