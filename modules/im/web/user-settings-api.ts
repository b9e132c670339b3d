import type { UpdateUserSettingsInput, UserSettingsView } from '@kite/im/contract';
import { api } from '@kite/ui/api-client';
import { type QueryClient, useQuery } from '@tanstack/react-query';

/** The viewer's own messenger settings (notifications, sound); starts with `im`, so a reset refetches it. */
export const userSettingsQueryKey = ['im', 'user-settings'] as const;

/** What the server starts everyone with; used until the settings have loaded. */
const DEFAULT_USER_SETTINGS: UserSettingsView = { desktopNotifications: true, sound: true };

export function useUserSettings() {
  return useQuery({
    queryKey: userSettingsQueryKey,
    queryFn: () => api.get<UserSettingsView>('/api/im/user-settings'),
    // Changes from other tabs and devices arrive as `im.user_settings.updated`.
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function saveUserSettings(patch: UpdateUserSettingsInput): Promise<UserSettingsView> {
  return api.patch('/api/im/user-settings', patch);
}

/** The settings as this tab knows them, for code outside React (the notifier). */
export function cachedUserSettings(queryClient: QueryClient): UserSettingsView {
  return queryClient.getQueryData<UserSettingsView>(userSettingsQueryKey) ?? DEFAULT_USER_SETTINGS;
}

export function writeUserSettings(queryClient: QueryClient, settings: UserSettingsView): void {
  queryClient.setQueryData(userSettingsQueryKey, settings);
}
