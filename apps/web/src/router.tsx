import { authRoutes } from '@kite/auth/web';
import { contactRoutes } from '@kite/contact/web';
import { imRoutes } from '@kite/im/web';
import { createBrowserRouter, Navigate, type RouteObject } from 'react-router';
import { AdminLayout } from './admin/admin-layout.tsx';
import { adminSections } from './admin/admin-sections.ts';
import { ComingSoonPage } from './coming-soon/coming-soon-page.tsx';
import { type UpcomingModule, upcomingModules } from './coming-soon/upcoming-modules.ts';
import { HomePage } from './home/home-page.tsx';
import { NotFoundPage } from './not-found-page.tsx';
import { RouteErrorPage } from './route-error-page.tsx';
import { SignedInFrame } from './signed-in-frame.tsx';

const comingSoonRoutes: RouteObject[] = (Object.keys(upcomingModules) as UpcomingModule['key'][]).map((key) => ({
  path: `${key}/*`,
  element: <ComingSoonPage moduleKey={key} />,
}));

const adminRoutes: RouteObject = {
  path: 'admin',
  element: <AdminLayout />,
  children: [
    { index: true, element: <Navigate to={adminSections[0]?.path ?? 'departments'} replace /> },
    ...adminSections.map((section) => ({ ...section.route, path: section.path })),
  ],
};

/** Public pages first (setup, sign-in, invitations), then everything behind the session gate. */
export const routes: RouteObject[] = [
  {
    path: '/',
    errorElement: <RouteErrorPage />,
    children: [
      ...authRoutes,
      {
        element: <SignedInFrame />,
        children: [
          { index: true, element: <HomePage /> },
          ...contactRoutes,
          ...imRoutes,
          ...comingSoonRoutes,
          adminRoutes,
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
];

export function createKiteRouter() {
  return createBrowserRouter(routes);
}
