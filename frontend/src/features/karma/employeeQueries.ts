import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { kpiKeys } from '../kpi/queries';
import { karmaKeys } from './queries';

export type MonthKarma = components['schemas']['MonthKarmaRead'];
export type EmployeeKarma = components['schemas']['EmployeeKarmaRead'];
export type KarmaPeriod = components['schemas']['KarmaPeriodRead'];
export type EmployeeKarmaRules = components['schemas']['EmployeeKarmaRulesRead'];
export type EmployeeKarmaRulesWrite = components['schemas']['EmployeeKarmaRulesWrite'];
export type Criterion = keyof components['schemas']['CriteriaWeights'];

/** The criteria in the order the screens list them (and the server checks them). */
export const CRITERIA: readonly Criterion[] = [
  'won_deal',
  'upsell',
  'promoter',
  'detractor',
  'plan_fulfilment',
  'overdue_task',
];
/** The server's bounds: a weight within ±WEIGHT_LIMIT, the bonus per point 0..RATE_LIMIT. */
export const WEIGHT_LIMIT = 10_000;
export const RATE_LIMIT = 1_000_000;

export const employeeKarmaKeys = {
  all: [...karmaKeys.all, 'employees'] as const,
  month: (month: string) => [...employeeKarmaKeys.all, 'month', month] as const,
  periods: () => [...employeeKarmaKeys.all, 'periods'] as const,
  rules: () => [...employeeKarmaKeys.all, 'rules'] as const,
};

/** Everyone's karma for the month the caller sees: live while open, frozen once closed. */
export function useMonthKarma(month: string) {
  return useQuery({
    queryKey: employeeKarmaKeys.month(month),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/karma/employees', { params: { query: { month } }, signal })),
  });
}

/** Closed months, latest first. */
export function useKarmaPeriods() {
  return useQuery({
    queryKey: employeeKarmaKeys.periods(),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/karma/periods', { signal })),
    select: (list) => list.items,
  });
}

/** Freezes the month (karma:manage); the answer is the month as closed. */
export function useCloseMonth() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: (month: string) =>
      unwrap(api.POST('/api/v1/karma/periods/{month}/close', { params: { path: { month } } })),
    onSuccess: (closed) => queryClient.setQueryData(employeeKarmaKeys.month(closed.month), closed),
    // A 409 may mean someone else closed it first: the month and the list are read again.
    onSettled: (_data, _error, month) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: employeeKarmaKeys.month(month) }),
        queryClient.invalidateQueries({ queryKey: employeeKarmaKeys.periods() }),
      ]),
  });
}

/** The name in a Content-Disposition header: the RFC 5987 `filename*` first, else `filename`. */
export function dispositionFilename(header: string | null): string | null {
  if (!header) return null;
  const encoded = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (encoded?.[1]) {
    try {
      return decodeURIComponent(encoded[1].trim());
    } catch {
      // A malformed escape: the plain name below will do.
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;]+)/i.exec(header);
  return (plain?.[1] ?? plain?.[2])?.trim() || null;
}

/** The closed month's bonus statement, fetched with the session's token and handed to the
 * browser as a download under the name the server gives it. */
export function useDownloadStatement() {
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: async (month: string) => {
      const result = await api.GET('/api/v1/karma/periods/{month}/bonus-statement.xlsx', {
        params: { path: { month } },
        parseAs: 'blob',
      });
      const blob = await unwrap(Promise.resolve(result));
      const filename =
        dispositionFilename(result.response.headers.get('Content-Disposition')) ??
        `bonus-statement-${month.slice(0, 7)}.xlsx`;
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = filename;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      return filename;
    },
  });
}

export function useEmployeeKarmaRules() {
  return useQuery({
    queryKey: employeeKarmaKeys.rules(),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/karma/employee-rules', { signal })),
  });
}

/** Saves the weights at the version read (a 412 when someone saved first); open months follow
 * at once, so their figures are read again. */
export function useSaveEmployeeKarmaRules() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: ({ version, body }: { version: number; body: EmployeeKarmaRulesWrite }) =>
      unwrap(
        api.PUT('/api/v1/karma/employee-rules', {
          params: { header: { 'If-Match': `"v${version}"` } },
          body,
        }),
      ),
    onSuccess: (saved) => {
      queryClient.setQueryData(employeeKarmaKeys.rules(), saved);
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: [...employeeKarmaKeys.all, 'month'] }),
        queryClient.invalidateQueries({ queryKey: [...kpiKeys.all, 'leaderboard'] }),
      ]);
    },
  });
}
