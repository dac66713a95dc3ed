import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

export type SpreadsheetImport = components['schemas']['ImportRead'];
export type ImportCounts = components['schemas']['ImportCounts'];
export type ImportIssue = components['schemas']['ImportIssueRead'];
export type ImportEntity = components['schemas']['ImportEntity'];
export type ImportStatus = components['schemas']['ImportStatus'];
export type OnDuplicate = components['schemas']['OnDuplicate'];
export type IssueKind = components['schemas']['IssueKind'];

export const IMPORT_ENTITIES = ['clients', 'deals'] as const satisfies readonly ImportEntity[];
export const ON_DUPLICATE = ['flag', 'skip', 'update'] as const satisfies readonly OnDuplicate[];
// The encodings the API reads a CSV in (api/schemas/imports.py).
export const ENCODINGS = ['utf-8', 'utf-8-sig', 'cp1251'] as const;
export const DELIMITERS = [';', ',', '\t', '|'] as const;
// What the server accepts (IMPORT_MAX_BYTES defaults to 100 MB): a bigger file is refused
// here before it is sent.
export const MAX_FILE_BYTES = 100 * 1024 * 1024;

export const importKeys = {
  all: ['imports'] as const,
  list: () => [...importKeys.all, 'list'] as const,
  detail: (id: string) => [...importKeys.all, 'detail', id] as const,
  issues: (id: string, dryRun: boolean, kind: IssueKind | null) =>
    [...importKeys.all, 'issues', id, dryRun, kind] as const,
};

/** A dry run or an import under way: its progress is polled until it ends. */
export const busy = (status: ImportStatus) => status === 'checking' || status === 'running';
export const POLL_MS = 1000;
const PAGE_SIZE = 50;
const ISSUES_PAGE = 100;

export function useImports() {
  return useInfiniteQuery({
    queryKey: importKeys.list(),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/imports', {
          params: { query: { limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } },
          signal,
        }),
      ),
    getNextPageParam: (last) => last.next_cursor,
    // An import still going shows its progress in the list too.
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.items.some((item) => busy(item.status)))
        ? POLL_MS * 3
        : false,
  });
}

export function useImport(id: string | undefined) {
  return useQuery({
    queryKey: importKeys.detail(id ?? ''),
    enabled: Boolean(id),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/imports/{import_id}', {
          params: { path: { import_id: id ?? '' } },
          signal,
        }),
      ),
    refetchInterval: (query) =>
      query.state.data && busy(query.state.data.status) ? POLL_MS : false,
  });
}

export function useImportIssues(
  id: string,
  {
    dryRun,
    kind = null,
    enabled = true,
  }: { dryRun: boolean; kind?: IssueKind | null; enabled?: boolean },
) {
  return useInfiniteQuery({
    queryKey: importKeys.issues(id, dryRun, kind),
    enabled,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/imports/{import_id}/issues', {
          params: {
            path: { import_id: id },
            query: {
              dry_run: dryRun,
              limit: ISSUES_PAGE,
              ...(kind ? { kind } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
          signal,
        }),
      ),
    getNextPageParam: (last) => last.next_cursor,
  });
}

export interface UploadRequest {
  file: File;
  entity: ImportEntity;
}

/** POST /imports as multipart/form-data: the file is read and its columns suggested. */
export function useUploadImport() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: ({ file, entity }: UploadRequest) =>
      unwrap(
        api.POST('/api/v1/imports', {
          body: { file: '', entity },
          bodySerializer: () => {
            const form = new FormData();
            form.append('file', file, file.name);
            form.append('entity', entity);
            return form;
          },
        }),
      ),
    onSuccess: (made) => {
      queryClient.setQueryData(importKeys.detail(made.id), made);
      return queryClient.invalidateQueries({ queryKey: importKeys.list() });
    },
  });
}

export interface MappingRequest {
  id: string;
  mapping: Record<string, string>;
  onDuplicate: OnDuplicate;
  encoding?: string | null;
  delimiter?: string | null;
}

export function useSetMapping() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: ({ id, mapping, onDuplicate, encoding, delimiter }: MappingRequest) =>
      unwrap(
        api.PUT('/api/v1/imports/{import_id}/mapping', {
          params: { path: { import_id: id } },
          body: {
            mapping,
            on_duplicate: onDuplicate,
            ...(encoding ? { encoding } : {}),
            ...(delimiter ? { delimiter } : {}),
          },
        }),
      ),
    onSuccess: (saved) => queryClient.setQueryData(importKeys.detail(saved.id), saved),
  });
}

/** Starts the dry run, the import, or cancels the one going; the answer is polled on. */
export function useImportAction(action: 'dry-run' | 'run' | 'cancel') {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: (id: string) => {
      const options = { params: { path: { import_id: id } } };
      if (action === 'dry-run') {
        return unwrap(api.POST('/api/v1/imports/{import_id}/dry-run', options));
      }
      if (action === 'run') return unwrap(api.POST('/api/v1/imports/{import_id}/run', options));
      return unwrap(api.POST('/api/v1/imports/{import_id}/cancel', options));
    },
    onSuccess: async (started) => {
      queryClient.setQueryData(importKeys.detail(started.id), started);
      await queryClient.invalidateQueries({ queryKey: [...importKeys.all, 'issues', started.id] });
      await queryClient.invalidateQueries({ queryKey: importKeys.list() });
    },
  });
}
