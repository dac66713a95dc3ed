import { Anchor, Text } from '@mantine/core';
import { notifications as toasts } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useEffectEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { getTokens } from '../auth/authStore';
import { taskKeys } from '../tasks/queries';
import { notificationLink, notificationText } from './notificationText';
import { notificationKeys, receiveNotification, type Notification } from './queries';

const STREAM_URL = '/api/v1/notifications/stream';
// A burst (the nightly staleness check, a hand-over) toasts its first few; the bell has all.
const BURST_MS = 30_000;
const BURST_TOASTS = 3;
const MAX_RETRY_MS = 30_000;
// The today screen is refetched at most this often while notifications stream in: a burst of
// hundreds (the staleness check) would otherwise be hundreds of refetches.
const TODAY_REFRESH_MS = 2_000;

// What a person should notice at once, with how long its toast stays.
const TOASTED = {
  reminder: { color: 'blue', autoClose: false },
  overdue: { color: 'red', autoClose: 15_000 },
  assignment: { color: 'blue', autoClose: 8_000 },
  hand_over: { color: 'blue', autoClose: 8_000 },
  mention: { color: 'grape', autoClose: 10_000 },
  stale_deal: { color: 'orange', autoClose: 10_000 },
  stale_deal_close: { color: 'orange', autoClose: 15_000 },
} as const satisfies Partial<
  Record<Notification['kind'], { color: string; autoClose: number | false }>
>;
type ToastedKind = keyof typeof TOASTED;

const isToasted = (kind: Notification['kind']): kind is ToastedKind => kind in TOASTED;

/** How long to wait before the `attempt`-th reconnection: 1, 2, 4... up to 30 seconds. */
export function retryDelay(attempt: number): number {
  return Math.min(MAX_RETRY_MS, 1000 * 2 ** Math.max(0, attempt - 1));
}

/**
 * Keeps the bell live: listens to the server's notification stream (Server-Sent Events) while
 * signed in, puts each new notification into the bell's lists, and shows a toast for what falls
 * due now (a reminder, an overdue task, a mention, a stale deal) whose link opens the record as
 * the bell does (`onOpen`).
 *
 * The browser reconnects a dropped stream by itself (sending Last-Event-ID). A stream the
 * server refused (most often an expired access token) is opened again after a delay, once an
 * API call has refreshed the token, and the lists are refetched so nothing missed is lost.
 */
export function useNotificationStream(
  onOpen: (notification: Notification) => void,
  enabled = true,
): void {
  const queryClient = useQueryClient();
  const { t, i18n } = useTranslation();
  // Built with the current language and router, without reopening the stream when they change.
  const toast = useEffectEvent((notification: Notification) => {
    const { kind } = notification;
    if (!isToasted(kind)) return;
    const style = TOASTED[kind];
    const link = notificationLink(notification);
    toasts.show({
      id: `notification-${notification.id}`,
      color: style.color,
      autoClose: style.autoClose,
      title: t(`notifications.toast.${kind}`),
      message: (
        <>
          <Text size="sm">{notificationText(notification, t, i18n.language)}</Text>
          {link && (
            <Anchor
              component="button"
              type="button"
              size="sm"
              onClick={() => {
                toasts.hide(`notification-${notification.id}`);
                onOpen(notification);
              }}
            >
              {t('notifications.open')}
            </Anchor>
          )}
        </>
      ),
    });
  });

  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return undefined;
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let stopped = false;
    // The server sends the unread backlog first, then `ready`: only what follows is toasted.
    let live = false;
    let toasted: number[] = [];
    let refresh: ReturnType<typeof setTimeout> | undefined;

    // The today screen and the navigation's counters list the new notifications and tasks:
    // one refetch after a quiet moment, never cancelling one in flight.
    const refreshToday = () => {
      if (refresh !== undefined) return;
      refresh = setTimeout(() => {
        refresh = undefined;
        void queryClient.invalidateQueries(
          { queryKey: taskKeys.today() },
          { cancelRefetch: false },
        );
      }, TODAY_REFRESH_MS);
    };

    const receive = (event: MessageEvent<string>) => {
      let notification: Notification;
      try {
        notification = JSON.parse(event.data) as Notification;
      } catch {
        return;
      }
      const isNew = receiveNotification(queryClient, notification);
      if (isNew && live && notification.read_at === null) {
        const now = Date.now();
        toasted = toasted.filter((at) => now - at < BURST_MS);
        if (toasted.length < BURST_TOASTS) {
          toasted.push(now);
          toast(notification);
        }
        refreshToday();
      }
    };

    const connect = () => {
      const tokens = getTokens();
      if (stopped || !tokens) return;
      // EventSource cannot send headers: the access token goes as a parameter (never logged).
      const url = `${STREAM_URL}?access_token=${encodeURIComponent(tokens.access)}`;
      const current = new EventSource(url);
      source = current;
      current.addEventListener('open', () => {
        if (attempt > 0) void queryClient.invalidateQueries({ queryKey: notificationKeys.all });
        attempt = 0;
        live = false;
      });
      current.addEventListener('ready', () => {
        live = true;
      });
      current.addEventListener('notification', receive as EventListener);
      current.addEventListener('error', () => {
        // CONNECTING: the browser is already reconnecting. CLOSED: the server refused it.
        if (current.readyState !== EventSource.CLOSED) return;
        current.close();
        attempt += 1;
        timer = setTimeout(() => {
          // Any API call renews an expired access token; the refetch is wanted anyway.
          void queryClient.invalidateQueries({ queryKey: notificationKeys.all }).finally(connect);
        }, retryDelay(attempt));
      });
    };

    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(refresh);
      source?.close();
    };
  }, [enabled, queryClient]);
}
