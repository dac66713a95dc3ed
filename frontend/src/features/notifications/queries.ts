import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

export type Notification = components['schemas']['NotificationRead'];
export type NotificationKind = components['schemas']['NotificationKind'];
type NotificationPage = components['schemas']['NotificationPage'];

export const notificationKeys = {
  all: ['notifications'] as const,
  latest: () => [...notificationKeys.all, 'latest'] as const,
  unread: () => [...notificationKeys.all, 'unread'] as const,
};

/** How many notifications the bell lists, and how many unread ones it counts before "99+". */
export const LATEST_LIMIT = 30;
export const UNREAD_LIMIT = 100;

// The live stream (useNotificationStream) brings new ones at once; polling is the fallback for a
// browser or proxy that cannot keep the stream open.
const REFRESH_MS = 120_000;

/** The caller's latest notifications, newest first. */
export function useLatestNotifications() {
  return useQuery({
    queryKey: notificationKeys.latest(),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/notifications', { params: { query: { limit: LATEST_LIMIT } }, signal }),
      ),
    select: (page) => page.items,
    refetchInterval: REFRESH_MS,
  });
}

/** The unread count, exact up to UNREAD_LIMIT - 1; `more` when there are at least that many. */
export function useUnreadCount() {
  return useQuery({
    queryKey: notificationKeys.unread(),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/notifications', {
          params: { query: { unread: true, limit: UNREAD_LIMIT } },
          signal,
        }),
      ),
    select: (page) => ({ count: page.items.length, more: page.next_cursor !== null }),
    refetchInterval: REFRESH_MS,
  });
}

function updatePage(
  queryClient: QueryClient,
  key: readonly unknown[],
  change: (items: Notification[]) => Notification[],
): void {
  queryClient.setQueryData<NotificationPage>(key, (page) =>
    page ? { ...page, items: change(page.items) } : page,
  );
}

/**
 * Puts a notification that came over the stream into the lists the bell shows. Returns false
 * when the bell already had it (the backlog a reconnecting stream sends again).
 */
export function receiveNotification(queryClient: QueryClient, notification: Notification): boolean {
  const known = [notificationKeys.latest(), notificationKeys.unread()].some((key) =>
    queryClient
      .getQueryData<NotificationPage>(key)
      ?.items.some((item) => item.id === notification.id),
  );
  // The bell's copy is newer (it may have been read since): a repeat changes nothing.
  if (known) return false;
  const prepend = (limit: number) => (items: Notification[]) =>
    [notification, ...items.filter((item) => item.id !== notification.id)].slice(0, limit);
  updatePage(queryClient, notificationKeys.latest(), prepend(LATEST_LIMIT));
  if (notification.read_at === null) {
    updatePage(queryClient, notificationKeys.unread(), prepend(UNREAD_LIMIT));
  }
  return true;
}

/** The bell's lists after some notifications were read: marked in the latest, out of unread. */
function markedRead(queryClient: QueryClient, ids: Set<string> | 'all', at: string): void {
  const read = (item: Notification) => ids === 'all' || ids.has(item.id);
  updatePage(queryClient, notificationKeys.latest(), (items) =>
    items.map((item) => (read(item) && item.read_at === null ? { ...item, read_at: at } : item)),
  );
  updatePage(queryClient, notificationKeys.unread(), (items) =>
    items.filter((item) => !read(item)),
  );
}

export function useMarkNotificationRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (notificationId: string) =>
      unwrap(
        api.POST('/api/v1/notifications/{notification_id}/read', {
          params: { path: { notification_id: notificationId } },
        }),
      ),
    onSuccess: (notification) => {
      markedRead(queryClient, new Set([notification.id]), notification.read_at ?? '');
      void queryClient.invalidateQueries({ queryKey: notificationKeys.all });
    },
  });
}

export function useMarkAllNotificationsRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/notifications/read-all')),
    onSuccess: () => {
      markedRead(queryClient, 'all', new Date().toISOString());
      void queryClient.invalidateQueries({ queryKey: notificationKeys.all });
    },
  });
}
