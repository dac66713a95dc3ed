import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

export type TelephonyIntegration = components['schemas']['TelephonyIntegrationRead'];
export type TelephonyIntegrationCreated = components['schemas']['TelephonyIntegrationCreated'];
export type TelephonyIntegrationCreate = components['schemas']['TelephonyIntegrationCreate'];
export type TelephonyIntegrationUpdate = components['schemas']['TelephonyIntegrationUpdate'];
export type Provider = TelephonyIntegration['provider'];

export const telephonyKeys = {
  all: ['telephony'] as const,
  list: () => [...telephonyKeys.all, 'list'] as const,
};

export function useTelephonyIntegrations() {
  return useQuery({
    queryKey: telephonyKeys.list(),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/intake/telephony-settings', {
          params: { query: { limit: 200 } },
          signal,
        }),
      ),
    select: (page) => page.items,
  });
}

export function useCreateTelephonyIntegration() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TelephonyIntegrationCreate) =>
      unwrap(api.POST('/api/v1/intake/telephony-settings', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: telephonyKeys.all }),
  });
}

export function useUpdateTelephonyIntegration() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({
      integration,
      body,
    }: {
      integration: TelephonyIntegration;
      body: TelephonyIntegrationUpdate;
    }) =>
      unwrap(
        api.PATCH('/api/v1/intake/telephony-settings/{integration_id}', {
          params: {
            path: { integration_id: integration.id },
            header: { 'If-Match': `"v${integration.version}"` },
          },
          body,
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: telephonyKeys.all }),
  });
}

export function useDeleteTelephonyIntegration() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (integration: TelephonyIntegration) =>
      unwrap(
        api.DELETE('/api/v1/intake/telephony-settings/{integration_id}', {
          params: { path: { integration_id: integration.id } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: telephonyKeys.all }),
  });
}

/** The URL a PBX is given: this CRM's address plus the integration's path. */
export const eventUrl = (integration: Pick<TelephonyIntegration, 'event_path'>) =>
  `${window.location.origin}${integration.event_path}`;

/** A call's stored recording, fetched with the session's token, as an object URL for an
 * <audio> element (the caller revokes it). */
export async function fetchCallRecording(callId: string): Promise<string> {
  const blob = await unwrap(
    api.GET('/api/v1/intake/calls/{call_id}/recording', {
      params: { path: { call_id: callId } },
      parseAs: 'blob',
    }),
  );
  return URL.createObjectURL(blob);
}

// --- calls and their review ------------------------------------------------------------------

export type Call = components['schemas']['CallRead'];
export type CallResult = Call['result'];

export interface CallFilters {
  reviewed: 'all' | 'no' | 'yes';
  result: CallResult | null;
  ownerId: string | null;
  withRecording: boolean;
}

export const callKeys = {
  all: ['calls'] as const,
  list: (filters: CallFilters) => [...callKeys.all, 'list', filters] as const,
};

const CALLS_PAGE = 50;

/** The calls the caller hears (their own; a head's team's; an intake manager's every one),
 * newest first, a page at a time. */
export function useCalls(filters: CallFilters) {
  return useInfiniteQuery({
    queryKey: callKeys.list(filters),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/intake/calls', {
          params: {
            query: {
              limit: CALLS_PAGE,
              ...(filters.reviewed === 'all' ? {} : { reviewed: filters.reviewed === 'yes' }),
              ...(filters.result ? { result: [filters.result] } : {}),
              ...(filters.ownerId ? { owner_id: filters.ownerId } : {}),
              ...(filters.withRecording ? { with_recording: true } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
          signal,
        }),
      ),
    getNextPageParam: (last) => last.next_cursor,
  });
}

export function useReviewCall() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ callId, score, comment }: { callId: string; score: number; comment: string }) =>
      unwrap(
        api.PUT('/api/v1/intake/calls/{call_id}/review', {
          params: { path: { call_id: callId } },
          body: { score, comment: comment.trim() ? comment : null },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: callKeys.all }),
  });
}

// --- click-to-call ----------------------------------------------------------------------------

export type ClickToCall = components['schemas']['ClickToCallCreate'];

/** Whether the PBX can call the caller back from the CRM (asked once in a while). */
export function useClickToCallLine() {
  return useQuery({
    queryKey: [...telephonyKeys.all, 'line'] as const,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/intake/click-to-call/line', { signal })),
    staleTime: 5 * 60_000,
  });
}

export function useClickToCall() {
  return useMutation({
    mutationFn: (body: ClickToCall) => unwrap(api.POST('/api/v1/intake/click-to-call', { body })),
  });
}

/** A client's latest calls with a stored recording (those the caller may hear). */
export function useClientRecordings(clientId: string | null | undefined, enabled = true) {
  return useQuery({
    queryKey: [...callKeys.all, 'recordings', clientId] as const,
    enabled: enabled && Boolean(clientId),
    staleTime: 60_000,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/intake/calls', {
          params: { query: { client_id: clientId!, with_recording: true, limit: 3 } },
          signal,
        }),
      ),
    select: (page) => page.items,
  });
}
