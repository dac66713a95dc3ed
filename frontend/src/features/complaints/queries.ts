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
export type Complaint = Schemas['ComplaintRead'];
export type ComplaintCreate = Schemas['ComplaintCreate'];
export type ComplaintUpdate = Schemas['ComplaintUpdate'];
export type ComplaintKind = Schemas['ComplaintKind'];
export type ComplaintStatus = Schemas['ComplaintStatus'];
export type ComplaintReport = Schemas['ComplaintReportRead'];

export const COMPLAINT_KINDS: readonly ComplaintKind[] = [
  'quality',
  'delivery',
  'billing',
  'service',
  'other',
];
export const COMPLAINT_STATUSES: readonly ComplaintStatus[] = [
  'new',
  'in_work',
  'resolved',
  'rejected',
];
export const STATUS_COLORS: Record<ComplaintStatus, string> = {
  new: 'blue',
  in_work: 'yellow',
  resolved: 'green',
  rejected: 'gray',
};

// The bounds the server checks (domain/complaints/model.py).
export const DESCRIPTION_MAX = 5000;
export const RESOLUTION_MAX = 5000;
export const DEADLINE_MAX_DAYS = 366;

const PAGE_SIZE = 50;
const etag = (version: number) => ({ 'If-Match': `"v${version}"` });

export interface ComplaintFilters {
  statuses: ComplaintStatus[];
  kinds: ComplaintKind[];
  ownerId: string | null;
  clientId: string | null;
  dealId: string | null;
  /** true: only overdue ones; null: all. */
  overdue: boolean | null;
}

export const NO_FILTERS: ComplaintFilters = {
  statuses: [],
  kinds: [],
  ownerId: null,
  clientId: null,
  dealId: null,
  overdue: null,
};

export const complaintKeys = {
  all: ['complaints'] as const,
  list: (filters: ComplaintFilters) => [...complaintKeys.all, 'list', filters] as const,
  detail: (id: string) => [...complaintKeys.all, 'detail', id] as const,
  report: (from: string, to: string) => [...complaintKeys.all, 'report', from, to] as const,
};

/** Complaints of the owners the caller sees, earliest deadline first, a page at a time. */
export function useComplaints(filters: ComplaintFilters, enabled = true) {
  return useInfiniteQuery({
    queryKey: complaintKeys.list(filters),
    initialPageParam: null as string | null,
    enabled,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/complaints', {
          params: {
            query: {
              status: filters.statuses.length ? filters.statuses : undefined,
              kind: filters.kinds.length ? filters.kinds : undefined,
              owner_id: filters.ownerId ? [filters.ownerId] : undefined,
              client_id: filters.clientId ?? undefined,
              deal_id: filters.dealId ?? undefined,
              overdue: filters.overdue ?? undefined,
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

export function useComplaint(id: string | null) {
  return useQuery({
    queryKey: complaintKeys.detail(id ?? ''),
    enabled: id !== null,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/complaints/{complaint_id}', {
          params: { path: { complaint_id: id ?? '' } },
          signal,
        }),
      ),
  });
}

function useComplaintMutation<V>(mutationFn: (variables: V) => Promise<Complaint>) {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn,
    onSuccess: (saved) => {
      queryClient.setQueryData(complaintKeys.detail(saved.id), saved);
    },
    // Lists, the report and the timelines (a status change is a timeline item) follow.
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: complaintKeys.all }),
        queryClient.invalidateQueries({ queryKey: ['deals', 'timeline'] }),
        queryClient.invalidateQueries({ queryKey: ['clients', 'timeline'] }),
      ]),
  });
}

export function useCreateComplaint() {
  return useComplaintMutation((body: ComplaintCreate) =>
    unwrap(api.POST('/api/v1/complaints', { body })),
  );
}

export function useUpdateComplaint() {
  return useComplaintMutation(
    ({ complaint, body }: { complaint: Complaint; body: ComplaintUpdate }) =>
      unwrap(
        api.PATCH('/api/v1/complaints/{complaint_id}', {
          params: { path: { complaint_id: complaint.id }, header: etag(complaint.version) },
          body,
        }),
      ),
  );
}

export type ComplaintAction = 'take' | 'resolve' | 'reject';

export function useComplaintAction() {
  return useComplaintMutation(
    ({
      complaint,
      action,
      resolution,
    }: {
      complaint: Complaint;
      action: ComplaintAction;
      resolution?: string;
    }) => {
      const params = {
        path: { complaint_id: complaint.id },
        header: etag(complaint.version),
      };
      if (action === 'take') {
        return unwrap(api.POST('/api/v1/complaints/{complaint_id}/take', { params }));
      }
      const body = { resolution: resolution ?? '' };
      return action === 'resolve'
        ? unwrap(api.POST('/api/v1/complaints/{complaint_id}/resolve', { params, body }))
        : unwrap(api.POST('/api/v1/complaints/{complaint_id}/reject', { params, body }));
    },
  );
}

export function useComplaintReport(from: string, to: string) {
  return useQuery({
    queryKey: complaintKeys.report(from, to),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/complaints/report', { params: { query: { from, to } }, signal })),
    placeholderData: keepPreviousData,
  });
}

/** Whole days from today to the deadline (negative when past), in the browser's calendar. */
export function daysLeft(deadline: string, today: Date = new Date()): number {
  const [y, m, d] = deadline.split('-').map(Number);
  const end = Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1);
  const now = Date.UTC(today.getFullYear(), today.getMonth(), today.getDate());
  return Math.round((end - now) / 86_400_000);
}
