import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

type Schemas = components['schemas'];
export type LeadReport = Schemas['LeadReport'];
export type CallReport = Schemas['CallReport'];
export type CallbackReport = Schemas['CallbackReport'];
export type ResponseReport = Schemas['ResponseReport'];
export type ReportPeriod = Schemas['ReportPeriod'];

export const REPORT_KINDS = ['leads', 'calls', 'missed-calls', 'response-times'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export type Grouping =
  Schemas['LeadDimension'] | Schemas['CallDimension'] | Schemas['CallbackDimension'];

/** The groupings each report offers, its default first (the API's default too). */
export const GROUPINGS: Record<ReportKind, readonly Grouping[]> = {
  leads: [
    'source',
    'campaign',
    'channel',
    'kind',
    'manager',
    'day',
  ] satisfies Schemas['LeadDimension'][],
  calls: [
    'tracking_number',
    'source',
    'campaign',
    'channel',
    'manager',
    'day',
    'client',
    'deal',
    'stale_deal',
  ] satisfies Schemas['CallDimension'][],
  'missed-calls': ['manager', 'tracking_number', 'day'] satisfies Schemas['CallbackDimension'][],
  'response-times': ['manager'],
};

export function isReportKind(value: string | null): value is ReportKind {
  return value !== null && (REPORT_KINDS as readonly string[]).includes(value);
}

export interface ReportQuery {
  kind: ReportKind;
  groupBy: Grouping;
  dateFrom: string | null;
  dateTo: string | null;
}

export type AnyReport = LeadReport | CallReport | CallbackReport | ResponseReport;

export const reportKeys = {
  all: ['intake', 'reports'] as const,
  report: (query: ReportQuery) => [...reportKeys.all, query] as const,
};

function fetchReport(query: ReportQuery, signal: AbortSignal): Promise<AnyReport> {
  const period = {
    ...(query.dateFrom ? { date_from: query.dateFrom } : {}),
    ...(query.dateTo ? { date_to: query.dateTo } : {}),
  };
  switch (query.kind) {
    case 'leads':
      return unwrap(
        api.GET('/api/v1/intake/reports/leads', {
          params: {
            query: { ...period, group_by: query.groupBy as Schemas['LeadDimension'] },
          },
          signal,
        }),
      );
    case 'calls':
      return unwrap(
        api.GET('/api/v1/intake/reports/calls', {
          params: {
            query: { ...period, group_by: query.groupBy as Schemas['CallDimension'] },
          },
          signal,
        }),
      );
    case 'missed-calls':
      return unwrap(
        api.GET('/api/v1/intake/reports/missed-calls', {
          params: {
            query: { ...period, group_by: query.groupBy as Schemas['CallbackDimension'] },
          },
          signal,
        }),
      );
    case 'response-times':
      return unwrap(
        api.GET('/api/v1/intake/reports/response-times', { params: { query: period }, signal }),
      );
  }
}

export function useIntakeReport(query: ReportQuery) {
  return useQuery({
    queryKey: reportKeys.report(query),
    queryFn: ({ signal }) => fetchReport(query, signal),
    // While another period loads, the figures of the last one stay on screen; another report
    // or grouping has other columns and labels, so it starts empty.
    placeholderData: (previous, previousQuery) => {
      const last = previousQuery?.queryKey[2];
      return last && last.kind === query.kind && last.groupBy === query.groupBy
        ? previous
        : undefined;
    },
  });
}
