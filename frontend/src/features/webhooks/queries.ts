import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

export type WebhookEndpoint = components['schemas']['WebhookEndpointRead'];
export type WebhookEndpointCreated = components['schemas']['WebhookEndpointCreated'];
export type WebhookDelivery = components['schemas']['WebhookDeliveryRead'];
type EndpointCreate = components['schemas']['WebhookEndpointCreate'];
type EndpointUpdate = components['schemas']['WebhookEndpointUpdate'];
export type Organisation = components['schemas']['OrganisationRead'];

export const webhookKeys = {
  all: ['webhooks'] as const,
  list: () => [...webhookKeys.all, 'list'] as const,
  eventTypes: () => [...webhookKeys.all, 'event-types'] as const,
  deliveries: (id: string) => [...webhookKeys.all, 'deliveries', id] as const,
};

// The organisation's settings; only its webhook switch is used here so far.
export const organisationKeys = {
  all: ['organisation'] as const,
};

/** How often the open delivery log is re-read while a delivery is still queued. */
const PENDING_REFRESH_MS = 2_000;

export function useWebhookEndpoints() {
  return useQuery({
    queryKey: webhookKeys.list(),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/webhooks', { params: { query: { limit: 200 } }, signal })),
    select: (page) => page.items,
  });
}

export function useWebhookEventTypes() {
  return useQuery({
    queryKey: webhookKeys.eventTypes(),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/webhooks/event-types', { signal })),
    staleTime: Infinity,
  });
}

export function useWebhookDeliveries(endpointId: string | null) {
  return useQuery({
    queryKey: webhookKeys.deliveries(endpointId ?? ''),
    enabled: endpointId !== null,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/webhooks/{endpoint_id}/deliveries', {
          params: { path: { endpoint_id: endpointId ?? '' }, query: { limit: 50 } },
          signal,
        }),
      ),
    select: (page) => page.items,
    // The worker delivers after the request that queued the delivery has returned: keep the
    // open log fresh until nothing in it is waiting any more.
    refetchInterval: (query) =>
      query.state.data?.items.some((delivery) => delivery.status === 'pending')
        ? PENDING_REFRESH_MS
        : false,
  });
}

export function useOrganisation({ enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: organisationKeys.all,
    enabled,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/organisation', { signal })),
  });
}

/** Lets (or stops) endpoints target loopback, private and link-local addresses. */
export function useAllowPrivateTargets() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ organisation, allow }: { organisation: Organisation; allow: boolean }) =>
      unwrap(
        api.PATCH('/api/v1/organisation', {
          params: { header: { 'If-Match': `"v${organisation.version}"` } },
          body: { webhooks_allow_private_targets: allow },
        }),
      ),
    onSuccess: (organisation) => queryClient.setQueryData(organisationKeys.all, organisation),
    // A 412 means someone else changed the organisation meanwhile: show their version.
    onError: () => queryClient.invalidateQueries({ queryKey: organisationKeys.all }),
  });
}

export function useCreateWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: EndpointCreate) => unwrap(api.POST('/api/v1/webhooks', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.list() }),
  });
}

export function useUpdateWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ endpoint, body }: { endpoint: WebhookEndpoint; body: EndpointUpdate }) =>
      unwrap(
        api.PATCH('/api/v1/webhooks/{endpoint_id}', {
          params: {
            path: { endpoint_id: endpoint.id },
            header: { 'If-Match': `"v${endpoint.version}"` },
          },
          body,
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.list() }),
  });
}

export function useDeleteWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (endpointId: string) =>
      unwrap(
        api.DELETE('/api/v1/webhooks/{endpoint_id}', {
          params: { path: { endpoint_id: endpointId } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.list() }),
  });
}

export function useSendTestWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (endpointId: string) =>
      unwrap(
        api.POST('/api/v1/webhooks/{endpoint_id}/test', {
          params: { path: { endpoint_id: endpointId } },
        }),
      ),
    onSuccess: (delivery) =>
      queryClient.invalidateQueries({ queryKey: webhookKeys.deliveries(delivery.endpoint_id) }),
  });
}

export function useRedeliverWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (delivery: WebhookDelivery) =>
      unwrap(
        api.POST('/api/v1/webhooks/{endpoint_id}/deliveries/{delivery_id}/redeliver', {
          params: { path: { endpoint_id: delivery.endpoint_id, delivery_id: delivery.id } },
        }),
      ),
    onSuccess: (delivery) =>
      queryClient.invalidateQueries({ queryKey: webhookKeys.deliveries(delivery.endpoint_id) }),
  });
}
