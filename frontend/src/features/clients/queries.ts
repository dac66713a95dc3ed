import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { ApiError } from '../../api/problem';
import type { components, paths } from '../../api/schema';

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

export type ClientSort = NonNullable<
  NonNullable<paths['/api/v1/clients']['get']['parameters']['query']>['sort']
>;
/** A PATCH body; `confirm_duplicate` defaults to false on the server. */
export type ClientUpdate = Omit<components['schemas']['ClientUpdate'], 'confirm_duplicate'> & {
  confirm_duplicate?: boolean;
};
export type Contact = components['schemas']['ContactRead'];
export type ContactCreate = components['schemas']['ContactCreate'];
export type ContactUpdate = components['schemas']['ContactUpdate'];
export type MergePreview = components['schemas']['MergePreviewRead'];
export type DuplicatePair = components['schemas']['DuplicatePairRead'];
type ClientDeal = components['schemas']['DealRead'];

export interface ClientFilters {
  q: string;
  relationshipType: RelationshipType | null;
  temperature: Temperature | null;
  responsibleId?: string | null;
  sort?: ClientSort;
}

export const etag = (version: number) => `"v${version}"`;

/** The list's query parameters, shared by the list, its count and its export. */
function listQuery(filters: ClientFilters) {
  return {
    q: filters.q || undefined,
    relationship_type: filters.relationshipType ? [filters.relationshipType] : undefined,
    temperature: filters.temperature ? [filters.temperature] : undefined,
    responsible_id: filters.responsibleId ? [filters.responsibleId] : undefined,
  };
}

const PAGE_SIZE = 50;

export const clientKeys = {
  all: ['clients'] as const,
  lists: () => [...clientKeys.all, 'list'] as const,
  list: (filters: ClientFilters) => [...clientKeys.lists(), filters] as const,
  counts: () => [...clientKeys.all, 'count'] as const,
  count: (filters: ClientFilters) => [...clientKeys.counts(), filters] as const,
  deals: (id: string) => [...clientKeys.all, 'deals', id] as const,
  duplicates: () => [...clientKeys.all, 'duplicates'] as const,
  mergePreview: (survivorId: string, otherId: string) =>
    [...clientKeys.all, 'merge-preview', survivorId, otherId] as const,
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
              ...listQuery(filters),
              limit: PAGE_SIZE,
              cursor: pageParam,
              sort: filters.sort,
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

/** How many clients the filters select (capped by the server); asked once per filter. */
export function useClientCount(filters: ClientFilters) {
  const counted: ClientFilters = { ...filters, sort: undefined };
  return useQuery({
    queryKey: clientKeys.count(counted),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/clients/count', { params: { query: listQuery(counted) }, signal })),
    placeholderData: keepPreviousData,
  });
}

/** Downloads the filtered list as CSV or XLSX (the server streams it). */
export function useExportClients() {
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: async ({ filters, format }: { filters: ClientFilters; format: 'csv' | 'xlsx' }) => {
      const blob = await unwrap(
        api.GET('/api/v1/clients/export', {
          params: { query: { ...listQuery(filters), sort: filters.sort, format } },
          parseAs: 'blob',
        }),
      );
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `clients.${format}`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
  });
}

export function fetchClient(id: string) {
  return unwrap(api.GET('/api/v1/clients/{client_id}', { params: { path: { client_id: id } } }));
}

/** After a change of a client: its card shows the answer; lists and counts refetch. */
function useClientChanged() {
  const queryClient = useQueryClient();
  return (client: Client) => {
    queryClient.setQueryData(clientKeys.detail(client.id), client);
    void queryClient.invalidateQueries({ queryKey: clientKeys.lists() });
    void queryClient.invalidateQueries({ queryKey: clientKeys.counts() });
  };
}

/** PATCH /clients/{id} with If-Match: a 412 means someone changed it meanwhile. */
export function useUpdateClient() {
  const changed = useClientChanged();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: ({ client, body }: { client: Client; body: ClientUpdate }) =>
      unwrap(
        api.PATCH('/api/v1/clients/{client_id}', {
          params: { path: { client_id: client.id }, header: { 'If-Match': etag(client.version) } },
          body: { confirm_duplicate: false, ...body },
        }),
      ),
    onSuccess: changed,
  });
}

/** Contacts are saved one by one; the card's client is refetched after each. */
export function useSaveContact(clientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: ({ contact, body }: { contact: Contact | null; body: ContactUpdate }) =>
      contact
        ? unwrap(
            api.PATCH('/api/v1/contacts/{contact_id}', {
              params: {
                path: { contact_id: contact.id },
                header: { 'If-Match': etag(contact.version) },
              },
              body,
            }),
          )
        : unwrap(
            api.POST('/api/v1/clients/{client_id}/contacts', {
              params: { path: { client_id: clientId } },
              body: body as ContactCreate,
            }),
          ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: clientKeys.detail(clientId) }),
  });
}

export function useDeleteContact(clientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: (contact: Contact) =>
      unwrap(
        api.DELETE('/api/v1/contacts/{contact_id}', {
          params: {
            path: { contact_id: contact.id },
            header: { 'If-Match': etag(contact.version) },
          },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: clientKeys.detail(clientId) }),
  });
}

/** The client's deals, newest first (one page: a card shows the recent ones). */
export function useClientDeals(clientId: string) {
  return useQuery({
    queryKey: clientKeys.deals(clientId),
    queryFn: async ({ signal }): Promise<ClientDeal[]> => {
      const page = await unwrap(
        api.GET('/api/v1/deals', {
          params: { query: { client_id: clientId, sort: '-created_at', limit: 50 } },
          signal,
        }),
      );
      return page.items;
    },
  });
}

export function useDuplicates() {
  return useInfiniteQuery({
    queryKey: clientKeys.duplicates(),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/clients/duplicates', {
          params: { query: { limit: PAGE_SIZE, cursor: pageParam } },
          signal,
        }),
      ),
    getNextPageParam: (page) => page.next_cursor,
  });
}

export function useMergePreview(survivorId: string | null, otherId: string | null) {
  return useQuery({
    queryKey: clientKeys.mergePreview(survivorId ?? '', otherId ?? ''),
    enabled: Boolean(survivorId && otherId && survivorId !== otherId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/clients/{client_id}/merge-preview', {
          params: { path: { client_id: survivorId! }, query: { other_id: otherId! } },
          signal,
        }),
      ),
  });
}

/** POST /clients/{survivor}/merge with the survivor's If-Match. */
export function useMergeClients() {
  const queryClient = useQueryClient();
  const changed = useClientChanged();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: ({ survivor, otherId }: { survivor: Client; otherId: string }) =>
      unwrap(
        api.POST('/api/v1/clients/{client_id}/merge', {
          params: {
            path: { client_id: survivor.id },
            header: { 'If-Match': etag(survivor.version) },
          },
          body: { other_id: otherId },
        }),
      ),
    onSuccess: (client, { otherId }) => {
      changed(client);
      queryClient.removeQueries({ queryKey: clientKeys.detail(otherId) });
      void queryClient.invalidateQueries({ queryKey: clientKeys.duplicates() });
      void queryClient.invalidateQueries({ queryKey: clientKeys.deals(client.id) });
    },
  });
}

/** The organisation's custom fields of clients, as the card shows and edits them. */
export function useClientCustomFields() {
  return useQuery({
    queryKey: ['custom-fields', 'client'] as const,
    staleTime: 5 * 60_000,
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/custom-fields', { params: { query: { entity: 'client' } }, signal })),
  });
}
