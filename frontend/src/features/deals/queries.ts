import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

export type Deal = components['schemas']['DealRead'];
export type Funnel = components['schemas']['FunnelRead'];
export type Board = components['schemas']['BoardRead'];
export type BoardColumnPage = components['schemas']['BoardColumnPage'];
export type DealLose = components['schemas']['DealLose'];
export type DealCreate = components['schemas']['DealCreate'];
export type DealStatus = components['schemas']['DealStatus'];
export type DealSort = components['schemas']['DealSort'];
/** GET /deals/totals: per currency; `exact` false when the figures are an estimate. */
export type DealTotals = components['schemas']['DealTotalsRead'];

export const DEAL_STATUSES = ['open', 'won', 'lost'] as const satisfies readonly DealStatus[];
export const DEAL_SORTS = [
  'created_at',
  '-created_at',
  'updated_at',
  '-updated_at',
  'amount',
  '-amount',
  'expected_close_date',
  '-expected_close_date',
] as const satisfies readonly DealSort[];
export const DEFAULT_DEAL_SORT: DealSort = '-created_at';

/** What the board and the list show: the same filters select the same deals in both. */
export interface DealFilters {
  funnelId: string;
  /** Any of these people (a head's team filter); empty: everyone the caller may see. */
  responsibleIds: string[];
  /** Any of these sources. */
  sources: string[];
  /** Deals of clients with any of these tags. */
  tags: string[];
  /** true: past the stage's day limit; false: within it; null: either. */
  stale: boolean | null;
  /** Open deals without an open task. */
  withoutNextTask: boolean;
  /** Deals that entered this stage at any time, as the funnel analytics count "reached". */
  reachedStageId: string | null;
  /** The responsible is in this department or one below it (within what the caller sees). */
  departmentId: string | null;
  lossReasonId: string | null;
  /** Days of the organisation's calendar, both ends inclusive (a dashboard figure's period). */
  createdFrom: string | null;
  createdTo: string | null;
  closedFrom: string | null;
  closedTo: string | null;
  q: string;
}

/** The list's filters on top of the board's (the board's columns are its stages, open deals). */
export interface DealListFilters extends DealFilters {
  stageId: string | null;
  status: DealStatus | null;
}

const LIST_PAGE_SIZE = 100;

export const dealKeys = {
  all: ['deals'] as const,
  funnels: () => [...dealKeys.all, 'funnels'] as const,
  boards: () => [...dealKeys.all, 'board'] as const,
  board: (filters: DealFilters) => [...dealKeys.boards(), filters] as const,
  column: (filters: DealFilters, stageId: string, cursor: string | null) =>
    [...dealKeys.boards(), filters, 'column', stageId, cursor] as const,
  lists: () => [...dealKeys.all, 'list'] as const,
  list: (filters: DealListFilters, sort: DealSort) => [...dealKeys.lists(), filters, sort] as const,
  // Keyed by the filters alone: paging and sorting the list never ask for the totals again.
  allTotals: () => [...dealKeys.all, 'totals'] as const,
  totals: (filters: DealListFilters) => [...dealKeys.allTotals(), filters] as const,
  lossReasons: () => [...dealKeys.all, 'loss-reasons'] as const,
};

/** The board's query parameters for these filters (the funnel is in its path). */
export function boardQuery(filters: DealFilters) {
  const many = (values: string[]) => (values.length > 0 ? values : undefined);
  return {
    responsible_id: many(filters.responsibleIds),
    source_channel: many(filters.sources),
    tag: many(filters.tags),
    stale: filters.stale ?? undefined,
    without_next_task: filters.withoutNextTask || undefined,
    reached_stage_id: filters.reachedStageId ?? undefined,
    department_id: filters.departmentId ?? undefined,
    loss_reason_id: filters.lossReasonId ? [filters.lossReasonId] : undefined,
    created_on_from: filters.createdFrom ?? undefined,
    created_on_to: filters.createdTo ?? undefined,
    closed_from: filters.closedFrom ?? undefined,
    closed_to: filters.closedTo ?? undefined,
    q: filters.q || undefined,
  };
}

/** The query parameters of GET /deals and GET /deals/totals for these filters. */
export function listQuery(filters: DealListFilters) {
  return {
    ...boardQuery(filters),
    funnel_id: filters.funnelId,
    stage_id: filters.stageId ? [filters.stageId] : undefined,
    status: filters.status ? [filters.status] : undefined,
  };
}

export function useFunnels() {
  return useQuery({
    queryKey: dealKeys.funnels(),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/funnels', { signal })),
  });
}

export function useBoard(filters: DealFilters) {
  return useQuery({
    queryKey: dealKeys.board(filters),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/funnels/{funnel_id}/board', {
          params: { path: { funnel_id: filters.funnelId }, query: boardQuery(filters) },
          signal,
        }),
      ),
  });
}

/** The cards of one board column after the board's first ones, page by page on demand
 * (GET /funnels/{id}/board/columns/{stage}); keyed by the board's cursor, so a refetched
 * board starts the column over. */
export function useBoardColumnPages(filters: DealFilters, stageId: string, cursor: string | null) {
  return useInfiniteQuery({
    queryKey: dealKeys.column(filters, stageId, cursor),
    enabled: false,
    initialPageParam: cursor ?? '',
    getNextPageParam: (last: BoardColumnPage) => last.next_cursor ?? undefined,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/funnels/{funnel_id}/board/columns/{column_id}', {
          params: {
            path: { funnel_id: filters.funnelId, column_id: stageId },
            query: { ...boardQuery(filters), cursor: pageParam, limit: 20 },
          },
          signal,
        }),
      ),
  });
}

/** The visible deals matching the filters in the chosen order, a keyset page at a time. */
export function useDeals(filters: DealListFilters, sort: DealSort) {
  return useInfiniteQuery({
    queryKey: dealKeys.list(filters, sort),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/deals', {
          params: {
            query: { ...listQuery(filters), sort, limit: LIST_PAGE_SIZE, cursor: pageParam },
          },
          signal,
        }),
      ),
    getNextPageParam: (page) => page.next_cursor,
    // A new filter or order keeps the previous rows on screen until the new ones arrive.
    placeholderData: keepPreviousData,
  });
}

/** Count, amount and weighted amount per currency of everything the filters select, asked
 * once per filter (GET /deals/totals), never per page. */
export function useDealTotals(filters: DealListFilters) {
  return useQuery({
    queryKey: dealKeys.totals(filters),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/deals/totals', { params: { query: listQuery(filters) }, signal })),
    placeholderData: keepPreviousData,
  });
}

/** Colleagues whose name or e-mail holds `q`, for choosing a responsible; with `dealOwners`,
 * only those whose deals the caller may see (a head's team, a seller alone). */
export function useUserSearch(q: string, { dealOwners = false }: { dealOwners?: boolean } = {}) {
  return useQuery({
    queryKey: ['users', 'search', q, dealOwners] as const,
    staleTime: 5 * 60_000,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/users', {
          params: {
            query: {
              q: q || undefined,
              is_active: true,
              owners_of: dealOwners ? 'deals' : undefined,
              limit: 20,
            },
          },
          signal,
        }),
      ),
    select: (page) => page.items,
    placeholderData: keepPreviousData,
  });
}

/** Clients whose name holds `q`, for the client of a deal added on the board. */
export function useClientSearch(q: string) {
  return useQuery({
    queryKey: ['clients', 'search', q] as const,
    staleTime: 60_000,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/clients', {
          params: { query: { q: q || undefined, limit: 20 } },
          signal,
        }),
      ),
    select: (page) => page.items,
    placeholderData: keepPreviousData,
  });
}

export function useLossReasons() {
  return useQuery({
    queryKey: dealKeys.lossReasons(),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/loss-reasons', { signal })),
  });
}

/** GET /deals/export: the list's deals (its filters and order) as a file, downloaded with the
 * session's token. */
export function useExportDeals() {
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: async ({
      filters,
      sort,
      format,
    }: {
      filters: DealListFilters;
      sort: DealSort;
      format: 'csv' | 'xlsx';
    }) => {
      const blob = await unwrap(
        api.GET('/api/v1/deals/export', {
          params: { query: { ...listQuery(filters), sort, format } },
          parseAs: 'blob',
        }),
      );
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `deals.${format}`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
  });
}

/** Stage moves and closings change counts and sums of whole columns and lists: the boards,
 * the lists and their totals are refetched. */
function useInvalidateBoards() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all(
      [dealKeys.boards(), dealKeys.lists(), dealKeys.allTotals()].map((queryKey) =>
        queryClient.invalidateQueries({ queryKey }),
      ),
    );
}

/** POST /deals/{id}/move with If-Match on the version the card shows: a deal changed
 * meanwhile is refused (412) rather than moved blindly. The board explains refusals itself. */
export function useMoveDeal() {
  const invalidateBoards = useInvalidateBoards();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: ({ deal, stageId }: { deal: Deal; stageId: string }) =>
      unwrap(
        api.POST('/api/v1/deals/{deal_id}/move', {
          params: { path: { deal_id: deal.id }, header: { 'If-Match': `"v${deal.version}"` } },
          body: { stage_id: stageId },
        }),
      ),
    onSettled: invalidateBoards,
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
