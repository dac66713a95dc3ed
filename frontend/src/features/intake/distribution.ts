import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

export type Rule = components['schemas']['RuleRead'];
export type RuleCreate = components['schemas']['RuleCreate'];
export type RuleUpdate = components['schemas']['RuleUpdate'];
export type Workload = components['schemas']['WorkloadRead'];
export type ManagerLoad = components['schemas']['ManagerLoadRead'];
export type WorkloadCard = components['schemas']['WorkloadCardRead'];

export const distributionKeys = {
  all: ['distribution'] as const,
  rules: () => [...distributionKeys.all, 'rules'] as const,
  workload: () => [...distributionKeys.all, 'workload'] as const,
};

/** Rules are few (an organisation sets up a handful): one page of up to 200. */
export function useRules() {
  return useQuery({
    queryKey: distributionKeys.rules(),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/intake/distribution-rules', { params: { query: { limit: 200 } }, signal }),
      ),
  });
}

export function useSaveRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, version, body }: { id?: string; version?: number; body: RuleCreate }) =>
      id
        ? unwrap(
            api.PATCH('/api/v1/intake/distribution-rules/{rule_id}', {
              params: { path: { rule_id: id }, header: { 'If-Match': `"v${version}"` } },
              body: body,
            }),
          )
        : unwrap(api.POST('/api/v1/intake/distribution-rules', { body })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: distributionKeys.rules() }),
  });
}

export function useDeleteRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(
        api.DELETE('/api/v1/intake/distribution-rules/{rule_id}', {
          params: { path: { rule_id: id } },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: distributionKeys.rules() }),
  });
}

/** The team's load; re-read every minute while the screen is open. */
export function useWorkload() {
  return useQuery({
    queryKey: distributionKeys.workload(),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/intake/workload', { signal })),
    refetchInterval: 60_000,
  });
}

/** Gives a deal (and its open lead) to someone else: the deals API, If-Match on its version. */
export function useGiveDeal() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ card, to }: { card: WorkloadCard; to: string }) =>
      unwrap(
        api.PATCH('/api/v1/deals/{deal_id}', {
          params: { path: { deal_id: card.deal_id }, header: { 'If-Match': `"v${card.version}"` } },
          body: { responsible_id: to },
        }),
      ),
    onMutate: async ({ card, to }) => {
      await queryClient.cancelQueries({ queryKey: distributionKeys.workload() });
      const before = queryClient.getQueryData<Workload>(distributionKeys.workload());
      if (before) {
        queryClient.setQueryData<Workload>(distributionKeys.workload(), moveCard(before, card, to));
      }
      return { before };
    },
    onError: (_error, _vars, context) => {
      if (context?.before) queryClient.setQueryData(distributionKeys.workload(), context.before);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: distributionKeys.all }),
  });
}

/** The view with the card shown in its new column at once (the server confirms after). */
export function moveCard(view: Workload, card: WorkloadCard, to: string): Workload {
  const lead = card.from_lead ? 1 : 0;
  return {
    managers: view.managers.map((manager) => {
      const had = manager.deals.some((d) => d.deal_id === card.deal_id);
      if (had && manager.user_id !== to) {
        return {
          ...manager,
          open_deals: manager.open_deals - 1,
          open_leads: manager.open_leads - lead,
          deals: manager.deals.filter((d) => d.deal_id !== card.deal_id),
        };
      }
      if (manager.user_id === to && !had) {
        return {
          ...manager,
          open_deals: manager.open_deals + 1,
          open_leads: manager.open_leads + lead,
          deals: [card, ...manager.deals],
        };
      }
      return manager;
    }),
  };
}
