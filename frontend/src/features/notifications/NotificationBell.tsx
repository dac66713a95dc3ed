import {
  ActionIcon,
  Button,
  Center,
  Group,
  Indicator,
  Loader,
  Popover,
  ScrollArea,
  Stack,
  Text,
  UnstyledButton,
} from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import {
  type Notification,
  useLatestNotifications,
  useMarkAllNotificationsRead,
  useMarkNotificationRead,
  useUnreadCount,
} from './queries';
import { notificationLink, notificationText } from './notificationText';
import { useNotificationStream } from './useNotificationStream';

function BellIcon() {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" fill="none" aria-hidden="true">
      <path
        d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.94 1.94 0 0 0 3.4 0"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

function CheckIcon() {
  return (
    <svg width="16" height="16" viewBox="0 0 24 24" fill="none" aria-hidden="true">
      <path
        d="M20 6 9 17l-5-5"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

/** One notification, in the reader's language, with when it came. */
export function NotificationItem({
  notification,
  onOpen,
}: {
  notification: Notification;
  onOpen?: (notification: Notification) => void;
}) {
  const { t, i18n } = useTranslation();
  const unread = notification.read_at === null;
  const when = notification.created_at
    ? new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'short' }).format(
        new Date(notification.created_at),
      )
    : '';
  return (
    <UnstyledButton
      onClick={() => onOpen?.(notification)}
      data-unread={unread || undefined}
      data-testid="notification"
      p="xs"
      w="100%"
    >
      <Text size="sm" fw={unread ? 600 : 400}>
        {notificationText(notification, t, i18n.language)}
      </Text>
      <Text size="xs" c="dimmed">
        {when}
      </Text>
    </UnstyledButton>
  );
}

/** The header's bell: the unread count, the latest notifications, live over the stream. */
export function NotificationBell() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const latest = useLatestNotifications();
  const unread = useUnreadCount();
  const markRead = useMarkNotificationRead();
  const markAll = useMarkAllNotificationsRead();
  const items = latest.data ?? [];
  const count = unread.data?.count ?? 0;
  const countLabel = unread.data?.more || count > 99 ? '99+' : String(count);

  const open = (notification: Notification) => {
    if (notification.read_at === null) markRead.mutate(notification.id);
    const link = notificationLink(notification);
    if (link) void navigate(link);
  };
  useNotificationStream(open);

  let list: ReactNode;
  if (latest.isPending) {
    list = (
      <Center p="md">
        <Loader size="sm" aria-label={t('notifications.loading')} />
      </Center>
    );
  } else if (latest.isError) {
    list = (
      <Stack gap="xs" p="xs" align="flex-start">
        <Text size="sm" c="red.8" role="alert">
          {t('notifications.loadFailed')}
        </Text>
        <Button size="compact-sm" variant="light" onClick={() => void latest.refetch()}>
          {t('errors.retry')}
        </Button>
      </Stack>
    );
  } else if (items.length === 0) {
    list = (
      <Text size="sm" c="dimmed" p="xs">
        {t('notifications.empty')}
      </Text>
    );
  } else {
    list = (
      <Stack gap={0} component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
        {items.map((notification) => (
          <Group component="li" key={notification.id} gap={0} wrap="nowrap" align="flex-start">
            <NotificationItem notification={notification} onOpen={open} />
            {notification.read_at === null && (
              <ActionIcon
                variant="subtle"
                color="gray"
                m={4}
                aria-label={t('notifications.markRead')}
                title={t('notifications.markRead')}
                loading={markRead.isPending && markRead.variables === notification.id}
                onClick={() => markRead.mutate(notification.id)}
              >
                <CheckIcon />
              </ActionIcon>
            )}
          </Group>
        ))}
      </Stack>
    );
  }

  return (
    <Popover width="min(360px, calc(100vw - 16px))" position="bottom-end" shadow="md">
      <Indicator label={countLabel} size={16} disabled={count === 0} offset={4} color="red.8">
        {/* The button is the target, so it (not the badge) carries the popup's ARIA state. */}
        <Popover.Target>
          <ActionIcon
            variant="default"
            size="lg"
            aria-label={t('notifications.bell', { unread: countLabel })}
          >
            <BellIcon />
          </ActionIcon>
        </Popover.Target>
      </Indicator>
      <Popover.Dropdown p={0}>
        <Group justify="space-between" p="xs">
          <Text fw={600}>{t('notifications.title')}</Text>
          <Button
            size="compact-sm"
            variant="subtle"
            disabled={count === 0}
            loading={markAll.isPending}
            onClick={() => markAll.mutate()}
          >
            {t('notifications.readAll')}
          </Button>
        </Group>
        <ScrollArea.Autosize
          mah={420}
          viewportProps={{ tabIndex: 0, 'aria-label': t('notifications.title') }}
        >
          {list}
        </ScrollArea.Autosize>
      </Popover.Dropdown>
    </Popover>
  );
}
