import {
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  Stack,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/problem';
import {
  taskKeys,
  useCompleteTask,
  useCreateNextTask,
  useRecordResult,
  type Task,
} from './queries';

/** A `datetime-local` value on the reader's clock. */
function localInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

function tomorrowAtTen(): string {
  const date = new Date();
  date.setDate(date.getDate() + 1);
  date.setHours(10, 0, 0, 0);
  return localInput(date);
}

interface Values {
  result: string;
  planNext: boolean;
  nextTitle: string;
  nextDue: string;
}

/**
 * Completing a task: what came of it (kept as a note on the task's deal or client) and the next
 * step, offered pre-filled, so a deal never drops out of work by accident.
 */
export function TaskCompleteModal({ task, onClose }: { task: Task | null; onClose: () => void }) {
  return (
    <Modal opened={task !== null} onClose={onClose} title={task?.title} centered>
      {task ? <CompleteForm task={task} onDone={onClose} /> : null}
    </Modal>
  );
}

function CompleteForm({ task, onDone }: { task: Task; onDone: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const complete = useCompleteTask();
  const recordResult = useRecordResult();
  const createNext = useCreateNextTask();
  const [failure, setFailure] = useState<string | null>(null);
  // Steps already done survive a failed later step, so trying again does not repeat them.
  const [progress, setProgress] = useState({ completed: false, recorded: false });
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: { result: '', planNext: true, nextTitle: '', nextDue: tomorrowAtTen() },
    validateInputOnChange: true,
    validate: {
      result: (value) => (value.trim() ? null : t('taskComplete.resultRequired')),
      nextTitle: (value, values) =>
        values.planNext && !value.trim() ? t('taskComplete.nextTitleRequired') : null,
      nextDue: (value, values) =>
        values.planNext && Number.isNaN(new Date(value).getTime())
          ? t('taskComplete.nextDueRequired')
          : null,
    },
  });
  const subject = task.deal_id ? { deal_id: task.deal_id } : { client_id: task.client_id };
  const busy = complete.isPending || recordResult.isPending || createNext.isPending;

  const submit = form.onSubmit(async (values) => {
    setFailure(null);
    const done = { ...progress };
    try {
      // Completed first: a task someone else changed meanwhile (412) records nothing.
      if (!done.completed) {
        await complete.mutateAsync(task);
        done.completed = true;
        setProgress({ ...done });
      }
      if (!done.recorded) {
        await recordResult.mutateAsync({
          kind: 'note',
          ...subject,
          subject: task.title,
          body: values.result.trim(),
        });
        done.recorded = true;
        setProgress({ ...done });
      }
      if (values.planNext) {
        await createNext.mutateAsync({
          ...subject,
          title: values.nextTitle.trim(),
          priority: 'normal',
          due_at: new Date(values.nextDue).toISOString(),
        });
      }
      onDone();
    } catch (error) {
      setFailure(errorMessage(error, t));
    } finally {
      await queryClient.invalidateQueries({ queryKey: taskKeys.all });
    }
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {task.client_name || task.deal_title ? (
          <Text size="sm" c="dimmed">
            {[task.deal_title, task.client_name].filter(Boolean).join(' · ')}
          </Text>
        ) : null}
        <Textarea
          label={t('taskComplete.result')}
          placeholder={t('taskComplete.resultHint')}
          autosize
          minRows={3}
          required
          data-autofocus
          {...form.getInputProps('result')}
        />
        <Checkbox
          label={t('taskComplete.planNext')}
          {...form.getInputProps('planNext', { type: 'checkbox' })}
        />
        {form.values.planNext ? (
          <>
            <TextInput
              label={t('taskComplete.nextTitle')}
              placeholder={t('taskComplete.nextTitleHint')}
              required
              {...form.getInputProps('nextTitle')}
            />
            <TextInput
              type="datetime-local"
              label={t('taskComplete.nextDue')}
              required
              {...form.getInputProps('nextDue')}
            />
          </>
        ) : null}
        {failure ? (
          <Alert color="red" role="alert">
            {failure}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone} disabled={busy}>
            {t('taskComplete.cancel')}
          </Button>
          <Button type="submit" loading={busy}>
            {t('taskComplete.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
