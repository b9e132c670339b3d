import { api, isApiError, setCsrfToken } from '@kite/ui/api-client';
import type { Locale } from '@kite/ui/i18n';
import type { Invitation, InvitationPreview, Session } from './session-types.ts';

export const authQueryKeys = {
  session: ['auth', 'session'] as const,
  setupStatus: ['auth', 'setup-status'] as const,
  invitation: (token: string) => ['auth', 'invitation', token] as const,
  invitations: ['auth', 'invitations'] as const,
};

function remember(session: Session): Session {
  setCsrfToken(session.csrfToken);
  return session;
}

/** The current session, or null when nobody is signed in (401 is an answer here, not a failure). */
export async function fetchSession(): Promise<Session | null> {
  try {
    return remember(await api.get<Session>('/api/auth/session', { quietUnauthenticated: true }));
  } catch (error) {
    if (isApiError(error) && error.status === 401) return null;
    throw error;
  }
}

export function fetchSetupStatus(): Promise<{ needsSetup: boolean }> {
  return api.get('/api/setup/status');
}

export interface SetupInput {
  tenantName: string;
  adminName: string;
  adminEmail: string;
  adminPassword: string;
}

export async function submitSetup(input: SetupInput): Promise<Session> {
  return remember(await api.post<Session>('/api/setup', input));
}

export interface LoginInput {
  email: string;
  password: string;
  tenantKey?: string;
}

export async function submitLogin(input: LoginInput): Promise<Session> {
  return remember(await api.post<Session>('/api/auth/login', input, { quietUnauthenticated: true }));
}

export async function submitLogout(): Promise<void> {
  await api.post('/api/auth/logout');
  setCsrfToken(null);
}

export async function updateMyLocale(locale: Locale): Promise<Session> {
  return remember(await api.patch<Session>('/api/me', { locale }));
}

export function fetchInvitationPreview(token: string): Promise<InvitationPreview> {
  return api.get(`/api/invitations/${encodeURIComponent(token)}`);
}

export interface AcceptInvitationInput {
  name: string;
  email: string;
  password: string;
}

export async function acceptInvitation(token: string, input: AcceptInvitationInput): Promise<Session> {
  return remember(await api.post<Session>(`/api/invitations/${encodeURIComponent(token)}/accept`, input));
}

export function fetchInvitations(): Promise<{ items: Invitation[] }> {
  return api.get('/api/admin/invitations');
}

export interface CreateInvitationInput {
  expiresInDays?: number;
  maxUses?: number;
  departmentId?: string;
}

export function createInvitation(input: CreateInvitationInput): Promise<Invitation> {
  return api.post('/api/admin/invitations', input);
}

export function revokeInvitation(id: string): Promise<unknown> {
  return api.delete(`/api/admin/invitations/${encodeURIComponent(id)}`);
}
