/**
 * The shapes a module's `web/index.ts` hands to the app shell, so the shell can mount any module
 * without knowing what is inside it.
 */
import type { QueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { RouteObject } from 'react-router';
import type { LocalizedText } from './i18n.tsx';
import type { RealtimeEvent } from './realtime-connection.ts';

/** Where an admin page sits in the admin console's side navigation. */
export type AdminSectionGroup = 'organization' | 'integrations' | 'security';

/** One page of the admin console (`/admin/<path>`). */
export interface AdminSection {
  /** Path below `/admin`, e.g. `departments`; a `hidden` page may have parameters (`apps/:appId/card-templates`). */
  path: string;
  /**
   * A page reached from another one (an app's card templates, from Apps) rather than from the
   * navigation: routed, but not listed; the page it starts with (`apps`) stays marked.
   */
  hidden?: boolean;
  group: AdminSectionGroup;
  label: LocalizedText;
  icon: ReactNode;
  /** Route element or lazy route for the page; its `path` is filled in by the shell. */
  route: Omit<RouteObject, 'path' | 'index' | 'children'>;
}

/** Which cached queries an incoming realtime event makes stale. */
export interface RealtimeSubscription {
  /** Event type prefix, e.g. `contact.`. */
  prefix: string;
  /** Query keys (prefixes) to invalidate for an event. */
  staleQueries: (event: RealtimeEvent) => ReadonlyArray<readonly unknown[]>;
  /**
   * Writes the event straight into cached data (optional), for modules whose screens must move
   * without a refetch, like a new chat message. Runs before `staleQueries` are invalidated.
   */
  apply?: (event: RealtimeEvent, context: RealtimeApplyContext) => void;
}

/** What a subscription's `apply` gets besides the event. */
export interface RealtimeApplyContext {
  queryClient: QueryClient;
  /** The signed-in person's id. */
  viewerUserId: string;
}
