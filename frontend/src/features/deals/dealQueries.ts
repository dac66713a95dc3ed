import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { dealKeys, type Deal } from './queries';

export type DealUpdate = components['schemas']['DealUpdate'];
export type StageHistory = components['schemas']['StageHistoryRead'];
export type CustomField = components['schemas']['CustomFieldRead'];

/** The deal page's queries; the board's and the list's live in queries.ts. */
export const dealDetailKeys = {
  detail: (id: string) => [...dealKeys.all, 'detail', id] as const,
  history: (id: string) => [...dealKeys.all, 'history', id] as const,
  customFields: () => ['custom-fields', 'deal'] as const,
};

/** The ETag a deal read with `version` carries, for If-Match. */
export const etag = (version: number) => `"v${version}"`;

export function useDeal(id: string) {
  return useQuery({
    queryKey: dealDetailKeys.detail(id),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/deals/{deal_id}', { params: { path: { deal_id: id } }, signal })),
  });
}

/** The deal as the server has it now, bypassing the cache (to compare with a stale copy). */
export function fetchDeal(id: string) {
  return unwrap(api.GET('/api/v1/deals/{deal_id}', { params: { path: { deal_id: id } } }));
}

export function useStageHistory(id: string) {
  return useQuery({
    queryKey: dealDetailKeys.history(id),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/deals/{deal_id}/stage-history', {
          params: { path: { deal_id: id } },
          signal,
        }),
      ),
  });
}

export function useDealCustomFields() {
  return useQuery({
    queryKey: dealDetailKeys.customFields(),
    staleTime: 5 * 60_000,
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/custom-fields', { params: { query: { entity: 'deal' } }, signal })),
  });
}

/** After any change of a deal: its page shows the answer; boards, lists and history refetch. */
function useDealChanged() {
  const queryClient = useQueryClient();
  return (deal: Deal) => {
    queryClient.setQueryData(dealDetailKeys.detail(deal.id), deal);
    return Promise.all(
      [
        dealDetailKeys.history(deal.id),
        [...dealKeys.all, 'timeline', deal.id],
        dealKeys.boards(),
        [...dealKeys.all, 'list'],
        [...dealKeys.all, 'totals'],
      ].map((queryKey) => queryClient.invalidateQueries({ queryKey })),
    );
  };
}

/** PATCH /deals/{id} with If-Match: a 412 means someone changed the deal since it was read. */
export function useUpdateDeal() {
  const changed = useDealChanged();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: ({ deal, body }: { deal: Deal; body: DealUpdate }) =>
      unwrap(
        api.PATCH('/api/v1/deals/{deal_id}', {
          params: { path: { deal_id: deal.id }, header: { 'If-Match': etag(deal.version) } },
          body,
        }),
      ),
    onSuccess: changed,
  });
}

/** POST /deals/{id}/move with If-Match; a 422 lists the stage's missing requirements. */
export function useMoveDealFromPage() {
  const changed = useDealChanged();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: ({ deal, stageId }: { deal: Deal; stageId: string }) =>
      unwrap(
        api.POST('/api/v1/deals/{deal_id}/move', {
          params: { path: { deal_id: deal.id }, header: { 'If-Match': etag(deal.version) } },
          body: { stage_id: stageId },
        }),
      ),
    onSuccess: changed,
  });
}

/** Win or reopen with If-Match. */
export function useCloseDeal() {
  const changed = useDealChanged();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: ({ deal, action }: { deal: Deal; action: 'win' | 'reopen' }) => {
      const params = {
        path: { deal_id: deal.id },
        header: { 'If-Match': etag(deal.version) },
      };
      return unwrap(
        action === 'win'
          ? api.POST('/api/v1/deals/{deal_id}/win', { params })
          : api.POST('/api/v1/deals/{deal_id}/reopen', { params }),
      );
    },
    onSuccess: changed,
  });
}

/** Puts a deal the server answered with (e.g. after a move made elsewhere) on its page. */
export function useSetDeal() {
  return useDealChanged();
}
