import { createContext, type ReactNode, useContext } from 'react';

/**
 * Who is looking, as modules need it: enough to greet, to label the organisation and to show
 * admin-only actions the server has already granted (`isAdmin` comes from the session, never
 * derived here). The app shell provides it; modules read it without depending on auth.
 */
export interface Viewer {
  userId: string;
  name: string;
  isAdmin: boolean;
  tenantName: string;
}

const ViewerContext = createContext<Viewer | null>(null);

export function ViewerProvider({ viewer, children }: { viewer: Viewer; children: ReactNode }) {
  return <ViewerContext.Provider value={viewer}>{children}</ViewerContext.Provider>;
}

export function useViewer(): Viewer {
  const viewer = useContext(ViewerContext);
  if (!viewer) throw new Error('useViewer needs a <ViewerProvider> above it');
  return viewer;
}
