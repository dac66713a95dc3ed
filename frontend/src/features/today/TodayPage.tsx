import {
  Alert,
  Anchor,
  Badge,
  Button,
  Center,
  Checkbox,
  Group,
  Loader,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { formatMoney } from '../deals/money';
import { useMarkNotificationRead, type Notification } from '../notifications/queries';
import { notificationLink, notificationText } from '../notifications/notificationText';
import { TaskCompleteModal } from '../tasks/TaskCompleteModal';
import { TaskSubject } from '../tasks/TaskSubject';
import { useToday, type Task, type TodayDeal } from '../tasks/queries';

/** A count as the sections show it: "999+" past the server's cap. */
function shownCount(section: { count: number; capped: boolean }): string {
  return section.capped ? `${section.count}+` : String(section.count);
}

/**
 * The landing page: what the seller has to do today. Their overdue and today's tasks (ticked
 * off here with a result and the next step), stale deals, deals nobody planned a next step for,
 * and unread notifications; each with its count and a link to the full list.
 */
export function TodayPage() {
  const { t, i18n } = useTranslation();
  const today = useToday();
  const [completing, setCompleting] = useState<Task | null>(null);

  if (today.isPending) {
    return (
      <Center py="xl">
        <Loader aria-label={t('app.loading')} />
      </Center>
    );
  }
  if (today.isError) {
    return (
      <Stack>
        <Title order={2}>{t('today.title')}</Title>
        <Alert color="red" role="alert" title={t('today.loadFailed')}>
          <Button size="xs" mt="xs" onClick={() => void today.refetch()}>
            {t('today.retry')}
          </Button>
        </Alert>
      </Stack>
    );
  }
  const data = today.data;
  const day = new Intl.DateTimeFormat(i18n.language, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
  }).format(new Date(`${data.day}T12:00:00`));

  return (
    <Stack>
      <Group justify="space-between" align="baseline" wrap="wrap">
        <Title order={2}>{t('today.title')}</Title>
        <Text c="dimmed">{day}</Text>
      </Group>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        {data.overdue_tasks ? (
          <Section
            id="overdue"
            title={t('today.overdue')}
            section={data.overdue_tasks}
            color="red"
            more="/tasks?due=overdue"
            empty={t('today.noOverdue')}
          >
            {data.overdue_tasks.items.map((task) => (
              <TaskRow key={task.id} task={task} onComplete={setCompleting} overdue />
            ))}
          </Section>
        ) : null}
        {data.today_tasks ? (
          <Section
            id="today"
            title={t('today.dueToday')}
            section={data.today_tasks}
            color="blue"
            more="/tasks?due=today"
            empty={t('today.nothingToday')}
          >
            {data.today_tasks.items.map((task) => (
              <TaskRow key={task.id} task={task} onComplete={setCompleting} />
            ))}
          </Section>
        ) : null}
        {data.stale_deals ? (
          <Section
            id="stale"
            title={t('today.stale')}
            section={data.stale_deals}
            color="orange"
            more="/deals?stale=true"
            empty={t('today.noStale')}
          >
            {data.stale_deals.items.map((deal) => (
              <DealRow key={deal.id} deal={deal} now={today.dataUpdatedAt} />
            ))}
          </Section>
        ) : null}
        {data.deals_without_next_task ? (
          <Section
            id="unplanned"
            title={t('today.withoutNextTask')}
            section={data.deals_without_next_task}
            color="yellow"
            more="/deals?without_next_task=true"
            empty={t('today.allPlanned')}
          >
            {data.deals_without_next_task.items.map((deal) => (
              <DealRow key={deal.id} deal={deal} now={today.dataUpdatedAt} />
            ))}
          </Section>
        ) : null}
        <Section
          id="notifications"
          title={t('today.notifications')}
          section={data.notifications}
          color="grape"
          empty={t('today.noNotifications')}
        >
          {data.notifications.items.map((notification) => (
            <NotificationRow key={notification.id} notification={notification} />
          ))}
        </Section>
      </SimpleGrid>
      <TaskCompleteModal task={completing} onClose={() => setCompleting(null)} />
    </Stack>
  );
}

function Section({
  id,
  title,
  section,
  color,
  more,
  empty,
  children,
}: {
  id: string;
  title: string;
  section: { count: number; capped: boolean; items: unknown[] };
  color: string;
  more?: string;
  empty: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const headingId = `today-${id}`;
  return (
    <Paper
      withBorder
      p="md"
      component="section"
      aria-labelledby={headingId}
      data-testid={headingId}
    >
      <Group justify="space-between" mb="sm" wrap="nowrap">
        <Group gap="xs" wrap="nowrap">
          <Title order={3} size="h4" id={headingId}>
            {title}
          </Title>
          <Badge color={section.count ? color : 'gray'} variant="filled" data-testid="count">
            {shownCount(section)}
          </Badge>
        </Group>
        {more && section.count > section.items.length ? (
          <Anchor component={Link} to={more} size="sm">
            {t('today.showAll')}
          </Anchor>
        ) : null}
      </Group>
      {section.items.length ? (
        <Stack gap="xs">{children}</Stack>
      ) : (
        <Text c="dimmed" size="sm">
          {empty}
        </Text>
      )}
    </Paper>
  );
}

function TaskRow({
  task,
  onComplete,
  overdue = false,
}: {
  task: Task;
  onComplete: (task: Task) => void;
  overdue?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const due = task.due_at
    ? new Intl.DateTimeFormat(i18n.language, {
        dateStyle: overdue ? 'short' : undefined,
        timeStyle: 'short',
      }).format(new Date(task.due_at))
    : '';
  return (
    <Group align="flex-start" wrap="nowrap" gap="sm" data-testid="today-task">
      <Checkbox
        mt={3}
        aria-label={t('tasks.complete', { title: task.title })}
        checked={false}
        onChange={() => onComplete(task)}
      />
      <Stack gap={0} flex={1}>
        <Group gap="xs" wrap="nowrap" justify="space-between">
          <Text fw={500} size="sm">
            {task.title}
          </Text>
          <Text size="xs" c={overdue ? 'red' : 'dimmed'} style={{ whiteSpace: 'nowrap' }}>
            {due}
          </Text>
        </Group>
        <TaskSubject task={task} />
      </Stack>
    </Group>
  );
}

function DealRow({ deal, now }: { deal: TodayDeal; now: number }) {
  const { t, i18n } = useTranslation();
  const days = Math.floor((now - Date.parse(deal.stage_entered_at)) / 86_400_000);
  return (
    <Group justify="space-between" wrap="nowrap" gap="sm" data-testid="today-deal">
      <Stack gap={0}>
        <Anchor component={Link} to={`/deals/${deal.id}`} size="sm" fw={500}>
          {deal.title}
        </Anchor>
        <Text size="xs" c="dimmed">
          <Anchor component={Link} to={`/clients/${deal.client_id}`} size="xs" c="dimmed">
            {deal.client_name}
          </Anchor>
          {' · '}
          {t('today.inStage', { stage: deal.stage_name, count: days })}
        </Text>
      </Stack>
      <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
        {formatMoney(deal.amount, deal.currency, i18n.language)}
      </Text>
    </Group>
  );
}

function NotificationRow({ notification }: { notification: Notification }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const markRead = useMarkNotificationRead();
  const link = notificationLink(notification);
  return (
    <Anchor
      component="button"
      type="button"
      ta="left"
      size="sm"
      onClick={() => {
        markRead.mutate(notification.id);
        if (link) void navigate(link);
      }}
      data-testid="today-notification"
    >
      {notificationText(notification, t, i18n.language)}
    </Anchor>
  );
}
