import { onUnauthenticated } from '@kite/ui/api-client';
import { hasStoredLocale, isLocale, type Locale, useLocale } from '@kite/ui/i18n';
import { ErrorState, LoadingState } from '@kite/ui/states';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { authQueryKeys, fetchSession, fetchSetupStatus, submitLogout, updateMyLocale } from './auth-api.ts';
import type { Session } from './session-types.ts';

const SessionContext = createContext<Session | null>(null);

/** The signed-in session; only valid below `<SessionGate>`. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession needs a <SessionGate> above it');
  return session;
}

/** The session when there is one, for components that also render on public pages. */
export function useOptionalSession(): Session | null {
  return useContext(SessionContext);
}

function FullScreen({ children }: { children: ReactNode }) {
  return <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center' }}>{children}</div>;
}

/** Sends someone without a session to first-run setup (fresh server) or to sign-in. */
function RedirectToEntry() {
  const location = useLocation();
  const setupStatus = useQuery({ queryKey: authQueryKeys.setupStatus, queryFn: fetchSetupStatus });
  if (setupStatus.isPending) {
    return (
      <FullScreen>
        <LoadingState />
      </FullScreen>
    );
  }
  if (setupStatus.data?.needsSetup) return <Navigate to="/setup" replace />;
  const here = `${location.pathname}${location.search}`;
  const next = here === '/' ? '' : `?next=${encodeURIComponent(here)}`;
  return <Navigate to={`/login${next}`} replace />;
}

/**
 * Renders its children only for a signed-in person and gives them the session. Any 401 from any
 * request drops the cached session, which brings the person back here and on to sign-in.
 */
export function SessionGate({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const { setLocale } = useLocale();
  const session = useQuery({ queryKey: authQueryKeys.session, queryFn: fetchSession, staleTime: 5 * 60_000 });

  useEffect(
    () =>
      onUnauthenticated(() => {
        queryClient.setQueryData(authQueryKeys.session, null);
      }),
    [queryClient],
  );

  const userLocale = session.data?.user.locale;
  useEffect(() => {
    // A device without its own language choice follows the account's language.
    if (isLocale(userLocale) && !hasStoredLocale()) setLocale(userLocale);
  }, [userLocale, setLocale]);

  if (session.isPending) {
    return (
      <FullScreen>
        <LoadingState />
      </FullScreen>
    );
  }
  if (session.isError) {
    return (
      <FullScreen>
        <ErrorState error={session.error} onRetry={() => session.refetch()} />
      </FullScreen>
    );
  }
  if (!session.data) return <RedirectToEntry />;
  return <SessionContext.Provider value={session.data}>{children}</SessionContext.Provider>;
}

/**
 * Stores a fresh session after setup, sign-in or joining. The language the person was reading
 * becomes the account's language, so the app does not switch under them.
 */
export function useAcceptSession(): (session: Session) => void {
  const queryClient = useQueryClient();
  const { locale, setLocale } = useLocale();
  return useCallback(
    (session: Session) => {
      queryClient.setQueryData(authQueryKeys.session, session);
      setLocale(locale);
      if (session.user.locale !== locale) {
        updateMyLocale(locale)
          .then((updated) => queryClient.setQueryData(authQueryKeys.session, updated))
          .catch(() => {
            // The language still applies on this device; the account keeps its old one.
          });
      }
    },
    [queryClient, locale, setLocale],
  );
}

/** Signs out on the server, forgets every cached answer and goes to the sign-in page. */
export function useLogout(): () => Promise<void> {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useCallback(async () => {
    try {
      await submitLogout();
    } finally {
      // Leave the signed-in pages first, so nothing refetches while the cache is emptied.
      await navigate('/login', { replace: true });
      queryClient.clear();
    }
  }, [queryClient, navigate]);
}

/** Switches the page language and, when someone is signed in, saves it on their account. */
export function useChangeLanguage(): (locale: Locale) => void {
  const queryClient = useQueryClient();
  const session = useOptionalSession();
  const { setLocale } = useLocale();
  return useCallback(
    (locale: Locale) => {
      setLocale(locale);
      if (!session) return;
      updateMyLocale(locale)
        .then((updated) => queryClient.setQueryData(authQueryKeys.session, updated))
        .catch(() => {
          // Kept on this device only; the next change or sign-in tries again.
        });
    },
    [queryClient, session, setLocale],
  );
}
