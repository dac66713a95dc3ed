import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

export type InboxItem = components['schemas']['InboxItemRead'];
export type InboxState = InboxItem['state'];
export type InboxFilter = InboxState | 'all';

export const intakeKeys = {
  all: ['intake'] as const,
  inbox: (filter: InboxFilter) => [...intakeKeys.all, 'inbox', filter] as const,
};

const PAGE_SIZE = 50;
/** While a request waits for the worker, the open list is re-read this often. */
const PENDING_REFRESH_MS = 3_000;

export function useInbox(filter: InboxFilter) {
  return useInfiniteQuery({
    queryKey: intakeKeys.inbox(filter),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/intake/inbox', {
          params: {
            query: {
              limit: PAGE_SIZE,
              ...(filter === 'all' ? {} : { state: [filter] }),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
          signal,
        }),
      ),
    getNextPageParam: (last) => last.next_cursor,
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.items.some((i) => i.state === 'pending'))
        ? PENDING_REFRESH_MS
        : false,
  });
}

export function useRetryInboxItem() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (itemId: string) =>
      unwrap(
        api.POST('/api/v1/intake/inbox/{item_id}/retry', {
          params: { path: { item_id: itemId } },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: intakeKeys.all }),
  });
}
