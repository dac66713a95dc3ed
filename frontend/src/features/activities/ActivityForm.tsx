import {
  Alert,
  Button,
  Checkbox,
  Group,
  NumberInput,
  SegmentedControl,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { mapProblemToFields } from '../../api/problem';
import { problemText } from '../../api/problemText';
import { maxLength, numberBetween, required, rules } from '../../forms/rules';
import { setServerErrors } from '../../forms/serverErrors';
import { isoToLocal, localToIso } from './moments';
import {
  ACTIVITY_KINDS,
  useCreateActivity,
  type ActivityKind,
  type Direction,
  type WorkSubject,
} from './queries';
import { TaskForm } from './TaskForm';

interface ActivityValues {
  kind: ActivityKind;
  direction: Direction;
  subject: string;
  result: string;
  occurred_at: string;
  minutes: number | string;
  next: boolean;
}

const FIELDS = ['kind', 'direction', 'subject', 'result', 'occurred_at', 'minutes'] as const;
// The request's names for the fields the form calls otherwise.
const RENAME = { body: 'result', duration_seconds: 'minutes' };
// domain/activities/model.py ACTIVITY_SUBJECT_MAX, ACTIVITY_BODY_MAX; schemas: a week at most.
const SUBJECT_MAX = 300;
const BODY_MAX = 50_000;
const MINUTES_MAX = 7 * 24 * 60;
const WITH_DIRECTION: readonly ActivityKind[] = ['call', 'email'];
const WITH_DURATION: readonly ActivityKind[] = ['call', 'meeting'];

/**
 * A call, meeting, e-mail or note that happened, with its result (the activity's text); a
 * follow-up task can be set right after, pre-filled from what was recorded.
 */
export function ActivityForm({ subject }: { subject: WorkSubject }) {
  const { t } = useTranslation();
  const create = useCreateActivity();
  const [followUp, setFollowUp] = useState<string | null>(null);
  const form = useForm<ActivityValues>({
    initialValues: {
      kind: 'call',
      direction: 'outbound',
      subject: '',
      result: '',
      occurred_at: isoToLocal(new Date()),
      minutes: '',
      next: true,
    },
    validateInputOnChange: true,
    validate: {
      subject: maxLength(t, SUBJECT_MAX),
      result: rules(required(t, t('work.resultRequired')), maxLength(t, BODY_MAX)),
      occurred_at: (value) => (localToIso(value) ? null : t('work.invalidValue')),
      // Only a call or a meeting shows (and sends) its length.
      minutes: (value, values) =>
        WITH_DURATION.includes(values.kind) ? numberBetween(t, 0, MINUTES_MAX)(value) : null,
    },
  });
  // What the refusal names no field for is said above the form; the rest is on its field.
  const problem = create.error
    ? mapProblemToFields(create.error.problem, [...FIELDS, ...Object.keys(RENAME)])
    : null;
  const formLevelErrors =
    create.error && problem
      ? Object.keys(problem.fieldErrors).length === 0
        ? [problemText(create.error, t), ...problem.otherErrors]
        : problem.otherErrors
      : [];
  const kind = form.values.kind;

  const submit = form.onSubmit((values) => {
    const minutes = Number(values.minutes);
    create.mutate(
      {
        kind: values.kind,
        client_id: subject.dealId ? undefined : subject.clientId,
        deal_id: subject.dealId,
        subject: values.subject.trim() || null,
        body: values.result.trim(),
        direction: WITH_DIRECTION.includes(values.kind) ? values.direction : null,
        occurred_at: localToIso(values.occurred_at),
        duration_seconds:
          WITH_DURATION.includes(values.kind) && minutes > 0 ? Math.round(minutes * 60) : null,
      },
      {
        onSuccess: () => {
          notifications.show({ color: 'green', message: t(`work.recorded.${values.kind}`) });
          if (values.next) {
            setFollowUp(
              values.subject.trim()
                ? t('work.followUpTitle', { subject: values.subject.trim() })
                : t(`work.followUpOf.${values.kind}`),
            );
          }
          form.reset();
          create.reset();
        },
        onError: (error) =>
          setServerErrors(form, error, FIELDS, {
            rename: RENAME,
            uncoded: t('work.invalidValue'),
          }),
      },
    );
  });

  if (followUp !== null) {
    return (
      <Stack gap="xs">
        <Text fw={500}>{t('work.nextTask')}</Text>
        <TaskForm
          subject={subject}
          initialTitle={followUp}
          onCreated={() => setFollowUp(null)}
          onCancel={() => setFollowUp(null)}
        />
      </Stack>
    );
  }

  return (
    <form onSubmit={submit} noValidate aria-label={t('work.logActivity')}>
      <Stack gap="sm">
        {formLevelErrors.length > 0 ? (
          <Alert color="red" role="alert">
            {formLevelErrors.map((message) => (
              <div key={message}>{message}</div>
            ))}
          </Alert>
        ) : null}
        <SegmentedControl
          aria-label={t('work.activityKind')}
          data={ACTIVITY_KINDS.map((value) => ({ value, label: t(`activityKind.${value}`) }))}
          {...form.getInputProps('kind')}
        />
        {WITH_DIRECTION.includes(kind) ? (
          <SegmentedControl
            aria-label={t('work.direction')}
            data={(['outbound', 'inbound'] as const).map((value) => ({
              value,
              label: t(`direction.${value}`),
            }))}
            {...form.getInputProps('direction')}
          />
        ) : null}
        <TextInput label={t('work.subject')} {...form.getInputProps('subject')} />
        <Textarea
          label={t('work.result')}
          placeholder={t(`work.resultHint.${kind}`)}
          withAsterisk
          autosize
          minRows={2}
          {...form.getInputProps('result')}
        />
        <Group grow align="start">
          <TextInput
            type="datetime-local"
            label={t('work.occurredAt')}
            {...form.getInputProps('occurred_at')}
          />
          {WITH_DURATION.includes(kind) ? (
            <NumberInput
              label={t('work.minutes')}
              min={0}
              max={7 * 24 * 60}
              allowDecimal={false}
              {...form.getInputProps('minutes')}
            />
          ) : null}
        </Group>
        <Checkbox
          label={t('work.scheduleNext')}
          {...form.getInputProps('next', { type: 'checkbox' })}
        />
        <Group justify="end">
          <Button type="submit" loading={create.isPending}>
            {t('work.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
