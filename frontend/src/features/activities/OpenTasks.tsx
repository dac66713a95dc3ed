import { Badge, Button, Group, Loader, Paper, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useUserName } from '../clients/queries';
import { LoadError } from '../shell/LoadError';
import { useOpenTasks, type Task, type WorkSubject } from './queries';
import { TaskCompleteModal } from './TaskCompleteModal';

/** The subject's open tasks, each with a button that completes it (asking for the result). */
export function OpenTasks({ subject }: { subject: WorkSubject }) {
  const { t } = useTranslation();
  const tasks = useOpenTasks(subject);
  const [completing, setCompleting] = useState<Task | null>(null);
  // "Overdue" as of when the list was shown.
  const [now] = useState(() => Date.now());

  if (tasks.isPending) return <Loader size="sm" />;
  if (tasks.isError)
    return <LoadError onRetry={() => void tasks.refetch()} retrying={tasks.isFetching} />;
  if (tasks.data.length === 0) return <Text c="dimmed">{t('work.noOpenTasks')}</Text>;
  return (
    <Stack gap="xs" data-testid="open-tasks">
      {tasks.data.map((task) => (
        <OpenTask key={task.id} task={task} now={now} onComplete={() => setCompleting(task)} />
      ))}
      {completing ? (
        <TaskCompleteModal task={completing} onClose={() => setCompleting(null)} />
      ) : null}
    </Stack>
  );
}

function OpenTask({ task, now, onComplete }: { task: Task; now: number; onComplete: () => void }) {
  const { t, i18n } = useTranslation();
  const assignee = useUserName(task.assignee_id);
  const overdue = task.due_at !== null && Date.parse(task.due_at) < now;
  const format = new Intl.DateTimeFormat(i18n.language, {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  return (
    <Paper withBorder p="xs">
      <Group justify="space-between" wrap="nowrap" align="start">
        <div>
          <Group gap="xs">
            <Text fw={500}>{task.title}</Text>
            {task.priority === 'high' ? (
              <Badge color="red" size="xs">
                {t('priority.high')}
              </Badge>
            ) : null}
          </Group>
          <Text size="xs" c={overdue ? 'red' : 'dimmed'}>
            {task.due_at ? format.format(new Date(task.due_at)) : t('tasks.noDue')}
            {overdue ? ` · ${t('tasks.overdue')}` : ''}
            {assignee.data ? ` · ${assignee.data}` : ''}
          </Text>
        </div>
        <Button size="xs" variant="light" onClick={onComplete}>
          {t('work.complete')}
        </Button>
      </Group>
    </Paper>
  );
}
