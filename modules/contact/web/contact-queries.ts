import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { contactQueryKeys, fetchDepartments, fetchGroups, fetchUser, fetchUsers, type UserListParams } from './contact-api.ts';

export function useDepartments() {
  return useQuery({ queryKey: contactQueryKeys.departments, queryFn: fetchDepartments, select: (answer) => answer.items });
}

/** People matching `params`, a page at a time; `fetchNextPage` follows the server's cursor. */
export function useUserPages(params: UserListParams, enabled = true) {
  return useInfiniteQuery({
    queryKey: contactQueryKeys.users(params),
    queryFn: ({ pageParam }) => fetchUsers(params, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useUser(id: string | null) {
  return useQuery({ queryKey: contactQueryKeys.user(id ?? ''), queryFn: () => fetchUser(id ?? ''), enabled: Boolean(id) });
}

export function useGroups() {
  return useQuery({ queryKey: contactQueryKeys.groups, queryFn: fetchGroups, select: (answer) => answer.items });
}
