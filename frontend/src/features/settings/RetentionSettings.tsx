import {
  Button,
  Group,
  Loader,
  NumberInput,
  Paper,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/problem';
import { maxLength, required, rules } from '../../forms/rules';
import {
  type CrossSellRule,
  DAYS_MAX,
  PATTERN_MAX_LENGTH,
  type RetentionSettings as Settings,
  SEGMENT_MAX_LENGTH,
  SEGMENTS_MAX,
  SUGGESTION_MAX_LENGTH,
  useCreateCrossSellRule,
  useCrossSellRules,
  useDeleteCrossSellRule,
  useRetentionSettings,
  useSaveRetentionSettings,
  useUpdateCrossSellRule,
} from '../retention/queries';
import { LoadError } from '../shell/LoadError';
import { markRefusedFields } from './formHelpers';
import { Refusal } from './Refusal';
import { DeleteButton } from './RowActions';

const LABELS = {
  abc_a_share: 'retention.settings.aShare',
  abc_b_share: 'retention.settings.bShare',
  sleeping_days: 'retention.settings.sleepingDays',
  sleeping_days_by_segment: 'retention.settings.segments',
} as const;
const RULE_LABELS = {
  product_pattern: 'retention.rules.pattern',
  after_days: 'retention.rules.afterDays',
  suggestion: 'retention.rules.suggestion',
} as const;

type NumberValue = number | string;

/** A share of the total in percent: above 0 and below 100, at most two decimals. */
function shareRule(t: TFunction) {
  return (value: NumberValue): string | null => {
    if (value === '' || value === null) return t('apiField.required');
    const number = Number(value);
    if (!Number.isFinite(number)) return t('apiField.number');
    if (number <= 0) return t('apiField.greater', { limit: 0 });
    if (number >= 100) return t('apiField.less', { limit: 100 });
    // As written, not as a float: 70.1 * 100 is not a whole number in binary.
    if (!/^\d+(\.\d{1,2})?$/.test(String(value))) return t('apiField.tooManyDecimals');
    return null;
  };
}

/** Whole days from 1 to DAYS_MAX, as the server takes them. */
function daysRule(t: TFunction) {
  return (value: NumberValue): string | null => {
    if (value === '' || value === null) return t('apiField.required');
    const number = Number(value);
    if (!Number.isInteger(number)) return t('apiField.integer');
    if (number < 1) return t('apiField.min', { limit: 1 });
    if (number > DAYS_MAX) return t('apiField.max', { limit: DAYS_MAX });
    return null;
  };
}

/** What ABC and sleeping clients count by, and the cross-sell rules that make offer tasks. */
export function RetentionSettings() {
  const { t } = useTranslation();
  const settings = useRetentionSettings();
  // Bumped by "Reload" after a 412: the form is made again from what was just read.
  const [reloads, setReloads] = useState(0);
  return (
    <Stack>
      <Title order={3}>{t('retention.settings.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('retention.settings.hint')}
      </Text>
      {settings.isPending && <Loader />}
      {settings.isError && (
        <LoadError onRetry={() => void settings.refetch()} retrying={settings.isFetching} />
      )}
      {settings.data && (
        <SettingsForm
          key={`${settings.data.version}-${reloads}`}
          settings={settings.data}
          onReload={() => void settings.refetch().then(() => setReloads((n) => n + 1))}
        />
      )}
      <CrossSellRules />
    </Stack>
  );
}

interface SegmentRow {
  key: number;
  segment: string;
  days: NumberValue;
}

let rowKeys = 0;
const segmentRow = (segment = '', days: NumberValue = ''): SegmentRow => {
  rowKeys += 1;
  return { key: rowKeys, segment, days };
};

function SettingsForm({ settings, onReload }: { settings: Settings; onReload: () => void }) {
  const { t, i18n } = useTranslation();
  const save = useSaveRetentionSettings();
  const share = shareRule(t);
  const days = daysRule(t);
  const form = useForm({
    initialValues: {
      abc_a_share: Number(settings.abc_a_share) as NumberValue,
      abc_b_share: Number(settings.abc_b_share) as NumberValue,
      sleeping_days: settings.sleeping_days as NumberValue,
      segments: Object.entries(settings.sleeping_days_by_segment ?? {}).map(([name, limit]) =>
        segmentRow(name, limit),
      ),
    },
    validateInputOnChange: true,
    validate: {
      abc_a_share: share,
      abc_b_share: (value, values) =>
        share(value) ??
        (share(values.abc_a_share) === null && Number(values.abc_a_share) + Number(value) >= 100
          ? t('retention.settings.sharesTooBig')
          : null),
      sleeping_days: days,
      segments: {
        segment: (value, values, path) => {
          const problem = rules(
            required(t, t('settings.required')),
            maxLength(t, SEGMENT_MAX_LENGTH),
          )(value);
          if (problem) return problem;
          const index = Number(path.split('.')[1]);
          const twice = values.segments.findIndex((row) => row.segment.trim() === value.trim());
          return twice !== index ? t('retention.settings.segmentTwice') : null;
        },
        days,
      },
    },
  });
  const { abc_a_share: a, abc_b_share: b } = form.values;
  const c = 100 - Number(a) - Number(b);
  const shownC =
    a === '' || b === '' || !Number.isFinite(c) || c <= 0
      ? '—'
      : new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 2 }).format(c);

  const submit = form.onSubmit((values) => {
    const segments = values.segments.map((row) => [row.segment.trim(), Number(row.days)] as const);
    // The server names a refused segment by its name; the form knows it by its row.
    const rename = Object.fromEntries(
      segments.map(([name], index) => [
        `sleeping_days_by_segment.${name}`,
        `segments.${index}.segment`,
      ]),
    );
    save.mutate(
      {
        version: settings.version,
        body: {
          abc_a_share: String(values.abc_a_share),
          abc_b_share: String(values.abc_b_share),
          sleeping_days: Number(values.sleeping_days),
          sleeping_days_by_segment: Object.fromEntries(segments),
        },
      },
      {
        onSuccess: () => notifications.show({ color: 'green', message: t('settings.saved') }),
        onError: (error) =>
          markRefusedFields(
            form,
            error,
            ['abc_a_share', 'abc_b_share', 'sleeping_days'],
            t,
            rename,
          ),
      },
    );
  });
  const stale = save.error instanceof ApiError && save.error.status === 412;

  return (
    <form onSubmit={submit} noValidate>
      <Stack maw={640}>
        <Text fw={600}>{t('retention.settings.abcTitle')}</Text>
        <Group align="flex-start" wrap="wrap">
          <NumberInput
            label={t(LABELS.abc_a_share)}
            min={0.01}
            max={99.99}
            decimalScale={2}
            suffix=" %"
            w={180}
            {...form.getInputProps('abc_a_share')}
          />
          <NumberInput
            label={t(LABELS.abc_b_share)}
            min={0.01}
            max={99.99}
            decimalScale={2}
            suffix=" %"
            w={180}
            {...form.getInputProps('abc_b_share')}
          />
          <Stack gap={4} pt={4}>
            <Text size="sm" fw={500}>
              {t('retention.settings.cShare')}
            </Text>
            <Text data-testid="abc-c-share">{t('retention.percent', { value: shownC })}</Text>
          </Stack>
        </Group>
        <Text size="xs" c="dimmed">
          {t('retention.settings.abcHint')}
        </Text>
        <Text fw={600}>{t('retention.settings.sleepingTitle')}</Text>
        <NumberInput
          label={t(LABELS.sleeping_days)}
          description={t('retention.settings.sleepingDaysHint')}
          min={1}
          max={DAYS_MAX}
          allowDecimal={false}
          w={260}
          {...form.getInputProps('sleeping_days')}
        />
        <Stack gap="xs">
          <Text size="sm" fw={500}>
            {t(LABELS.sleeping_days_by_segment)}
          </Text>
          <Text size="xs" c="dimmed">
            {t('retention.settings.segmentsHint')}
          </Text>
          {form.values.segments.map((row, index) => (
            <Group key={row.key} align="flex-start" wrap="nowrap" data-testid="segment-row">
              <TextInput
                label={t('retention.settings.segment')}
                w={240}
                {...form.getInputProps(`segments.${index}.segment`)}
              />
              <NumberInput
                label={t('retention.settings.segmentDays')}
                min={1}
                max={DAYS_MAX}
                allowDecimal={false}
                w={140}
                {...form.getInputProps(`segments.${index}.days`)}
              />
              <Button
                variant="subtle"
                color="red"
                mt={24}
                onClick={() => form.removeListItem('segments', index)}
              >
                {t('settings.delete')}
              </Button>
            </Group>
          ))}
          <Group>
            <Button
              variant="light"
              size="xs"
              disabled={form.values.segments.length >= SEGMENTS_MAX}
              onClick={() => form.insertListItem('segments', segmentRow())}
            >
              {t('retention.settings.addSegment')}
            </Button>
            {form.values.segments.length >= SEGMENTS_MAX && (
              <Text size="xs" c="dimmed">
                {t('retention.settings.segmentsFull', { limit: SEGMENTS_MAX })}
              </Text>
            )}
          </Group>
        </Stack>
        <Refusal error={save.error} labels={LABELS} />
        <Group>
          <Button type="submit" loading={save.isPending}>
            {t('settings.save')}
          </Button>
          {stale && (
            <Button variant="default" onClick={onReload}>
              {t('retention.settings.reload')}
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}

/** Offer tasks N days after a sale of a product whose name holds a pattern. */
function CrossSellRules() {
  const { t } = useTranslation();
  const list = useCrossSellRules();
  const create = useCreateCrossSellRule();
  const update = useUpdateCrossSellRule();
  const remove = useDeleteCrossSellRule();
  const form = useForm({
    initialValues: { product_pattern: '', after_days: 30 as NumberValue, suggestion: '' },
    validate: {
      product_pattern: rules(required(t, t('settings.required')), maxLength(t, PATTERN_MAX_LENGTH)),
      after_days: daysRule(t),
      suggestion: rules(required(t, t('settings.required')), maxLength(t, SUGGESTION_MAX_LENGTH)),
    },
  });
  const add = form.onSubmit((values) =>
    create.mutate(
      {
        product_pattern: values.product_pattern.trim(),
        after_days: Number(values.after_days),
        suggestion: values.suggestion.trim(),
        is_active: true,
      },
      {
        onSuccess: () => form.reset(),
        onError: (error) => markRefusedFields(form, error, Object.keys(RULE_LABELS), t),
      },
    ),
  );

  return (
    <Stack mt="lg">
      <Title order={4}>{t('retention.rules.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('retention.rules.hint')}
      </Text>
      <Paper withBorder p="sm">
        <form onSubmit={add} noValidate aria-label={t('retention.rules.addTitle')}>
          <Group align="flex-start" wrap="wrap">
            <TextInput
              label={t(RULE_LABELS.product_pattern)}
              placeholder={t('retention.rules.patternPlaceholder')}
              w={220}
              {...form.getInputProps('product_pattern')}
            />
            <NumberInput
              label={t(RULE_LABELS.after_days)}
              min={1}
              max={DAYS_MAX}
              allowDecimal={false}
              w={140}
              {...form.getInputProps('after_days')}
            />
            <TextInput
              label={t(RULE_LABELS.suggestion)}
              placeholder={t('retention.rules.suggestionPlaceholder')}
              style={{ flex: '1 1 16rem' }}
              {...form.getInputProps('suggestion')}
            />
            <Button type="submit" mt={24} loading={create.isPending}>
              {t('retention.rules.add')}
            </Button>
          </Group>
        </form>
      </Paper>
      <Refusal error={create.error ?? update.error ?? remove.error} labels={RULE_LABELS} />
      {list.isPending && <Loader />}
      {list.isError && <LoadError onRetry={() => void list.refetch()} retrying={list.isFetching} />}
      {list.data?.length === 0 && <Text c="dimmed">{t('retention.rules.empty')}</Text>}
      {list.data && list.data.length > 0 && (
        <Table.ScrollContainer minWidth={560}>
          <Table striped withTableBorder aria-label={t('retention.rules.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t(RULE_LABELS.product_pattern)}</Table.Th>
                <Table.Th ta="right">{t(RULE_LABELS.after_days)}</Table.Th>
                <Table.Th>{t(RULE_LABELS.suggestion)}</Table.Th>
                <Table.Th>{t('settings.active')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.map((rule: CrossSellRule) => (
                <Table.Tr key={rule.id} data-testid="cross-sell-rule">
                  <Table.Td>{rule.product_pattern}</Table.Td>
                  <Table.Td ta="right">{rule.after_days}</Table.Td>
                  <Table.Td>{rule.suggestion}</Table.Td>
                  <Table.Td>
                    <Switch
                      aria-label={t('retention.rules.activeOf', { pattern: rule.product_pattern })}
                      checked={rule.is_active}
                      disabled={update.isPending && update.variables.rule.id === rule.id}
                      onChange={(event) =>
                        update.mutate({ rule, body: { is_active: event.currentTarget.checked } })
                      }
                    />
                  </Table.Td>
                  <Table.Td>
                    <Group justify="flex-end">
                      <DeleteButton
                        onDelete={() => remove.mutate(rule)}
                        confirmText={t('retention.rules.confirmDelete', {
                          pattern: rule.product_pattern,
                        })}
                      />
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
