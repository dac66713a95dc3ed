import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
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
