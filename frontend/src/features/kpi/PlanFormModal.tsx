import { Alert, Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { errorMessage, mapProblemToFields } from '../../api/problem';
import { setServerErrors } from '../../forms/serverErrors';
import { normaliseAmount } from '../deals/money';
import { METRICS } from './metrics';
import { periodLabel, type PeriodValue } from './period';
import { useSavePlan, type Fulfilment, type Metric } from './queries';

interface PlanValues {
  subject: string;
  metric: Metric;
  target: string;
}

const FIELDS = ['target', 'metric'] as const;

/** Sets (or changes) the plan of an employee or department the caller sees, for the period
 * on screen; the subjects offered are the rows of the Plans screen. */
export function PlanFormModal({
  period,
  fulfilment,
  onClose,
}: {
  period: PeriodValue;
  fulfilment: Fulfilment;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const save = useSavePlan();
  const subjects = [
    ...fulfilment.employees.map((e) => ({ value: `user:${e.id}`, label: e.name })),
    ...fulfilment.departments.map((d) => ({ value: `department:${d.id}`, label: d.name })),
  ];
  const form = useForm<PlanValues>({
    initialValues: { subject: subjects[0]?.value ?? '', metric: 'turnover', target: '' },
    validate: {
      subject: (value) => (value ? null : t('apiField.required')),
      target: (value) => {
        const amount = normaliseAmount(value);
        if (amount === null) return t('apiField.required');
        return amount === undefined ? t('dealPage.notAnAmount') : null;
      },
    },
  });
  const problem = save.error ? mapProblemToFields(save.error.problem, FIELDS) : null;
  const formLevelErrors =
    save.error && problem
      ? Object.keys(problem.fieldErrors).length === 0
        ? [errorMessage(save.error, t), ...problem.otherErrors]
        : problem.otherErrors
      : [];

  const submit = form.onSubmit((values: PlanValues) => {
    const [kind, id = ''] = values.subject.split(':');
    save.mutate(
      {
        period,
        subject: { kind: kind === 'department' ? 'department' : 'user', id },
        metric: values.metric,
        target: normaliseAmount(values.target)!,
      },
      {
        onSuccess: () => {
          notifications.show({ color: 'green', message: t('kpi.planSaved') });
          onClose();
        },
        onError: (error) => setServerErrors(form, error, FIELDS),
      },
    );
  });

  return (
    <Modal
      opened
      onClose={onClose}
      title={t('kpi.setPlanTitle', {
        period: periodLabel(period.kind, period.start, i18n.language),
      })}
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          {formLevelErrors.length > 0 && (
            <Alert color="red" role="alert">
              {formLevelErrors.map((message) => (
                <div key={message}>{message}</div>
              ))}
            </Alert>
          )}
          <Select
            label={t('kpi.subject')}
            data={subjects}
            searchable
            allowDeselect={false}
            withAsterisk
            {...form.getInputProps('subject')}
          />
          <Select
            label={t('kpi.metricLabel')}
            data={METRICS.map((metric) => ({ value: metric, label: t(`kpi.metric.${metric}`) }))}
            allowDeselect={false}
            {...form.getInputProps('metric')}
          />
          <TextInput
            label={t('kpi.target')}
            withAsterisk
            inputMode="decimal"
            {...form.getInputProps('target')}
          />
          <Group justify="end">
            <Button variant="default" onClick={onClose}>
              {t('kpi.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('kpi.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
