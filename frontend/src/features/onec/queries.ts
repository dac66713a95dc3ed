import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

export type OnecIntegration = components['schemas']['OnecIntegrationRead'];
export type OnecIntegrationWithPassword = components['schemas']['OnecIntegrationWithPassword'];
export type OnecIntegrationCreate = components['schemas']['OnecIntegrationCreate'];
export type OnecIntegrationUpdate = components['schemas']['OnecIntegrationUpdate'];
export type OnecExchange = components['schemas']['OnecExchangeRead'];
export type OnecExchangeDetail = components['schemas']['OnecExchangeDetail'];
export type CatalogProduct = components['schemas']['ProductRead'];

export const onecKeys = {
  all: ['onec'] as const,
  integrations: () => [...onecKeys.all, 'integrations'] as const,
  exchanges: () => [...onecKeys.all, 'exchanges'] as const,
  exchange: (id: string) => [...onecKeys.all, 'exchange', id] as const,
  products: (search: string) => [...onecKeys.all, 'products', search] as const,
};

// An exchange still running is polled, so the log shows its progress as 1C sends slices;
// one 1C has not called for a while (it stopped after checkauth) is not.
const RUNNING_POLL_MS = 3000;
const QUIET_MS = 10 * 60 * 1000;
const running = (exchange: Pick<OnecExchange, 'status' | 'last_seen_at'>) =>
  (exchange.status === 'open' || exchange.status === 'importing') &&
  Date.now() - new Date(exchange.last_seen_at).getTime() < QUIET_MS;

export function useOnecIntegrations() {
  return useQuery({
    queryKey: onecKeys.integrations(),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/onec/integrations', { params: { query: { limit: 200 } }, signal })),
    select: (page) => page.items,
  });
}

export function useOnecExchanges() {
  return useQuery({
    queryKey: onecKeys.exchanges(),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/onec/exchanges', { params: { query: { limit: 50 } }, signal })),
    select: (page) => page.items,
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.items.some(running) ? RUNNING_POLL_MS : false),
  });
}

export function useOnecExchange(id: string | null) {
  return useQuery({
    queryKey: onecKeys.exchange(id ?? ''),
    enabled: id !== null,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/onec/exchanges/{exchange_id}', {
          params: { path: { exchange_id: id ?? '' } },
          signal,
        }),
      ),
    refetchInterval: (query) =>
      query.state.data && running(query.state.data) ? RUNNING_POLL_MS : false,
  });
}

export function useCreateOnecIntegration() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: OnecIntegrationCreate) =>
      unwrap(api.POST('/api/v1/onec/integrations', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: onecKeys.all }),
  });
}

export function useUpdateOnecIntegration() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({
      integration,
      body,
    }: {
      integration: OnecIntegration;
      body: OnecIntegrationUpdate;
    }) =>
      unwrap(
        api.PATCH('/api/v1/onec/integrations/{integration_id}', {
          params: {
            path: { integration_id: integration.id },
            header: { 'If-Match': `"v${integration.version}"` },
          },
          body,
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: onecKeys.all }),
  });
}

export function useDeleteOnecIntegration() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (integration: OnecIntegration) =>
      unwrap(
        api.DELETE('/api/v1/onec/integrations/{integration_id}', {
          params: { path: { integration_id: integration.id } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: onecKeys.all }),
  });
}

/** The catalogue's first products whose name, article or barcode has `search` (all: ''). */
export function useCatalogProducts(search: string, enabled = true) {
  return useQuery({
    queryKey: onecKeys.products(search),
    enabled,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/onec/products', {
          params: { query: { limit: 20, ...(search ? { search } : {}) } },
          signal,
        }),
      ),
    select: (page) => page.items,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

/** The product's price in `currency` (the first price type that has one), else null. */
export function catalogPrice(product: CatalogProduct, currency: string): string | null {
  const found = product.prices.find((price) => price.currency === currency);
  return found ? String(found.price) : null;
}

/** The address given to 1C: this CRM's address plus the integration's path. */
export const exchangeUrl = (integration: Pick<OnecIntegration, 'exchange_path'>) =>
  `${window.location.origin}${integration.exchange_path}`;
