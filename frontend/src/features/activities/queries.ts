import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

export type Task = components['schemas']['TaskRead'];
export type TaskCreate = components['schemas']['TaskCreate'];
export type Priority = components['schemas']['Priority'];
export type ActivityCreate = components['schemas']['ActivityCreate'];
export type ActivityKind = components['schemas']['ActivityKind'];
export type Direction = components['schemas']['Direction'];
export type TimelineItem = components['schemas']['TimelineItemRead'];
export type User = components['schemas']['UserRead'];

export const PRIORITIES = ['low', 'normal', 'high'] as const satisfies readonly Priority[];
export const ACTIVITY_KINDS = [
  'call',
  'meeting',
  'email',
  'note',
] as const satisfies readonly ActivityKind[];

/** What work is recorded on: a client, or a deal (which belongs to a client). */
export interface WorkSubject {
  clientId?: string;
  dealId?: string;
}

export const workKeys = {
  openTasks: (subject: WorkSubject) => ['tasks', 'open', subject] as const,
  dealTimeline: (dealId: string) => ['deals', 'timeline', dealId] as const,
};

const subjectIds = (subject: WorkSubject) =>
  subject.dealId ? { deal_id: subject.dealId } : { client_id: subject.clientId };

/** Tasks, timelines and today's lists show what was recorded: all of them refetch. */
function useWorkRecorded() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all(
      [['tasks'], ['deals', 'timeline'], ['clients', 'timeline']].map((queryKey) =>
        queryClient.invalidateQueries({ queryKey }),
      ),
    );
}

/** The subject's open tasks, due first (a deal's, or a client's own and its deals'). */
export function useOpenTasks(subject: WorkSubject) {
  return useQuery({
    queryKey: workKeys.openTasks(subject),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/tasks', {
          params: { query: { ...subjectIds(subject), done: false, limit: 100 } },
          signal,
        }),
      ),
    select: (page) => page.items,
  });
}

export function useCreateTask() {
  const recorded = useWorkRecorded();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: (body: TaskCreate) => unwrap(api.POST('/api/v1/tasks', { body })),
    onSuccess: recorded,
  });
}

/** POST /tasks/{id}/complete with If-Match. */
export function useCompleteTask() {
  const recorded = useWorkRecorded();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: (task: Task) =>
      unwrap(
        api.POST('/api/v1/tasks/{task_id}/complete', {
          params: { path: { task_id: task.id }, header: { 'If-Match': `"v${task.version}"` } },
        }),
      ),
    onSuccess: recorded,
  });
}

export function useCreateActivity() {
  const recorded = useWorkRecorded();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: (body: ActivityCreate) => unwrap(api.POST('/api/v1/activities', { body })),
    onSuccess: recorded,
  });
}

export function useCreateComment() {
  const recorded = useWorkRecorded();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: (body: { body: string } & WorkSubject) =>
      unwrap(
        api.POST('/api/v1/discussions', {
          body: { body: body.body, ...subjectIds(body) },
        }),
      ),
    onSuccess: recorded,
  });
}

/** The deal's tasks, activities, comments and stage moves, newest first. */
export function useDealTimeline(dealId: string) {
  return useQuery({
    queryKey: workKeys.dealTimeline(dealId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/deals/{deal_id}/timeline', {
          params: { path: { deal_id: dealId }, query: { limit: 100 } },
          signal,
        }),
      ),
  });
}

/** Kinds of records that have an owner whose visibility a role decides. */
export type OwnedRecords = components['schemas']['Resource'];

/** Active colleagues whose name or e-mail holds `q`; with `ownersOf`, only those whose records
 * of that kind the caller may see (a head's team, for filtering a list by responsible). */
export function useColleagues(q: string, ownersOf?: OwnedRecords) {
  return useQuery({
    queryKey: ['users', 'search', q, ownersOf ?? null] as const,
    staleTime: 5 * 60_000,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/users', {
          params: { query: { q: q || undefined, is_active: true, owners_of: ownersOf, limit: 20 } },
          signal,
        }),
      ),
    select: (page) => page.items,
    placeholderData: keepPreviousData,
  });
}
