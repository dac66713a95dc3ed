import { Badge, Center, Checkbox, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useCompleteTask, useMyOpenTasks, type Task } from './queries';

const PRIORITY_COLORS: Record<Task['priority'], string> = {
  low: 'gray',
  normal: 'blue',
  high: 'red',
};

/** The caller's open tasks, the most urgent first; ticking one completes it. */
export function TaskList() {
  const { t, i18n } = useTranslation();
  const tasks = useMyOpenTasks();
  const complete = useCompleteTask();
  const format = new Intl.DateTimeFormat(i18n.language, {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  // Overdue as of the last fetch, so that a render stays pure.
  const now = tasks.dataUpdatedAt;

  return (
    <Stack>
      <Title order={2}>{t('tasks.title')}</Title>
      {tasks.isPending ? (
        <Center>
          <Loader />
        </Center>
      ) : !tasks.data?.length ? (
        <Text c="dimmed">{t('tasks.empty')}</Text>
      ) : (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={40} />
              <Table.Th>{t('tasks.task')}</Table.Th>
              <Table.Th>{t('tasks.priority')}</Table.Th>
              <Table.Th>{t('tasks.due')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {tasks.data.map((task) => {
              const overdue = task.due_at !== null && Date.parse(task.due_at) < now;
              const completing = complete.isPending && complete.variables === task.id;
              return (
                <Table.Tr
                  key={task.id}
                  bg={overdue ? 'var(--mantine-color-red-light)' : undefined}
                  data-overdue={overdue || undefined}
                >
                  <Table.Td>
                    <Checkbox
                      aria-label={t('tasks.complete', { title: task.title })}
                      checked={completing}
                      disabled={completing}
                      onChange={() => complete.mutate(task.id)}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Text fw={500}>{task.title}</Text>
                    {task.description ? (
                      <Text size="xs" c="dimmed" lineClamp={2}>
                        {task.description}
                      </Text>
                    ) : null}
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
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
