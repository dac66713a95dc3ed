import {
  Alert,
  Button,
  Group,
  SegmentedControl,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { mapProblemToFields } from '../../api/problem';
import { problemText } from '../../api/problemText';
import { maxLength, required, rules } from '../../forms/rules';
import { setServerErrors } from '../../forms/serverErrors';
import { useMe } from '../auth/queries';
import { localToIso, tomorrowMorning } from './moments';
import { PRIORITIES, useCreateTask, type Priority, type Task, type WorkSubject } from './queries';
import { UserSelect } from './UserSelect';

interface TaskValues {
  title: string;
  assignee_id: string | null;
  due_at: string;
  remind_at: string;
  priority: Priority;
  description: string;
}

const FIELDS = ['title', 'assignee_id', 'due_at', 'remind_at', 'priority', 'description'] as const;
const FIELD_LABELS = {
  title: 'work.field.title',
  assignee_id: 'work.field.assignee_id',
  due_at: 'work.field.due_at',
  remind_at: 'work.field.remind_at',
  priority: 'work.field.priority',
  description: 'work.field.description',
} as const satisfies Record<(typeof FIELDS)[number], string>;

/** A new task on a client or a deal: assignee (yourself by default), due time, reminder,
 * priority. */
export function TaskForm({
  subject,
  initialTitle = '',
  onCreated,
  onCancel,
}: {
  subject: WorkSubject;
  initialTitle?: string;
  onCreated?: (task: Task) => void;
  onCancel?: () => void;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const create = useCreateTask();
  const form = useForm<TaskValues>({
    initialValues: {
      title: initialTitle,
      assignee_id: null,
      due_at: tomorrowMorning(),
      remind_at: '',
      priority: 'normal',
      description: '',
    },
    // A date pair's order is said as either date changes.
    validateInputOnChange: ['title', 'due_at', 'remind_at'],
    validate: {
      // domain/activities/model.py TASK_TITLE_MAX
      title: rules(required(t, t('work.titleRequired')), maxLength(t, 300)),
      remind_at: (value, values) =>
        value && values.due_at && localToIso(value)! > localToIso(values.due_at)!
          ? t('work.remindAfterDue')
          : null,
    },
  });
  // A refusal naming a field is said under it, in the reader's language from its code; what
  // names none is said above the form.
  const problem = create.error ? mapProblemToFields(create.error.problem, FIELDS) : null;
  const named = Object.keys(problem?.fieldErrors ?? {}).length > 0;

  const submit = form.onSubmit((values) => {
    create.mutate(
      {
        client_id: subject.dealId ? undefined : subject.clientId,
        deal_id: subject.dealId,
        title: values.title.trim(),
        assignee_id: values.assignee_id ?? undefined,
        due_at: localToIso(values.due_at),
        remind_at: localToIso(values.remind_at),
        priority: values.priority,
        description: values.description.trim() || null,
      },
      {
        onSuccess: (task) => {
          notifications.show({
            color: 'green',
            message: task.assignment_note ? t('work.taskCreatedReassigned') : t('work.taskCreated'),
          });
          form.reset();
          create.reset();
          onCreated?.(task);
        },
        onError: (error) =>
          setServerErrors(form, error, FIELDS, { uncoded: t('work.invalidValue') }),
      },
    );
  });

  return (
    <form onSubmit={submit} noValidate aria-label={t('work.newTask')}>
      <Stack gap="sm">
        {create.error && !named ? (
          <Alert color="red" role="alert">
            {problemText(create.error, t, (field) =>
              field in FIELD_LABELS
                ? t(FIELD_LABELS[field as keyof typeof FIELD_LABELS])
                : undefined,
            )}
          </Alert>
        ) : create.error && problem && problem.otherErrors.length > 0 ? (
          <Alert color="red" role="alert">
            {problem.otherErrors.map((message) => (
              <div key={message}>{message}</div>
            ))}
          </Alert>
        ) : null}
        <TextInput label={t('work.taskTitle')} withAsterisk {...form.getInputProps('title')} />
        <UserSelect
          label={t('work.assignee')}
          value={form.values.assignee_id ?? me.data?.id ?? null}
          onChange={(value) => form.setFieldValue('assignee_id', value)}
          error={form.errors.assignee_id as string | undefined}
        />
        <Group grow align="start">
          <TextInput
            type="datetime-local"
            label={t('work.due')}
            {...form.getInputProps('due_at')}
          />
          <TextInput
            type="datetime-local"
            label={t('work.remind')}
            {...form.getInputProps('remind_at')}
          />
        </Group>
        <Stack gap={4}>
          <Text size="sm" fw={500} id="task-priority">
            {t('work.priority')}
          </Text>
          <SegmentedControl
            aria-labelledby="task-priority"
            data={PRIORITIES.map((value) => ({ value, label: t(`priority.${value}`) }))}
            {...form.getInputProps('priority')}
          />
        </Stack>
        <Textarea
          label={t('work.description')}
          autosize
          minRows={2}
          {...form.getInputProps('description')}
        />
        <Group justify="end">
          {onCancel ? (
            <Button variant="default" onClick={onCancel}>
              {t('work.cancel')}
            </Button>
          ) : null}
          <Button type="submit" loading={create.isPending}>
            {t('work.createTask')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
