import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

export type Effectiveness = components['schemas']['EffectivenessRead'];
export type EffectivenessRow = components['schemas']['EffectivenessRow'];
export type MarketingCost = components['schemas']['CostRead'];
export type CostCreate = components['schemas']['CostCreate'];
export type CostUpdate = components['schemas']['CostUpdate'];

export interface MonthRange {
  /** The first month's first day. */
  from: string;
  /** The last month's first day. */
  to: string;
}

export const marketingKeys = {
  all: ['marketing'] as const,
  effectiveness: (range: MonthRange, funnelId: string | null) =>
    [...marketingKeys.all, 'effectiveness', range.from, range.to, funnelId] as const,
  costs: (range: MonthRange) => [...marketingKeys.all, 'costs', range.from, range.to] as const,
};

/** Cost, leads, won deals and revenue per source and campaign over whole months. */
export function useEffectiveness(range: MonthRange, funnelId: string | null) {
  return useQuery({
    queryKey: marketingKeys.effectiveness(range, funnelId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/marketing/effectiveness', {
          params: {
            query: { from: range.from, to: range.to, ...(funnelId ? { funnel_id: funnelId } : {}) },
          },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

/** The costs entered for the months, latest month first (every page: a month holds few). */
export function useCosts(range: MonthRange) {
  return useQuery({
    queryKey: marketingKeys.costs(range),
    queryFn: async ({ signal }) => {
      const items: MarketingCost[] = [];
      let cursor: string | null = null;
      do {
        const page: components['schemas']['CostPage'] = await unwrap(
          api.GET('/api/v1/marketing/costs', {
            params: { query: { from: range.from, to: range.to, limit: 200, cursor } },
            signal,
          }),
        );
        items.push(...page.items);
        cursor = page.next_cursor;
      } while (cursor);
      return items;
    },
  });
}

export function useCreateCost() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: (body: CostCreate) => unwrap(api.POST('/api/v1/marketing/costs', { body })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: marketingKeys.all }),
  });
}

/** A new amount or comment, at the version shown (a 412 says someone changed it meanwhile). */
export function useUpdateCost() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: ({ cost, body }: { cost: MarketingCost; body: CostUpdate }) =>
      unwrap(
        api.PATCH('/api/v1/marketing/costs/{cost_id}', {
          params: { path: { cost_id: cost.id }, header: { 'If-Match': `"v${cost.version}"` } },
          body,
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: marketingKeys.all }),
  });
}

export function useDeleteCost() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (cost: MarketingCost) =>
      unwrap(
        api.DELETE('/api/v1/marketing/costs/{cost_id}', {
          params: { path: { cost_id: cost.id }, header: { 'If-Match': `"v${cost.version}"` } },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: marketingKeys.all }),
  });
}
