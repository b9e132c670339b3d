import { MessengerBuzzAlerts, MessengerNotifications } from '@kite/im/web';
import { useIsPhone } from '@kite/ui/use-is-phone';
import { Outlet } from 'react-router';
import { RealtimeBridge } from '../realtime/realtime-bridge.tsx';
import { BottomTabBar } from './bottom-tab-bar.tsx';
import { NavRail } from './nav-rail.tsx';
import { TopBar } from './top-bar.tsx';
import './app-shell.css';

/** The signed-in frame: rail (or phone tab bar), top bar, buzz alerts, desktop notifications, and the current page. */
export function AppShell() {
  const isPhone = useIsPhone();
  return (
    <div className={isPhone ? 'kite-shell kite-shell--phone' : 'kite-shell'} data-testid="app-shell">
      {isPhone ? null : <NavRail />}
      <div className="kite-shell__main">
        <TopBar />
        <MessengerBuzzAlerts />
        <MessengerNotifications />
        <RealtimeBridge />
        <main className="kite-shell__content">
          <Outlet />
        </main>
      </div>
      {isPhone ? <BottomTabBar /> : null}
    </div>
  );
}
