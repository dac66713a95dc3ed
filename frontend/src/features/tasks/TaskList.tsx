import {
  Alert,
  Badge,
  Button,
  Center,
  Checkbox,
  Group,
  Loader,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { seesTeam, useMe } from '../auth/queries';
import { SavedFilters } from '../savedFilters/SavedFilters';
import { ResponsibleAvatar } from '../deals/ResponsibleAvatar';
import { TaskCalendar } from './TaskCalendar';
import { TaskCompleteModal } from './TaskCompleteModal';
import { TaskSubject } from './TaskSubject';
import { useTaskPages, useTeam, type CalendarMode, type Task, type TaskWindow } from './queries';

const PRIORITY_COLORS: Record<Task['priority'], string> = {
  low: 'gray',
  normal: 'blue',
  high: 'red',
};

const WINDOWS: readonly TaskWindow[] = ['all', 'overdue', 'today', 'week'];
type View = 'list' | CalendarMode;
const VIEWS: readonly View[] = ['list', 'day', 'week'];

function pick<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

/**
 * Open tasks, the most urgent first, as a list (filtered by due window, paged) or a day / week
 * calendar (drag to reschedule). The filters live in the URL. Ticking a task asks for its
 * result and offers the next one.
 */
export function TaskList() {
  const { t } = useTranslation();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const window = pick(params.get('due'), WINDOWS, 'all');
  const view = pick(params.get('view'), VIEWS, 'list');
  const assigneeId = params.get('assignee');
  const team = useTeam(me.data?.department_id, Boolean(me.data && seesTeam(me.data)));
  const [completing, setCompleting] = useState<Task | null>(null);

  const set = (key: string, value: string | null, fallback: string) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value === null || value === fallback) next.delete(key);
        else next.set(key, value);
        return next;
      },
      { replace: true },
    );

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={2}>{t('tasks.title')}</Title>
        <SegmentedControl
          aria-label={t('tasks.view')}
          value={view}
          onChange={(value) => set('view', value, 'list')}
          data={VIEWS.map((value) => ({ value, label: t(`tasks.views.${value}`) }))}
        />
      </Group>
      <Group wrap="wrap" align="flex-end">
        {view === 'list' ? (
          <SegmentedControl
            aria-label={t('tasks.window')}
            value={window}
            onChange={(value) => set('due', value, 'all')}
            data={WINDOWS.map((value) => ({ value, label: t(`tasks.windows.${value}`) }))}
          />
        ) : null}
        {team.data ? (
          <Select
            label={t('tasks.assignee')}
            placeholder={t('tasks.mine')}
            data={team.data
              .filter((user) => user.id !== me.data?.id)
              .map((user) => ({ value: user.id, label: user.full_name }))}
            value={assigneeId}
            onChange={(value) => set('assignee', value, '')}
            searchable
            clearable
            w={260}
          />
        ) : null}
        <SavedFilters list="tasks" query={params.toString()} onOpen={(query) => setParams(query)} />
      </Group>
      {view === 'list' ? (
        <TaskTable
          window={window}
          assigneeId={assigneeId}
          onComplete={setCompleting}
          showAll={() => set('due', 'all', 'all')}
        />
      ) : (
        <TaskCalendar mode={view} assigneeId={assigneeId} onComplete={setCompleting} />
      )}
      <TaskCompleteModal task={completing} onClose={() => setCompleting(null)} />
    </Stack>
  );
}

function TaskTable({
  window,
  assigneeId,
  onComplete,
  showAll,
}: {
  window: TaskWindow;
  assigneeId: string | null;
  onComplete: (task: Task) => void;
  showAll: () => void;
}) {
  const { t, i18n } = useTranslation();
  const pages = useTaskPages({ window, assigneeId });
  const format = new Intl.DateTimeFormat(i18n.language, {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  // Overdue as of the last fetch, so that a render stays pure.
  const now = pages.dataUpdatedAt;
  const tasks = pages.data?.pages.flatMap((page) => page.items) ?? [];

  if (pages.isPending) {
    return (
      <Center py="xl">
        <Loader aria-label={t('app.loading')} />
      </Center>
    );
  }
  if (pages.isError && !pages.data) {
    return (
      <Alert color="red" role="alert" title={t('tasks.loadFailed')}>
        <Button size="xs" mt="xs" onClick={() => void pages.refetch()}>
          {t('tasks.retry')}
        </Button>
      </Alert>
    );
  }
  if (!tasks.length) {
    return (
      <Stack gap="xs" align="flex-start">
        <Text c="dimmed">{t(`tasks.emptyWindow.${window}`)}</Text>
        {window !== 'all' ? (
          <Button variant="subtle" size="xs" onClick={showAll}>
            {t('tasks.showAll')}
          </Button>
        ) : null}
      </Stack>
    );
  }
  return (
    <Stack>
      <Table.ScrollContainer minWidth={560}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={40} />
              <Table.Th>{t('tasks.task')}</Table.Th>
              <Table.Th>{t('tasks.priority')}</Table.Th>
              <Table.Th>{t('tasks.due')}</Table.Th>
              <Table.Th>{t('tasks.assignee')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {tasks.map((task) => {
              const overdue = task.due_at !== null && Date.parse(task.due_at) < now;
              return (
                <Table.Tr
                  key={task.id}
                  bg={overdue ? 'var(--mantine-color-red-light)' : undefined}
                  data-overdue={overdue || undefined}
                >
                  <Table.Td>
                    <Checkbox
                      aria-label={t('tasks.complete', { title: task.title })}
                      checked={false}
                      onChange={() => onComplete(task)}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Text fw={500}>{task.title}</Text>
                    {task.description ? (
                      <Text size="xs" c="dimmed" lineClamp={2}>
                        {task.description}
                      </Text>
                    ) : null}
                    <TaskSubject task={task} />
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={PRIORITY_COLORS[task.priority]}>
                      {t(`priority.${task.priority}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs">
                      <Text size="sm" c={overdue ? 'red' : undefined}>
                        {task.due_at ? format.format(new Date(task.due_at)) : t('tasks.noDue')}
                      </Text>
                      {overdue ? (
                        <Badge color="red" size="xs">
                          {t('tasks.overdue')}
                        </Badge>
                      ) : null}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <ResponsibleAvatar name={task.assignee_name} />
                      <Text size="sm">{task.assignee_name ?? ''}</Text>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {pages.hasNextPage ? (
        <Button
          variant="default"
          onClick={() => void pages.fetchNextPage()}
          loading={pages.isFetchingNextPage}
          style={{ alignSelf: 'center' }}
        >
          {t('tasks.loadMore')}
        </Button>
      ) : null}
      {pages.isFetchNextPageError ? (
        <Alert color="red" role="alert">
          {t('tasks.loadFailed')}
        </Alert>
      ) : null}
    </Stack>
  );
}
