import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

export type FunnelAnalytics = components['schemas']['FunnelAnalyticsRead'];
export type StageAnalytics = components['schemas']['StageAnalyticsRead'];
export type LossReasonAnalytics = components['schemas']['LossReasonAnalyticsRead'];
export type SalesStructure = components['schemas']['SalesStructureRead'];

/** What the screen asks for; every field but the period is optional. */
export interface FunnelAnalyticsParams {
  from: string;
  to: string;
  funnelId: string | null;
  responsibleId: string | null;
  departmentId: string | null;
  source: string | null;
}

export const analyticsKeys = {
  all: ['analytics'] as const,
  funnel: (params: FunnelAnalyticsParams) => [...analyticsKeys.all, 'funnel', params] as const,
  sales: (params: FunnelAnalyticsParams) => [...analyticsKeys.all, 'sales', params] as const,
};

/** The funnel's figures for the period over the deals the caller sees (GET
 * /analytics/funnel): the previous figures stay on screen while new filters are asked. */
export function useFunnelAnalytics(params: FunnelAnalyticsParams) {
  return useQuery({
    queryKey: analyticsKeys.funnel(params),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/analytics/funnel', { params: { query: filterQuery(params) }, signal }),
      ),
    placeholderData: keepPreviousData,
  });
}

/** The filters as the analytics endpoints take them. */
function filterQuery(params: FunnelAnalyticsParams) {
  return {
    from: params.from,
    to: params.to,
    funnel_id: params.funnelId ?? undefined,
    responsible_id: params.responsibleId ?? undefined,
    department_id: params.departmentId ?? undefined,
    source: params.source ?? undefined,
  };
}

/** The structure of the period's sales (GET /analytics/sales): repeat, upsell and cross-sell
 * shares of the won deals, the average check and demand by product. */
export function useSalesStructure(params: FunnelAnalyticsParams) {
  return useQuery({
    queryKey: analyticsKeys.sales(params),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/analytics/sales', { params: { query: filterQuery(params) }, signal }),
      ),
    placeholderData: keepPreviousData,
  });
}
