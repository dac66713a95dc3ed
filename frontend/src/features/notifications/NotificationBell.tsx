import {
  ActionIcon,
  Button,
  Group,
  Indicator,
  Popover,
  ScrollArea,
  Stack,
  Text,
  UnstyledButton,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import {
  type Notification,
  useLatestNotifications,
  useMarkAllNotificationsRead,
  useMarkNotificationRead,
} from './queries';
import { notificationLink, notificationText } from './notificationText';

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

/** The header's bell: unread count, the latest notifications, read on click. */
export function NotificationBell() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const latest = useLatestNotifications();
  const markRead = useMarkNotificationRead();
  const markAll = useMarkAllNotificationsRead();
  const items = latest.data ?? [];
  const unread = items.filter((n) => n.read_at === null).length;

  const open = (notification: Notification) => {
    if (notification.read_at === null) markRead.mutate(notification.id);
    const link = notificationLink(notification);
    if (link) void navigate(link);
  };

  return (
    <Popover width={360} position="bottom-end" shadow="md">
      <Popover.Target>
        <Indicator label={unread} size={16} disabled={unread === 0} offset={4}>
          <ActionIcon variant="default" size="lg" aria-label={t('notifications.bell', { unread })}>
            <BellIcon />
          </ActionIcon>
        </Indicator>
      </Popover.Target>
      <Popover.Dropdown p={0}>
        <Group justify="space-between" p="xs">
          <Text fw={600}>{t('notifications.title')}</Text>
          <Button
            size="compact-xs"
            variant="subtle"
            disabled={unread === 0}
            loading={markAll.isPending}
            onClick={() => markAll.mutate()}
          >
            {t('notifications.readAll')}
          </Button>
        </Group>
        <ScrollArea.Autosize mah={420}>
          {items.length === 0 ? (
            <Text size="sm" c="dimmed" p="xs">
              {t('notifications.empty')}
            </Text>
          ) : (
            <Stack gap={0}>
              {items.map((notification) => (
                <NotificationItem key={notification.id} notification={notification} onOpen={open} />
              ))}
            </Stack>
          )}
        </ScrollArea.Autosize>
      </Popover.Dropdown>
    </Popover>
  );
}
