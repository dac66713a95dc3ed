import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { ApiError } from '../../api/problem';
import type { components } from '../../api/schema';

export type Client = components['schemas']['ClientRead'];
export type RelationshipType = Client['relationship_type'];
export type Temperature = Client['temperature'];
export type TimelineItem = components['schemas']['TimelineItemRead'];
export type ClientCreate = components['schemas']['ClientCreate'];
export type ClientKind = NonNullable<ClientCreate['kind']>;
/** A record the server found similar to the one being created (409 `candidates`). */
export type DuplicateCandidate = components['schemas']['DuplicateCandidateRead'] & {
  /** Not in the schema today; shown when a server sends it, else the name is looked up. */
  responsible_name?: string | null;
};

export const RELATIONSHIP_TYPES = [
  'cold',
  'potential',
  'current',
  'permanent',
] as const satisfies readonly RelationshipType[];
export const TEMPERATURES = ['hot', 'warm', 'cold'] as const satisfies readonly Temperature[];
export const CLIENT_KINDS = ['company', 'person'] as const satisfies readonly ClientKind[];

export interface ClientFilters {
  q: string;
  relationshipType: RelationshipType | null;
  temperature: Temperature | null;
}

const PAGE_SIZE = 50;

export const clientKeys = {
  all: ['clients'] as const,
  lists: () => [...clientKeys.all, 'list'] as const,
  list: (filters: ClientFilters) => [...clientKeys.lists(), filters] as const,
  detail: (id: string) => [...clientKeys.all, 'detail', id] as const,
  timeline: (id: string) => [...clientKeys.all, 'timeline', id] as const,
};

/** The visible clients matching the filters, a keyset page at a time. */
export function useClients(filters: ClientFilters) {
  return useInfiniteQuery({
    queryKey: clientKeys.list(filters),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/clients', {
          params: {
            query: {
              limit: PAGE_SIZE,
              cursor: pageParam,
              q: filters.q || undefined,
              relationship_type: filters.relationshipType ? [filters.relationshipType] : undefined,
              temperature: filters.temperature ? [filters.temperature] : undefined,
            },
          },
          signal,
        }),
      ),
    getNextPageParam: (page) => page.next_cursor,
    // Typing in the search box keeps the previous rows on screen until the new ones arrive.
    placeholderData: keepPreviousData,
  });
}

export function useClient(id: string) {
  return useQuery({
    queryKey: clientKeys.detail(id),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/clients/{client_id}', { params: { path: { client_id: id } }, signal }),
      ),
  });
}

/** Events of the client and its deals, newest first. */
export function useClientTimeline(id: string) {
  return useInfiniteQuery({
    queryKey: clientKeys.timeline(id),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/clients/{client_id}/timeline', {
          params: { path: { client_id: id }, query: { limit: 20, cursor: pageParam } },
          signal,
        }),
      ),
    getNextPageParam: (page) => page.next_cursor,
  });
}

/** A colleague's name, for "responsible" fields that carry only an id. */
export function useUserName(id: string | undefined) {
  return useQuery({
    queryKey: ['users', 'detail', id] as const,
    enabled: Boolean(id),
    staleTime: 5 * 60_000,
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/users/{user_id}', { params: { path: { user_id: id! } }, signal })),
    select: (user) => user.full_name,
  });
}

/**
 * POST /clients. A 409 carries the similar clients; the caller may resend with
 * `confirm_duplicate: true`. The form shows every problem itself.
 */
export function useCreateClient() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: (body: ClientCreate) => unwrap(api.POST('/api/v1/clients', { body })),
    onSuccess: (client) => {
      queryClient.setQueryData(clientKeys.detail(client.id), client);
      return queryClient.invalidateQueries({ queryKey: clientKeys.lists() });
    },
  });
}

/** The similar clients a 409 of POST /clients lists, or none for any other error. */
export function duplicateCandidates(error: unknown): DuplicateCandidate[] {
  if (!(error instanceof ApiError) || error.status !== 409) return [];
  const candidates = (error.problem as { candidates?: unknown } | null)?.candidates;
  return Array.isArray(candidates) ? (candidates as DuplicateCandidate[]) : [];
}
