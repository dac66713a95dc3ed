import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

export type CallList = components['schemas']['CallListRead'];
export type CallListCreate = components['schemas']['CallListCreate'];
export type CallListUpdate = components['schemas']['CallListUpdate'];
export type CallListProgress = components['schemas']['ProgressRead'];
export type CallItemCard = components['schemas']['ItemCardRead'];
export type CallItem = components['schemas']['ItemRead'];
export type Build = components['schemas']['BuildRead'];
export type Agent = components['schemas']['AgentRead'];
export type Outcome = components['schemas']['OutcomeCreate']['outcome'];
export type ClientSource = components['schemas']['ClientSourceCreate'];

export const OUTCOMES: readonly Outcome[] = [
  'no_answer',
  'call_back',
  'wrong_number',
  'not_interested',
  'interested',
];

export const callListKeys = {
  all: ['call-lists'] as const,
  list: () => [...callListKeys.all, 'list'] as const,
  detail: (id: string) => [...callListKeys.all, 'detail', id] as const,
  agents: (id: string | null) => [...callListKeys.all, 'agents', id] as const,
  items: (id: string, outcome: Outcome | null) =>
    [...callListKeys.all, 'items', id, outcome] as const,
  current: (id: string) => [...callListKeys.all, 'current', id] as const,
};

/** The caller's lists (a head: every list), newest first, with their progress. */
export function useCallLists() {
  return useQuery({
    queryKey: callListKeys.list(),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/call-lists', { params: { query: { limit: 200 } }, signal })),
  });
}

export function useCallList(id: string) {
  return useQuery({
    queryKey: callListKeys.detail(id),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/call-lists/{list_id}', { params: { path: { list_id: id } }, signal }),
      ),
  });
}

/** Per telemarketer, of one list or (id null) of every list. */
export function useAgents(id: string | null, { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: callListKeys.agents(id),
    enabled,
    queryFn: ({ signal }) =>
      id
        ? unwrap(
            api.GET('/api/v1/call-lists/{list_id}/agents', {
              params: { path: { list_id: id } },
              signal,
            }),
          )
        : unwrap(api.GET('/api/v1/call-lists/agents', { signal })),
  });
}

export function useCallItems(id: string, outcome: Outcome | null) {
  return useQuery({
    queryKey: callListKeys.items(id, outcome),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/call-lists/{list_id}/items', {
          params: {
            path: { list_id: id },
            query: { limit: 100, ...(outcome ? { outcome } : {}) },
          },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function useCreateCallList() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: (body: CallListCreate) => unwrap(api.POST('/api/v1/call-lists', { body })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: callListKeys.all }),
  });
}

export function useUpdateCallList() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: ({ id, body }: { id: string; body: CallListUpdate }) =>
      unwrap(
        api.PATCH('/api/v1/call-lists/{list_id}', { params: { path: { list_id: id } }, body }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: callListKeys.all }),
  });
}

export function useAddClients() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: ({ id, body }: { id: string; body: ClientSource }) =>
      unwrap(
        api.POST('/api/v1/call-lists/{list_id}/items/from-clients', {
          params: { path: { list_id: id } },
          body,
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: callListKeys.all }),
  });
}

export function useAddEntries() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: ({ id, entries }: { id: string; entries: { phone: string; name?: string }[] }) =>
      unwrap(
        api.POST('/api/v1/call-lists/{list_id}/items', {
          params: { path: { list_id: id } },
          body: { entries },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: callListKeys.all }),
  });
}

/** A CSV or XLSX file of numbers, added by a job. */
export function useUploadEntries() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: ({ id, file }: { id: string; file: File }) =>
      unwrap(
        api.POST('/api/v1/call-lists/{list_id}/items/upload', {
          params: { path: { list_id: id } },
          body: { file: '' },
          bodySerializer: () => {
            const form = new FormData();
            form.append('file', file, file.name);
            return form;
          },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: callListKeys.all }),
  });
}

/** The number to call now (the one held already, if any); null when nothing is due. */
export function useNextItem(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/v1/call-lists/{list_id}/next', { params: { path: { list_id: id } } })),
    onSuccess: (next) => queryClient.setQueryData(callListKeys.current(id), next.card ?? null),
  });
}

export function useRecordOutcome(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: ({
      itemId,
      outcome,
      callBackAt,
      note,
    }: {
      itemId: string;
      outcome: Outcome;
      callBackAt?: string | null;
      note?: string | null;
    }) =>
      unwrap(
        api.POST('/api/v1/call-lists/{list_id}/items/{item_id}/outcome', {
          params: { path: { list_id: id, item_id: itemId } },
          body: { outcome, call_back_at: callBackAt ?? null, note: note || null },
        }),
      ),
    onSuccess: () => {
      queryClient.setQueryData(callListKeys.current(id), null);
      return queryClient.invalidateQueries({ queryKey: callListKeys.detail(id) });
    },
  });
}

/** Share of a list's numbers that are done, 0..100. */
export function donePercent(progress: CallListProgress): number {
  return progress.total ? Math.round((progress.done * 100) / progress.total) : 0;
}
