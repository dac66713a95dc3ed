import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

export type Deal = components['schemas']['DealRead'];
export type Funnel = components['schemas']['FunnelRead'];
export type Board = components['schemas']['BoardRead'];
export type BoardColumnPage = components['schemas']['BoardColumnPage'];
export type DealLose = components['schemas']['DealLose'];
export type DealCreate = components['schemas']['DealCreate'];

export const dealKeys = {
  all: ['deals'] as const,
  funnels: () => [...dealKeys.all, 'funnels'] as const,
  boards: () => [...dealKeys.all, 'board'] as const,
  board: (funnelId: string) => [...dealKeys.boards(), funnelId] as const,
  column: (funnelId: string, stageId: string, cursor: string | null) =>
    [...dealKeys.boards(), funnelId, 'column', stageId, cursor] as const,
  lossReasons: () => [...dealKeys.all, 'loss-reasons'] as const,
};

export function useFunnels() {
  return useQuery({
    queryKey: dealKeys.funnels(),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/funnels', { signal })),
  });
}

export function useBoard(funnelId: string | null) {
  return useQuery({
    queryKey: dealKeys.board(funnelId ?? ''),
    enabled: funnelId !== null,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/funnels/{funnel_id}/board', {
          params: { path: { funnel_id: funnelId! } },
          signal,
        }),
      ),
  });
}

/** The cards of one board column after the board's first ones, page by page on demand
 * (GET /funnels/{id}/board/columns/{stage}); keyed by the board's cursor, so a refetched
 * board starts the column over. */
export function useBoardColumnPages(funnelId: string, stageId: string, cursor: string | null) {
  return useInfiniteQuery({
    queryKey: dealKeys.column(funnelId, stageId, cursor),
    enabled: false,
    initialPageParam: cursor ?? '',
    getNextPageParam: (last: BoardColumnPage) => last.next_cursor ?? undefined,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/funnels/{funnel_id}/board/columns/{column_id}', {
          params: {
            path: { funnel_id: funnelId, column_id: stageId },
            query: { cursor: pageParam, limit: 20 },
          },
          signal,
        }),
      ),
  });
}

export function useLossReasons() {
  return useQuery({
    queryKey: dealKeys.lossReasons(),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/loss-reasons', { signal })),
  });
}

/** Stage moves and closings change counts and sums of whole columns: the boards are refetched. */
function useInvalidateBoards() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: dealKeys.boards() });
}

/** POST /deals/{id}/move. The board explains a refusal (missing documents, fields) itself. */
export function useMoveDeal() {
  const invalidateBoards = useInvalidateBoards();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: ({ dealId, stageId }: { dealId: string; stageId: string }) =>
      unwrap(
        api.POST('/api/v1/deals/{deal_id}/move', {
          params: { path: { deal_id: dealId } },
          body: { stage_id: stageId },
        }),
      ),
    onSuccess: invalidateBoards,
  });
}

export function useWinDeal() {
  const invalidateBoards = useInvalidateBoards();
  return useMutation({
    mutationFn: (dealId: string) =>
      unwrap(api.POST('/api/v1/deals/{deal_id}/win', { params: { path: { deal_id: dealId } } })),
    onSuccess: invalidateBoards,
  });
}

export function useLoseDeal() {
  const invalidateBoards = useInvalidateBoards();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: ({ dealId, ...body }: DealLose & { dealId: string }) =>
      unwrap(
        api.POST('/api/v1/deals/{deal_id}/lose', { params: { path: { deal_id: dealId } }, body }),
      ),
    onSuccess: invalidateBoards,
  });
}

/** POST /deals. The new deal lands on a board, so the boards are refetched. */
export function useCreateDeal() {
  const invalidateBoards = useInvalidateBoards();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: (body: DealCreate) => unwrap(api.POST('/api/v1/deals', { body })),
    onSuccess: invalidateBoards,
  });
}
