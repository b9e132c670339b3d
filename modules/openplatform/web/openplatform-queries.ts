import { useQuery } from '@tanstack/react-query';
import { fetchApps, openPlatformQueryKeys } from './openplatform-api.ts';

/** The organisation's apps (admins only; others get `forbidden`). */
export function useApps(enabled = true) {
  return useQuery({ queryKey: openPlatformQueryKeys.apps, queryFn: fetchApps, select: (answer) => answer.items, enabled });
}
