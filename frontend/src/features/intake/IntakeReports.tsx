import {
  Group,
  Loader,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import type { ParseKeys, TFunction } from 'i18next';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadError } from '../shell/LoadError';
import { useSearchParams } from 'react-router-dom';
import { errorMessage } from '../../api/problem';
import {
  type Grouping,
  GROUPINGS,
  isReportKind,
  REPORT_KINDS,
  type ReportKind,
  useIntakeReport,
} from './reports';

// ECharts comes with the chart only, after the figures are on screen.
const IntakeReportChart = lazy(async () => ({
  default: (await import('./IntakeReportChart')).IntakeReportChart,
}));

type Measure =
  | 'leads'
  | 'with_deal'
  | 'assigned'
  | 'responded'
  | 'spam'
  | 'calls'
  | 'inbound'
  | 'outbound'
  | 'answered'
  | 'missed'
  | 'talk_seconds'
  | 'called_back'
  | 'average_seconds'
  | 'median_seconds'
  | 'max_seconds'
  | 'p90_seconds';

// What a group without a value is called (no source, nobody assigned yet...).
const NONE: Record<Grouping, ParseKeys> = {
  source: 'reports.none.source',
  campaign: 'reports.none.campaign',
  channel: 'reports.none.channel',
  manager: 'reports.none.manager',
  tracking_number: 'reports.none.tracking_number',
  client: 'reports.none.client',
  deal: 'reports.none.deal',
  stale_deal: 'reports.none.deal',
  kind: 'reports.none.other',
  day: 'reports.none.other',
};

/** The measures of each report: the first is what the rows are sorted by. */
const MEASURES: Record<ReportKind, readonly Measure[]> = {
  leads: ['leads', 'with_deal', 'assigned', 'responded', 'spam'],
  calls: ['calls', 'inbound', 'outbound', 'answered', 'missed', 'talk_seconds'],
  'missed-calls': ['missed', 'called_back', 'average_seconds', 'median_seconds', 'max_seconds'],
  'response-times': ['assigned', 'responded', 'average_seconds', 'median_seconds', 'p90_seconds'],
};
const CHARTED: Record<ReportKind, readonly Measure[]> = {
  leads: ['leads', 'with_deal'],
  calls: ['answered', 'missed'],
  'missed-calls': ['missed', 'called_back'],
  'response-times': ['assigned', 'responded'],
};
const CHART_ROWS = 15;
const CHART_DAYS = 31;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

type Figures = Record<string, number | string | null | undefined>;

function duration(seconds: number, t: TFunction): string {
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  if (hours > 0) return t('reports.duration.hours', { hours, minutes });
  if (minutes > 0) return t('reports.duration.minutes', { minutes, seconds: whole % 60 });
  return t('reports.duration.seconds', { seconds: whole });
}

/** Intake reports: leads and calls by source, channel, campaign, tracking number, manager or
 * day; missed calls and the time to call back; how fast managers answer their leads. */
export function IntakeReports() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const asked = params.get('report');
  const kind: ReportKind = isReportKind(asked) ? asked : 'leads';
  const groupings = GROUPINGS[kind];
  const groupBy: Grouping =
    groupings.find((g) => g === params.get('by')) ?? groupings[0] ?? 'source';
  const dateFrom = DAY.test(params.get('from') ?? '') ? params.get('from') : null;
  const dateTo = DAY.test(params.get('to') ?? '') ? params.get('to') : null;
  const report = useIntakeReport({ kind, groupBy, dateFrom, dateTo });

  const change = (values: Record<string, string | null>) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries(values)) {
          if (value) next.set(key, value);
          else next.delete(key);
        }
        return next;
      },
      { replace: true },
    );

  const numbers = new Intl.NumberFormat(i18n.language);
  const days = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeZone: 'UTC' });
  const dayText = (day: string) => days.format(new Date(`${day}T00:00:00Z`));
  const measure = (name: string, value: Figures[string]): string => {
    if (value === null || value === undefined) return '—';
    const number = Number(value);
    return name.endsWith('_seconds') ? duration(number, t) : numbers.format(number);
  };
  const label = (row: Figures): string => {
    const key = row.key as string | null;
    if (key === null) return t(NONE[groupBy]);
    if (groupBy === 'day') return dayText(key);
    if (groupBy === 'kind') return t(`reports.kinds.${key}`, { defaultValue: key });
    return (row.label as string | null) ?? key;
  };

  const data = report.data;
  const rows = (data?.rows ?? []) as unknown as Figures[];
  const total = data?.total as unknown as Figures | undefined;
  const measures = MEASURES[kind];
  // The largest groups; by day the last month of the period, in order.
  const charted = groupBy === 'day' ? rows.slice(-CHART_DAYS) : rows.slice(0, CHART_ROWS);

  return (
    <Stack>
      <Title order={2}>{t('reports.title')}</Title>
      <Text c="dimmed" size="sm">
        {t('reports.intro')}
      </Text>
      <Tabs
        value={kind}
        onChange={(value) => value && change({ report: value, by: null })}
        keepMounted={false}
      >
        <Tabs.List>
          {REPORT_KINDS.map((value) => (
            <Tabs.Tab key={value} value={value}>
              {t(`reports.kind.${value}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <Group align="flex-end" wrap="wrap">
        {groupings.length > 1 && (
          <Select
            label={t('reports.groupBy')}
            value={groupBy}
            allowDeselect={false}
            onChange={(value) => change({ by: value })}
            data={groupings.map((value) => ({ value, label: t(`reports.by.${value}`) }))}
            w={220}
          />
        )}
        <TextInput
          type="date"
          label={t('reports.from')}
          value={dateFrom ?? ''}
          onChange={(event) => change({ from: event.currentTarget.value })}
          w={170}
        />
        <TextInput
          type="date"
          label={t('reports.to')}
          value={dateTo ?? ''}
          onChange={(event) => change({ to: event.currentTarget.value })}
          w={170}
        />
      </Group>
      {data && (
        <Text size="sm" data-testid="report-period">
          {t('reports.period', {
            from: dayText(data.period.date_from),
            to: dayText(data.period.date_to),
          })}
        </Text>
      )}
      {report.isPending && <Loader aria-label={t('reports.loading')} />}
      {report.isError && (
        <LoadError
          message={errorMessage(report.error, t)}
          onRetry={() => void report.refetch()}
          retrying={report.isFetching}
        />
      )}
      {total && (
        <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} data-testid="report-totals">
          {measures.slice(0, 5).map((name) => (
            <Paper key={name} withBorder p="sm">
              <Text size="xs" c="dimmed">
                {t(`reports.measure.${name}`)}
              </Text>
              <Text fw={700} size="xl">
                {measure(name, total[name])}
              </Text>
            </Paper>
          ))}
        </SimpleGrid>
      )}
      {data && rows.length === 0 && <Text>{t('reports.empty')}</Text>}
      {charted.length > 0 && (
        <Suspense fallback={<Loader size="sm" aria-label={t('reports.loading')} />}>
          <IntakeReportChart
            title={t('reports.chartTitle', {
              report: t(`reports.kind.${kind}`),
              by: t(`reports.by.${groupBy}`),
            })}
            labels={charted.map(label)}
            series={CHARTED[kind].map((name) => ({
              name: t(`reports.measure.${name}`),
              values: charted.map((row) => Number(row[name] ?? 0)),
            }))}
          />
        </Suspense>
      )}
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={560} tabIndex={0} aria-label={t('reports.tableLabel')}>
          <Table data-testid="report-table" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t(`reports.by.${groupBy}`)}</Table.Th>
                {measures.map((name) => (
                  <Table.Th key={name} ta="right">
                    {t(`reports.measure.${name}`)}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={String(row.key)}>
                  <Table.Td>{label(row)}</Table.Td>
                  {measures.map((name) => (
                    <Table.Td key={name} ta="right">
                      {measure(name, row[name])}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {data?.truncated && (
        <Text size="sm" c="dimmed">
          {t('reports.truncated')}
        </Text>
      )}
    </Stack>
  );
}
