import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

type Schemas = components['schemas'];
export type AbcReport = Schemas['AbcReportRead'];
export type AbcRow = Schemas['AbcRowRead'];
export type AbcClassTotal = Schemas['AbcClassRead'];
export type AbcBasis = Schemas['AbcBasis'];
export type AbcClass = Schemas['AbcClass'];
export type SleepingClient = Schemas['SleepingClientRead'];
export type SleepingPage = Schemas['SleepingClientPage'];
export type RetentionSettings = Schemas['RetentionSettingsRead'];
export type RetentionSettingsWrite = Schemas['RetentionSettingsWrite'];
export type CrossSellRule = Schemas['CrossSellRuleRead'];
export type CrossSellRuleCreate = Schemas['CrossSellRuleCreate'];
export type CrossSellRuleUpdate = Schemas['CrossSellRuleUpdate'];

export const ABC_BASES: readonly AbcBasis[] = ['turnover', 'margin'];
export const ABC_CLASSES: readonly AbcClass[] = ['A', 'B', 'C'];

// The bounds the server checks (domain/retention/model.py), checked as the user types too.
export const DAYS_MAX = 3650;
export const SEGMENTS_MAX = 50;
export const SEGMENT_MAX_LENGTH = 100;
export const PATTERN_MAX_LENGTH = 200;
export const SUGGESTION_MAX_LENGTH = 300;

const PAGE_SIZE = 50;
const etag = (version: number) => ({ 'If-Match': `"v${version}"` });

export interface AbcFilters {
  basis: AbcBasis;
  /** Empty: the server's default period (the year up to today). */
  from: string | null;
  to: string | null;
  abcClass: AbcClass | null;
}

export interface SleepingFilters {
  segment: string | null;
  responsibleId: string | null;
}

export const retentionKeys = {
  all: ['retention'] as const,
  abc: (filters: AbcFilters) => [...retentionKeys.all, 'abc', filters] as const,
  sleeping: (filters: SleepingFilters) => [...retentionKeys.all, 'sleeping', filters] as const,
  settings: () => [...retentionKeys.all, 'settings'] as const,
  rules: () => [...retentionKeys.all, 'cross-sell-rules'] as const,
};

/** The ABC report a page at a time: every page repeats the classes' totals, the rows go on. */
export function useAbcReport(filters: AbcFilters) {
  return useInfiniteQuery({
    queryKey: retentionKeys.abc(filters),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/retention/abc', {
          params: {
            query: {
              basis: filters.basis,
              from: filters.from ?? undefined,
              to: filters.to ?? undefined,
              class: filters.abcClass ?? undefined,
              limit: PAGE_SIZE,
              cursor: pageParam ?? undefined,
            },
          },
          signal,
        }),
      ),
    getNextPageParam: (page) => page.next_cursor,
    // A changed filter keeps the previous figures on screen until the new ones arrive.
    placeholderData: keepPreviousData,
  });
}

/** Current and permanent clients without a purchase for longer than their limit. */
export function useSleepingClients(filters: SleepingFilters) {
  return useInfiniteQuery({
    queryKey: retentionKeys.sleeping(filters),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/retention/sleeping', {
          params: {
            query: {
              segment: filters.segment ?? undefined,
              responsible_id: filters.responsibleId ?? undefined,
              limit: PAGE_SIZE,
              cursor: pageParam ?? undefined,
            },
          },
          signal,
        }),
      ),
    getNextPageParam: (page) => page.next_cursor,
    placeholderData: keepPreviousData,
  });
}

/** The organisation's ABC shares and sleeping days (the defaults at version 0). */
export function useRetentionSettings() {
  return useQuery({
    queryKey: retentionKeys.settings(),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/retention/settings', { signal })),
  });
}

/** Saves the settings at the version read; the reports and lists are read again after. */
export function useSaveRetentionSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: ({ version, body }: { version: number; body: RetentionSettingsWrite }) =>
      unwrap(
        api.PUT('/api/v1/retention/settings', {
          params: { header: etag(version) },
          body,
        }),
      ),
    // The classes and the sleeping limits follow the saved figures. A refused save (a 412:
    // someone else saved first) leaves the form as typed until its reader reloads it.
    onSuccess: (saved) => {
      queryClient.setQueryData(retentionKeys.settings(), saved);
      return Promise.all(
        (['abc', 'sleeping'] as const).map((part) =>
          queryClient.invalidateQueries({ queryKey: [...retentionKeys.all, part] }),
        ),
      );
    },
  });
}

export function useCrossSellRules() {
  return useQuery({
    queryKey: retentionKeys.rules(),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/retention/cross-sell-rules', { signal })),
    select: (list) => list.items,
  });
}

function useRuleMutation<TVars, TData>(mutationFn: (vars: TVars) => Promise<TData>) {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn,
    onSettled: () => queryClient.invalidateQueries({ queryKey: retentionKeys.rules() }),
  });
}

export function useCreateCrossSellRule() {
  return useRuleMutation((body: CrossSellRuleCreate) =>
    unwrap(api.POST('/api/v1/retention/cross-sell-rules', { body })),
  );
}

export function useUpdateCrossSellRule() {
  return useRuleMutation(({ rule, body }: { rule: CrossSellRule; body: CrossSellRuleUpdate }) =>
    unwrap(
      api.PATCH('/api/v1/retention/cross-sell-rules/{rule_id}', {
        params: { path: { rule_id: rule.id }, header: etag(rule.version) },
        body,
      }),
    ),
  );
}

export function useDeleteCrossSellRule() {
  return useRuleMutation((rule: CrossSellRule) =>
    unwrap(
      api.DELETE('/api/v1/retention/cross-sell-rules/{rule_id}', {
        params: { path: { rule_id: rule.id }, header: etag(rule.version) },
      }),
    ),
  );
}
