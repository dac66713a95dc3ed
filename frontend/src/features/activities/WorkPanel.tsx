import { Stack, Tabs, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ActivityForm } from './ActivityForm';
import { CommentForm } from './CommentForm';
import { OpenTasks } from './OpenTasks';
import type { WorkSubject } from './queries';
import { TaskForm } from './TaskForm';

/** Recording work on a client or a deal: its open tasks, and a new task, activity or comment. */
export function WorkPanel({ subject }: { subject: WorkSubject }) {
  const { t } = useTranslation();
  return (
    <Stack>
      <Title order={3}>{t('work.openTasks')}</Title>
      <OpenTasks subject={subject} />
      <Tabs defaultValue="activity" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="activity">{t('work.logActivity')}</Tabs.Tab>
          <Tabs.Tab value="task">{t('work.newTask')}</Tabs.Tab>
          <Tabs.Tab value="comment">{t('work.comment')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="activity" pt="sm">
          <ActivityForm subject={subject} />
        </Tabs.Panel>
        <Tabs.Panel value="task" pt="sm">
          <TaskForm subject={subject} />
        </Tabs.Panel>
        <Tabs.Panel value="comment" pt="sm">
          <CommentForm subject={subject} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
