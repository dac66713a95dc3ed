import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

export type Lead = components['schemas']['LeadRead'];
export type LeadStatus = Lead['status'];
export type LeadCounts = components['schemas']['LeadCountsRead'];
/** "all" leads the caller sees, the free ones, or the caller's own. */
export type AssigneeView = 'all' | 'none' | 'me';

export interface LeadFilters {
  status: LeadStatus;
  assignee: AssigneeView;
  kind: 'all' | 'form' | 'telephony' | 'api';
}

export const leadKeys = {
  all: ['leads'] as const,
  list: (filters: LeadFilters) => [...leadKeys.all, 'list', filters] as const,
  counts: () => [...leadKeys.all, 'counts'] as const,
};

const PAGE_SIZE = 50;
/** New leads arrive without anyone asking: the inbox and its badge look again this often. */
export const LEADS_REFRESH_MS = 5_000;
const COUNTS_REFRESH_MS = 20_000;

export function useLeads(filters: LeadFilters) {
  return useInfiniteQuery({
    queryKey: leadKeys.list(filters),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/intake/leads', {
          params: {
            query: {
              limit: PAGE_SIZE,
              status: [filters.status],
              ...(filters.assignee === 'all' ? {} : { assignee: filters.assignee }),
              ...(filters.kind === 'all' ? {} : { kind: [filters.kind] }),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
          signal,
        }),
      ),
    getNextPageParam: (last) => last.next_cursor,
    refetchInterval: LEADS_REFRESH_MS,
  });
}

export function useLeadCounts(enabled: boolean) {
  return useQuery({
    queryKey: leadKeys.counts(),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/intake/leads/counts', { signal })),
    enabled,
    refetchInterval: COUNTS_REFRESH_MS,
  });
}

/** The badge: the leads waiting for anyone, and those waiting for the caller. */
export function waitingCount(counts: LeadCounts | undefined): number {
  return counts ? counts.unassigned + counts.mine : 0;
}

type Action = 'take' | 'convert' | 'spam';

export function useLeadAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ lead, action }: { lead: Lead; action: Action }) => {
      const params = {
        path: { lead_id: lead.id },
        header: { 'If-Match': `"v${lead.version}"` },
      };
      if (action === 'take') {
        return unwrap(api.POST('/api/v1/intake/leads/{lead_id}/take', { params }));
      }
      if (action === 'convert') {
        return unwrap(api.POST('/api/v1/intake/leads/{lead_id}/convert', { params }));
      }
      return unwrap(api.POST('/api/v1/intake/leads/{lead_id}/spam', { params }));
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: leadKeys.all }),
  });
}

export function useAssignLead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ lead, assigneeId }: { lead: Lead; assigneeId: string }) =>
      unwrap(
        api.POST('/api/v1/intake/leads/{lead_id}/assign', {
          params: { path: { lead_id: lead.id }, header: { 'If-Match': `"v${lead.version}"` } },
          body: { assignee_id: assigneeId },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: leadKeys.all }),
  });
}

/** 1:05:09 or 5:09: a span of time the same way in every language. */
export function clock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0
    ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}`
    : `${minutes}:${seconds}`;
}
