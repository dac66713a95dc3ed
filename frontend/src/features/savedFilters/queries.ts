import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

export type SavedFilter = components['schemas']['SavedFilterRead'];
export type FilteredList = SavedFilter['list'];

export const savedFilterKeys = {
  of: (list: FilteredList) => ['saved-filters', list] as const,
};

/** The caller's own saved filters of one list (clients, deals or tasks), once `enabled`. */
export function useSavedFilters(list: FilteredList, { enabled }: { enabled: boolean }) {
  return useQuery({
    queryKey: savedFilterKeys.of(list),
    enabled,
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/saved-filters', { params: { query: { list } }, signal })),
  });
}

export function useSaveFilter(list: FilteredList) {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: (body: { name: string; query: string }) =>
      unwrap(api.POST('/api/v1/saved-filters', { body: { list, ...body } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: savedFilterKeys.of(list) }),
  });
}

export function useRenameFilter(list: FilteredList) {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: ({ id, name }: { id: string; name: string }) =>
      unwrap(
        api.PATCH('/api/v1/saved-filters/{filter_id}', {
          params: { path: { filter_id: id } },
          body: { name },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: savedFilterKeys.of(list) }),
  });
}

export function useDeleteSavedFilter(list: FilteredList) {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: (id: string) =>
      unwrap(
        api.DELETE('/api/v1/saved-filters/{filter_id}', { params: { path: { filter_id: id } } }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: savedFilterKeys.of(list) }),
  });
}
