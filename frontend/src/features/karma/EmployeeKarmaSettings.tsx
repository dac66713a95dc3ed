import { Button, Group, Loader, NumberInput, Stack, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/problem';
import { markRefusedFields } from '../settings/formHelpers';
import { Refusal } from '../settings/Refusal';
import { LoadError } from '../shell/LoadError';
import {
  CRITERIA,
  type Criterion,
  type EmployeeKarmaRules,
  RATE_LIMIT,
  useEmployeeKarmaRules,
  useSaveEmployeeKarmaRules,
  WEIGHT_LIMIT,
} from './employeeQueries';

type NumberValue = number | string;

/** A number from `low` to `high` with at most two decimals, as the server checks it. */
function boundedRule(t: TFunction, low: number, high: number) {
  return (value: NumberValue): string | null => {
    if (value === '' || value === null) return t('apiField.required');
    const number = Number(value);
    if (!Number.isFinite(number)) return t('apiField.number');
    if (number < low) return t('apiField.min', { limit: low });
    if (number > high) return t('apiField.max', { limit: high });
    // As written, not as a float: 0.1 * 100 is not a whole number in binary.
    if (!/^-?\d+(\.\d{1,2})?$/.test(String(value))) return t('apiField.tooManyDecimals');
    return null;
  };
}

const FIELDS = [...CRITERIA.map((c) => `weights.${c}`), 'bonus_per_point'];

/** Settings → Карма сотрудников (karma:manage): the points per criterion that make up each
 * employee's monthly karma, and the bonus per point paid when a month is closed. */
export function EmployeeKarmaSettings() {
  const { t } = useTranslation();
  const rules = useEmployeeKarmaRules();
  // Bumped by "Reload" after a 412: the form is made again from what was just read.
  const [reloads, setReloads] = useState(0);
  return (
    <Stack>
      <Title order={3}>{t('employeeKarma.rules.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('employeeKarma.rules.intro')}
      </Text>
      {rules.isPending && <Loader />}
      {rules.isError && (
        <LoadError onRetry={() => void rules.refetch()} retrying={rules.isFetching} />
      )}
      {rules.data && (
        <RulesForm
          key={`${rules.data.version}-${reloads}`}
          rules={rules.data}
          onReload={() => void rules.refetch().then(() => setReloads((n) => n + 1))}
        />
      )}
    </Stack>
  );
}

function RulesForm({ rules, onReload }: { rules: EmployeeKarmaRules; onReload: () => void }) {
  const { t } = useTranslation();
  const save = useSaveEmployeeKarmaRules();
  const weight = boundedRule(t, -WEIGHT_LIMIT, WEIGHT_LIMIT);
  const form = useForm({
    initialValues: {
      weights: Object.fromEntries(
        CRITERIA.map((c) => [c, Number(rules.weights[c]) as NumberValue]),
      ) as Record<Criterion, NumberValue>,
      bonus_per_point: Number(rules.bonus_per_point) as NumberValue,
    },
    validateInputOnChange: true,
    validate: {
      weights: Object.fromEntries(CRITERIA.map((c) => [c, weight])) as Record<
        Criterion,
        typeof weight
      >,
      bonus_per_point: boundedRule(t, 0, RATE_LIMIT),
    },
  });
  const submit = form.onSubmit((values) =>
    save.mutate(
      {
        version: rules.version,
        body: {
          weights: Object.fromEntries(
            CRITERIA.map((c) => [c, String(values.weights[c])]),
          ) as Record<Criterion, string>,
          bonus_per_point: String(values.bonus_per_point),
        },
      },
      {
        onSuccess: () => notifications.show({ color: 'green', message: t('settings.saved') }),
        onError: (error) => markRefusedFields(form, error, FIELDS, t),
      },
    ),
  );
  const stale = save.error instanceof ApiError && save.error.status === 412;
  return (
    <form onSubmit={submit} noValidate>
      <Stack maw={640}>
        {CRITERIA.map((criterion) => (
          <NumberInput
            key={criterion}
            label={t(`employeeKarma.criterion.${criterion}`)}
            description={t(`employeeKarma.criterionHint.${criterion}`)}
            min={-WEIGHT_LIMIT}
            max={WEIGHT_LIMIT}
            decimalScale={2}
            w={360}
            {...form.getInputProps(`weights.${criterion}`)}
          />
        ))}
        <NumberInput
          label={t('employeeKarma.rules.bonusPerPoint')}
          description={t('employeeKarma.rules.bonusPerPointHint')}
          min={0}
          max={RATE_LIMIT}
          decimalScale={2}
          w={360}
          {...form.getInputProps('bonus_per_point')}
        />
        <Refusal
          error={save.error}
          labels={{
            weights: 'employeeKarma.rules.weights',
            bonus_per_point: 'employeeKarma.rules.bonusPerPoint',
          }}
        />
        <Group>
          <Button type="submit" loading={save.isPending}>
            {t('settings.save')}
          </Button>
          {stale && (
            <Button variant="default" onClick={onReload}>
              {t('employeeKarma.rules.reload')}
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}
