import { Alert, Button, Checkbox, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { problemText } from '../../api/problemText';
import { useCompleteTask, useCreateActivity, type Task } from './queries';
import { TaskForm } from './TaskForm';

/**
 * Completing a task asks what came of it (kept as a note on the same client or deal, so the
 * timeline tells the story) and offers to set the next task right away.
 */
export function TaskCompleteModal({ task, onClose }: { task: Task; onClose: () => void }) {
  const { t } = useTranslation();
  const complete = useCompleteTask();
  const note = useCreateActivity();
  const [result, setResult] = useState('');
  const [next, setNext] = useState(true);
  const [step, setStep] = useState<'result' | 'next'>('result');
  const [error, setError] = useState<string | null>(null);
  const subject = task.deal_id
    ? { dealId: task.deal_id }
    : { clientId: task.client_id ?? undefined };

  const submit = async () => {
    if (!result.trim()) {
      setError(t('work.resultRequired'));
      return;
    }
    try {
      await complete.mutateAsync(task);
      await note.mutateAsync({
        kind: 'note',
        client_id: task.deal_id ? undefined : task.client_id,
        deal_id: task.deal_id,
        subject: t('work.taskResultSubject', { title: task.title }),
        body: result.trim(),
      });
    } catch {
      return; // shown below from the mutation's error
    }
    notifications.show({ color: 'green', message: t('tasks.completed') });
    if (next) setStep('next');
    else onClose();
  };

  const failure = complete.error ?? note.error;
  return (
    <Modal opened onClose={onClose} title={t('work.completeTitle', { title: task.title })}>
      {step === 'result' ? (
        <Stack>
          {failure ? (
            <Alert color="red" role="alert">
              {complete.error?.status === 412 ? t('work.taskChanged') : problemText(failure, t)}
            </Alert>
          ) : null}
          <Textarea
            label={t('work.result')}
            withAsterisk
            autosize
            minRows={2}
            value={result}
            error={error}
            data-autofocus
            onChange={(event) => {
              setResult(event.currentTarget.value);
              setError(null);
            }}
          />
          <Checkbox
            label={t('work.scheduleNext')}
            checked={next}
            onChange={(event) => setNext(event.currentTarget.checked)}
          />
          <Group justify="end">
            <Button variant="default" onClick={onClose}>
              {t('work.cancel')}
            </Button>
            <Button onClick={() => void submit()} loading={complete.isPending || note.isPending}>
              {t('work.complete')}
            </Button>
          </Group>
        </Stack>
      ) : (
        <Stack gap="xs">
          <Text fw={500}>{t('work.nextTask')}</Text>
          <TaskForm subject={subject} onCreated={onClose} onCancel={onClose} />
        </Stack>
      )}
    </Modal>
  );
}
