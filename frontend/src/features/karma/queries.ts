import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

export type ClientKarma = components['schemas']['ClientKarmaRead'];
export type KarmaEntry = components['schemas']['KarmaEntryRead'];
export type KarmaRules = components['schemas']['KarmaRulesRead'];
export type KarmaRuleIn = components['schemas']['KarmaRuleIn'];
export type KarmaRuleKind = KarmaRuleIn['kind'];
export type KarmaFlag = components['schemas']['KarmaFlagRead'];
export type Job = components['schemas']['JobRead'];

export const KARMA_RULE_KINDS: readonly KarmaRuleKind[] = [
  'turnover',
  'profit',
  'lost_tender',
  'loss_making',
  'public_conflict',
];
/** Rules that count per so many units of money rather than per event. */
export const MONEY_RULES: readonly KarmaRuleKind[] = ['turnover', 'profit'];

export const karmaKeys = {
  all: ['karma'] as const,
  client: (clientId: string) => [...karmaKeys.all, 'client', clientId] as const,
  entries: (clientId: string) => [...karmaKeys.client(clientId), 'entries'] as const,
  deal: (dealId: string) => [...karmaKeys.all, 'deal', dealId] as const,
  rules: () => [...karmaKeys.all, 'rules'] as const,
  sectors: () => [...karmaKeys.all, 'sectors'] as const,
  job: (jobId: string) => [...karmaKeys.all, 'job', jobId] as const,
};

export function useClientKarma(clientId: string) {
  return useQuery({
    queryKey: karmaKeys.client(clientId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/clients/{client_id}/karma', {
          params: { path: { client_id: clientId } },
          signal,
        }),
      ),
  });
}

/** The latest entries (the card shows a handful; the history chart holds the rest). */
export function useClientKarmaEntries(clientId: string, limit = 10) {
  return useQuery({
    queryKey: karmaKeys.entries(clientId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/clients/{client_id}/karma/entries', {
          params: { path: { client_id: clientId }, query: { limit } },
          signal,
        }),
      ),
    select: (page) => page.items,
  });
}

function useInvalidateClient(clientId: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: karmaKeys.client(clientId) });
}

export function useAdjustKarma(clientId: string) {
  const invalidate = useInvalidateClient(clientId);
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: (body: components['schemas']['KarmaAdjustmentCreate']) =>
      unwrap(
        api.POST('/api/v1/clients/{client_id}/karma/adjustments', {
          params: { path: { client_id: clientId } },
          body,
        }),
      ),
    onSuccess: invalidate,
  });
}

export function usePublicConflict(clientId: string) {
  const invalidate = useInvalidateClient(clientId);
  return useMutation({
    mutationFn: async ({ on, note }: { on: boolean; note?: string }) => {
      const path = { path: { client_id: clientId } };
      if (on) {
        await unwrap(
          api.PUT('/api/v1/clients/{client_id}/karma/public-conflict', {
            params: path,
            body: { note: note || null },
          }),
        );
      } else {
        await unwrap(
          api.DELETE('/api/v1/clients/{client_id}/karma/public-conflict', { params: path }),
        );
      }
    },
    onSettled: invalidate,
  });
}

export function useDealKarmaFlags(dealId: string, enabled: boolean) {
  return useQuery({
    queryKey: karmaKeys.deal(dealId),
    enabled,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/deals/{deal_id}/karma/flags', {
          params: { path: { deal_id: dealId } },
          signal,
        }),
      ),
  });
}

export function useLossMaking(dealId: string, clientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (on: boolean) => {
      const params = { path: { deal_id: dealId } };
      if (on) {
        await unwrap(api.PUT('/api/v1/deals/{deal_id}/karma/loss-making', { params, body: {} }));
      } else {
        await unwrap(api.DELETE('/api/v1/deals/{deal_id}/karma/loss-making', { params }));
      }
    },
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: karmaKeys.deal(dealId) }),
        queryClient.invalidateQueries({ queryKey: karmaKeys.client(clientId) }),
      ]),
  });
}

export type SectorKarma = components['schemas']['SectorKarmaRead'];

/** The average karma of each sector's clients: what a new client of the sector is expected at. */
export function useKarmaSectors() {
  return useQuery({
    queryKey: karmaKeys.sectors(),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/karma/sectors', { signal })),
  });
}

export function useKarmaRules() {
  return useQuery({
    queryKey: karmaKeys.rules(),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/karma/rules', { signal })),
  });
}

export function useUpdateKarmaRules() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: ({ version, rules }: { version: number; rules: KarmaRuleIn[] }) =>
      unwrap(
        api.PUT('/api/v1/karma/rules', {
          params: { header: { 'If-Match': `"v${version}"` } },
          body: { rules },
        }),
      ),
    onSuccess: (saved) => {
      queryClient.setQueryData(karmaKeys.rules(), { ...saved, recalculation: null });
      return queryClient.invalidateQueries({ queryKey: karmaKeys.all, refetchType: 'none' });
    },
  });
}

/** A job's status, asked again every second until it has finished. */
export function useJob(jobId: string | null) {
  return useQuery({
    queryKey: karmaKeys.job(jobId ?? ''),
    enabled: jobId !== null,
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/jobs/{job_id}', { params: { path: { job_id: jobId! } }, signal })),
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status === 'done' || status === 'failed' ? false : 1000;
    },
  });
}
