import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

export type Task = components['schemas']['TaskListItem'];
export type TaskRead = components['schemas']['TaskRead'];
export type Today = components['schemas']['TodayRead'];
export type TodayDeal = components['schemas']['TodayDeal'];

export type CalendarMode = 'day' | 'week';

/** Which open tasks a list shows: a due window of the reader's calendar, or all of them. */
export type TaskWindow = 'all' | 'overdue' | 'today' | 'week';

export interface TaskQuery {
  window: TaskWindow;
  /** Someone else's tasks (a head looking at the team); the caller's own when null. */
  assigneeId: string | null;
}

export const PAGE_SIZE = 50;

// The today summary lives under 'tasks' so that every change to a task (here, on a deal page
// or a client card) refreshes it and the navigation's counters with the lists.
export const taskKeys = {
  all: ['tasks'] as const,
  lists: () => [...taskKeys.all, 'list'] as const,
  list: (query: TaskQuery) => [...taskKeys.lists(), query] as const,
  range: (from: string, to: string, assigneeId: string | null) =>
    [...taskKeys.all, 'range', { from, to, assigneeId }] as const,
  today: () => [...taskKeys.all, 'today'] as const,
};

function startOfDay(date: Date): Date {
  const day = new Date(date);
  day.setHours(0, 0, 0, 0);
  return day;
}

export function addDays(date: Date, days: number): Date {
  const next = new Date(date);
  next.setDate(next.getDate() + days);
  return next;
}

/** Monday of the date's week, at midnight on the reader's clock. */
export function startOfWeek(date: Date): Date {
  const day = startOfDay(date);
  return addDays(day, -((day.getDay() + 6) % 7));
}

/** The query parameters of a window, on the reader's calendar as of ``now``. */
export function windowParams(window: TaskWindow, now: Date) {
  switch (window) {
    case 'overdue':
      return { overdue: true };
    case 'today':
      return { due_to: addDays(startOfDay(now), 1).toISOString() };
    case 'week':
      return { due_to: addDays(startOfWeek(now), 7).toISOString() };
    default:
      return {};
  }
}

function ownerParams(assigneeId: string | null) {
  return assigneeId ? { assignee_id: assigneeId } : { mine: true };
}

/**
 * Open tasks by due time, a page at a time (keyset cursor): "show more" fetches the next one.
 * "Today" and "this week" include what is overdue: it is still to be done by then.
 */
export function useTaskPages(query: TaskQuery) {
  return useInfiniteQuery({
    queryKey: taskKeys.list(query),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/tasks', {
          params: {
            query: {
              ...ownerParams(query.assigneeId),
              ...windowParams(query.window, new Date()),
              done: false,
              limit: PAGE_SIZE,
              cursor: pageParam,
            },
          },
          signal,
        }),
      ),
    getNextPageParam: (page) => page.next_cursor,
  });
}

/** Every open task due in [from, to): a calendar's days, read page by page to the end. */
export function useTasksInRange(from: Date, to: Date, assigneeId: string | null) {
  const fromIso = from.toISOString();
  const toIso = to.toISOString();
  return useQuery({
    queryKey: taskKeys.range(fromIso, toIso, assigneeId),
    queryFn: async ({ signal }) => {
      const items: Task[] = [];
      let cursor: string | null = null;
      do {
        const page: components['schemas']['TaskPage'] = await unwrap(
          api.GET('/api/v1/tasks', {
            params: {
              query: {
                ...ownerParams(assigneeId),
                done: false,
                due_from: fromIso,
                due_to: toIso,
                limit: 200,
                cursor,
              },
            },
            signal,
          }),
        );
        items.push(...page.items);
        cursor = page.next_cursor;
      } while (cursor);
      return items;
    },
  });
}

/** The today screen's summary; the navigation's counters read it too. */
export function useToday({ enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: taskKeys.today(),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/today', { signal })),
    enabled,
    refetchInterval: 60_000,
  });
}

/** Overdue and today's tasks: what the navigation counts on "Today" and "Tasks". */
export function dueCount(today: Today | undefined): number {
  return (today?.overdue_tasks?.count ?? 0) + (today?.today_tasks?.count ?? 0);
}

const ifMatch = (task: { version: number }) => ({ 'If-Match': `"v${task.version}"` });

export function useCompleteTask() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: (task: { id: string; version: number }) =>
      unwrap(
        api.POST('/api/v1/tasks/{task_id}/complete', {
          params: { path: { task_id: task.id }, header: ifMatch(task) },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: taskKeys.all }),
  });
}

/** A new due time (drag on the calendar), with If-Match: a stale task is refused with 412. */
export function useRescheduleTask() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ task, dueAt }: { task: Task; dueAt: string }) =>
      unwrap(
        api.PATCH('/api/v1/tasks/{task_id}', {
          params: { path: { task_id: task.id }, header: ifMatch(task) },
          body: { due_at: dueAt },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: taskKeys.all }),
  });
}

/** What completing a task records: its result as a note on the same client or deal. */
export function useRecordResult() {
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: (body: components['schemas']['ActivityCreate']) =>
      unwrap(api.POST('/api/v1/activities', { body })),
  });
}

export function useCreateNextTask() {
  return useMutation({
    meta: { inlineErrors: true },
    mutationFn: (body: components['schemas']['TaskCreate']) =>
      unwrap(api.POST('/api/v1/tasks', { body })),
  });
}

/** The people whose tasks a head may look at: those whose tasks the caller may see (their
 * department and those below it, whom they stand in for), as the server decides. */
export function useTeam(departmentId: string | null | undefined, enabled: boolean) {
  return useQuery({
    queryKey: ['users', 'team', departmentId ?? null] as const,
    enabled,
    staleTime: 5 * 60_000,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/users', {
          params: { query: { owners_of: 'tasks', is_active: true, limit: 200 } },
          signal,
        }),
      ),
    select: (page) => page.items,
  });
}
