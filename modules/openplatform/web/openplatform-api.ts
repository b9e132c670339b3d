import type { AppInput, AppPatch, AppView } from '@kite/openplatform/contract';
import { api } from '@kite/ui/api-client';

/** A personal access token as the admin console lists it (docs/internal-api.md). */
export interface PersonalToken {
  id: string;
  name: string;
  user: { id: string; name: string };
  appId: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

export const openPlatformQueryKeys = {
  all: ['openplatform'] as const,
  apps: ['openplatform', 'apps'] as const,
  tokens: ['openplatform', 'tokens'] as const,
};

export function fetchApps(): Promise<{ items: AppView[] }> {
  return api.get('/api/admin/apps');
}

export function createApp(input: AppInput): Promise<{ app: AppView; appSecret: string }> {
  return api.post('/api/admin/apps', input);
}

export function updateApp(appId: string, patch: AppPatch): Promise<AppView> {
  return api.patch(`/api/admin/apps/${encodeURIComponent(appId)}`, patch);
}

export function rotateAppSecret(appId: string): Promise<{ appSecret: string }> {
  return api.post(`/api/admin/apps/${encodeURIComponent(appId)}/rotate-secret`);
}

export function deleteApp(appId: string): Promise<unknown> {
  return api.delete(`/api/admin/apps/${encodeURIComponent(appId)}`);
}

export function fetchTokens(): Promise<{ items: PersonalToken[] }> {
  return api.get('/api/admin/tokens');
}

export function revokeToken(id: string): Promise<unknown> {
  return api.delete(`/api/admin/tokens/${encodeURIComponent(id)}`);
}
