import { SessionGate, useSession } from '@kite/auth/web';
import { CardPreview } from '@kite/im/web';
import { CardRendererProvider } from '@kite/ui/card-renderer';
import { ViewerProvider } from '@kite/ui/viewer';
import { AppShell } from './shell/app-shell.tsx';

function ShellWithViewer() {
  const { user, tenant, isAdmin } = useSession();
  return (
    <ViewerProvider viewer={{ userId: user.id, name: user.name, isAdmin, tenantName: tenant.name }}>
      <CardRendererProvider renderer={CardPreview}>
        <AppShell />
      </CardRendererProvider>
    </ViewerProvider>
  );
}

/** Everything behind sign-in: the session gate, who is looking and the messenger's card renderer (for modules), and the shell. */
export function SignedInFrame() {
  return (
    <SessionGate>
      <ShellWithViewer />
    </SessionGate>
  );
}
