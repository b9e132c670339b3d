import { SessionGate, useSession } from '@kite/auth/web';
import { PersonCard } from '@kite/contact/web';
import { CardPreview } from '@kite/im/web';
import { CardRendererProvider } from '@kite/ui/card-renderer';
import { PersonCardProvider } from '@kite/ui/person-card';
import { ViewerProvider } from '@kite/ui/viewer';
import { AppShell } from './shell/app-shell.tsx';

function ShellWithViewer() {
  const { user, tenant, isAdmin } = useSession();
  return (
    <ViewerProvider viewer={{ userId: user.id, name: user.name, isAdmin, tenantName: tenant.name }}>
      <CardRendererProvider renderer={CardPreview}>
        <PersonCardProvider card={PersonCard}>
          <AppShell />
        </PersonCardProvider>
      </CardRendererProvider>
    </ViewerProvider>
  );
}

/** Everything behind sign-in: the session gate, who is looking and the messenger's card renderer and the directory's person card (for modules), and the shell. */
export function SignedInFrame() {
  return (
    <SessionGate>
      <ShellWithViewer />
    </SessionGate>
  );
}
