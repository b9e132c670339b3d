import { isApiError } from '@kite/ui/api-client';
import { I18nProvider } from '@kite/ui/i18n';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { createKiteRouter } from './router.tsx';
import '@kite/ui/kite.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Realtime events mark data stale, so answers can be trusted for a while.
      staleTime: 30_000,
      // Client errors (4xx) will not change on retry; network and server errors might.
      retry: (failureCount, error) => !(isApiError(error) && error.status >= 400 && error.status < 500) && failureCount < 2,
    },
  },
});

const router = createKiteRouter();
const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

// No <StrictMode>: its development-only unmount/remount of every new component leaves Semi 2.90's
// portal overlays (Modal, SideSheet) mounted open with an empty portal, so dialogs silently fail to
// appear in `npm run dev` while working in production. Revisit with @douyinfe/semi-ui-19.
createRoot(container).render(
  <QueryClientProvider client={queryClient}>
    <I18nProvider>
      <RouterProvider router={router} />
    </I18nProvider>
  </QueryClientProvider>,
);
