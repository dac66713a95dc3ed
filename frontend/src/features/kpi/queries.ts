import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import type { PeriodKind, PeriodValue } from './period';

export type Fulfilment = components['schemas']['FulfilmentRead'];
export type SubjectFulfilment = components['schemas']['SubjectFulfilmentRead'];
export type MetricFulfilment = components['schemas']['MetricFulfilmentRead'];
export type Metric = MetricFulfilment['metric'];
export type Leaderboard = components['schemas']['LeaderboardRead'];

export const kpiKeys = {
  all: ['kpi'] as const,
  fulfilment: (period: PeriodKind, start: string) =>
    [...kpiKeys.all, 'fulfilment', period, start] as const,
  leaderboard: (period: PeriodKind, start: string) =>
    [...kpiKeys.all, 'leaderboard', period, start] as const,
};

/** Plan against fact for the period: the rows the caller's scope shows. */
export function useFulfilment(period: PeriodKind, start: string) {
  return useQuery({
    queryKey: kpiKeys.fulfilment(period, start),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/kpi/fulfilment', { params: { query: { period, start } }, signal })),
  });
}

/** Everyone's turnover fulfilment for the period, ranked (open to the whole organisation);
 * `refetchInterval` keeps a board on a wall screen current. */
export function useLeaderboard(
  period: PeriodKind,
  start: string,
  { refetchInterval = false }: { refetchInterval?: number | false } = {},
) {
  return useQuery({
    queryKey: kpiKeys.leaderboard(period, start),
    refetchInterval,
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/kpi/leaderboard', { params: { query: { period, start } }, signal })),
  });
}

export interface PlanInput {
  period: PeriodValue;
  subject: { kind: 'user' | 'department'; id: string };
  metric: Metric;
  target: string;
}

/** Sets a subject's plan for the metric and period: the existing plan's target changes (at
 * the version read just before), or a new plan is made. */
export function useSavePlan() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: async ({ period, subject, metric, target }: PlanInput) => {
      const who = subject.kind === 'user' ? { user_id: subject.id } : { department_id: subject.id };
      const found = await unwrap(
        api.GET('/api/v1/kpi/plans', {
          params: {
            query: { period_kind: period.kind, period_start: period.start, metric, ...who },
          },
        }),
      );
      const existing = found.items[0];
      if (existing) {
        return unwrap(
          api.PATCH('/api/v1/kpi/plans/{plan_id}', {
            params: {
              path: { plan_id: existing.id },
              header: { 'If-Match': `"v${existing.version}"` },
            },
            body: { target },
          }),
        );
      }
      return unwrap(
        api.POST('/api/v1/kpi/plans', {
          body: { ...who, metric, period_kind: period.kind, period_start: period.start, target },
        }),
      );
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: kpiKeys.all }),
  });
}
