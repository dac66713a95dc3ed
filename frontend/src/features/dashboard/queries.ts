import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import type { PeriodValue } from '../kpi/period';
import type { DashboardFilters } from './filters';

type Schemas = components['schemas'];
export type Fulfilment = Schemas['FulfilmentRead'];
export type SubjectFulfilment = Schemas['SubjectFulfilmentRead'];
export type Leaderboard = Schemas['LeaderboardRead'];
export type FunnelAnalytics = Schemas['FunnelAnalyticsRead'];
export type WorkTime = Schemas['WorkTimeRead'];
export type Effectiveness = Schemas['EffectivenessRead'];
export type AbcReport = Schemas['AbcReportRead'];
export type SleepingPage = Schemas['SleepingClientPage'];
export type Nps = Schemas['NpsRead'];

/** The sleeping clients the widget names; the page's total counts the rest. */
export const SLEEPING_SHOWN = 5;

export const dashboardKeys = {
  all: ['dashboard'] as const,
  fulfilment: (period: PeriodValue, departmentId: string | null) =>
    [...dashboardKeys.all, 'fulfilment', period, departmentId] as const,
  leaderboard: (period: PeriodValue) => [...dashboardKeys.all, 'leaderboard', period] as const,
  funnel: (filters: DashboardFilters) => [...dashboardKeys.all, 'funnel', filters] as const,
  workTime: (from: string, to: string, departmentId: string | null) =>
    [...dashboardKeys.all, 'work-time', from, to, departmentId] as const,
  marketing: (from: string, to: string, funnelId: string | null) =>
    [...dashboardKeys.all, 'marketing', from, to, funnelId] as const,
  abc: (from: string, to: string) => [...dashboardKeys.all, 'abc', from, to] as const,
  sleeping: () => [...dashboardKeys.all, 'sleeping'] as const,
  nps: (from: string, to: string) => [...dashboardKeys.all, 'nps', from, to] as const,
};

// A morning dashboard shows the figures as they are now: every visit asks again (a deal won a
// minute ago counts), the figures on screen stay while the new ones come.
const fresh = { staleTime: 0, placeholderData: keepPreviousData } as const;

/** Plan, fact and forecast per employee and department in the plan period (GET /kpi/fulfilment). */
export function useDashboardFulfilment(period: PeriodValue, departmentId: string | null) {
  return useQuery({
    ...fresh,
    queryKey: dashboardKeys.fulfilment(period, departmentId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/kpi/fulfilment', {
          params: {
            query: {
              period: period.kind,
              start: period.start,
              department_id: departmentId ?? undefined,
            },
          },
          signal,
        }),
      ),
  });
}

export function useDashboardLeaderboard(period: PeriodValue) {
  return useQuery({
    ...fresh,
    queryKey: dashboardKeys.leaderboard(period),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/kpi/leaderboard', {
          params: { query: { period: period.kind, start: period.start } },
          signal,
        }),
      ),
  });
}

/** Conversion, time in stage and loss reasons of the funnel's deals created in the period. */
export function useDashboardFunnel(filters: DashboardFilters) {
  return useQuery({
    ...fresh,
    queryKey: dashboardKeys.funnel(filters),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/analytics/funnel', {
          params: {
            query: {
              from: filters.from,
              to: filters.to,
              funnel_id: filters.funnelId ?? undefined,
              department_id: filters.departmentId ?? undefined,
              source: filters.source ?? undefined,
            },
          },
          signal,
        }),
      ),
  });
}

export function useDashboardWorkTime(filters: DashboardFilters) {
  return useQuery({
    ...fresh,
    queryKey: dashboardKeys.workTime(filters.from, filters.to, filters.departmentId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/analytics/work-time', {
          params: {
            query: {
              from: filters.from,
              to: filters.to,
              department_id: filters.departmentId ?? undefined,
            },
          },
          signal,
        }),
      ),
  });
}

/** Sources and campaigns over the period's whole months (reports:read or marketing:manage). */
export function useDashboardMarketing(filters: DashboardFilters) {
  return useQuery({
    ...fresh,
    queryKey: dashboardKeys.marketing(filters.from, filters.to, filters.funnelId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/marketing/effectiveness', {
          params: {
            query: {
              from: filters.from,
              to: filters.to,
              funnel_id: filters.funnelId ?? undefined,
            },
          },
          signal,
        }),
      ),
  });
}

/** The ABC classes' totals over the period (one row is enough: every page repeats them). */
export function useDashboardAbc(filters: DashboardFilters) {
  return useQuery({
    ...fresh,
    queryKey: dashboardKeys.abc(filters.from, filters.to),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/retention/abc', {
          params: { query: { from: filters.from, to: filters.to, limit: 1 } },
          signal,
        }),
      ),
  });
}

/** The few asleep longest, and how many sleep in all. */
export function useDashboardSleeping() {
  return useQuery({
    ...fresh,
    queryKey: dashboardKeys.sleeping(),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/retention/sleeping', {
          params: { query: { limit: SLEEPING_SHOWN } },
          signal,
        }),
      ),
  });
}

/** The net promoter score of the answers that came in the period, per account manager. */
export function useDashboardNps(filters: DashboardFilters) {
  return useQuery({
    ...fresh,
    queryKey: dashboardKeys.nps(filters.from, filters.to),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/kpi/nps', {
          params: { query: { from: filters.from, to: filters.to } },
          signal,
        }),
      ),
  });
}
