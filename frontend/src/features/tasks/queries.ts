import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

export type Task = components['schemas']['TaskRead'];

export const taskKeys = {
  all: ['tasks'] as const,
  lists: () => [...taskKeys.all, 'list'] as const,
  mineOpen: () => [...taskKeys.lists(), { mine: true, done: false }] as const,
};

/** Open tasks first due first; those without a due time last. */
export function byDue(a: Task, b: Task): number {
  if (a.due_at === b.due_at) return 0;
  if (a.due_at === null) return 1;
  if (b.due_at === null) return -1;
  return Date.parse(a.due_at) - Date.parse(b.due_at);
}

/** The caller's open tasks, sorted by due time. */
export function useMyOpenTasks() {
  return useQuery({
    queryKey: taskKeys.mineOpen(),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/tasks', {
          params: { query: { mine: true, done: false, limit: 200 } },
          signal,
        }),
      ),
    select: (page) => [...page.items].sort(byDue),
  });
}

export function useCompleteTask() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (taskId: string) =>
      unwrap(
        api.POST('/api/v1/tasks/{task_id}/complete', { params: { path: { task_id: taskId } } }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: taskKeys.all }),
  });
}
