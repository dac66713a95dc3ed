import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

export type WebhookEndpoint = components['schemas']['WebhookEndpointRead'];
export type WebhookEndpointCreated = components['schemas']['WebhookEndpointCreated'];
export type WebhookDelivery = components['schemas']['WebhookDeliveryRead'];
type EndpointCreate = components['schemas']['WebhookEndpointCreate'];
type EndpointUpdate = components['schemas']['WebhookEndpointUpdate'];

export const webhookKeys = {
  all: ['webhooks'] as const,
  list: () => [...webhookKeys.all, 'list'] as const,
  eventTypes: () => [...webhookKeys.all, 'event-types'] as const,
  deliveries: (id: string) => [...webhookKeys.all, 'deliveries', id] as const,
};

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
