import {
  Anchor,
  Loader,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { lazy, Suspense, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { errorMessage } from '../../api/problem';
import { formatMoney } from '../deals/money';
import { cohortDealsLink, type Cohort } from '../dashboard/links';
import { useFunnels } from '../deals/queries';
import { LoadError } from '../shell/LoadError';
import type * as Charts from './AnalyticsCharts';
import { AnalyticsTabs } from './AnalyticsTabs';
import { EstimatedMedian } from './EstimatedMedian';
import { useAnalyticsFilters } from './filterParams';
import { AnalyticsFilterBar } from './filters';
import { useMedianPrecision } from './medianPrecision';
import { useFunnelAnalytics, type FunnelAnalytics } from './queries';

// ECharts comes with the charts only, after the figures are on screen: one chunk, asked once.
let charts: Promise<typeof Charts> | undefined;
const loadCharts = () => (charts ??= import('./AnalyticsCharts'));
const StageFunnelChart = lazy(async () => ({ default: (await loadCharts()).StageFunnelChart }));
const LossReasonsChart = lazy(async () => ({ default: (await loadCharts()).LossReasonsChart }));

/** /analytics/funnel: a funnel's conversion, time in stage, win rate and loss reasons for a
 * period, over the deals the caller sees; the filters live in the URL. */
export function FunnelAnalyticsPage() {
  const { t, i18n } = useTranslation();
  const funnels = useFunnels();
  const { params, change } = useAnalyticsFilters();
  const analytics = useFunnelAnalytics(params);
  const data = analytics.data;
  const language = i18n.language;

  return (
    <Stack>
      <Title order={2}>{t('analytics.title')}</Title>
      <AnalyticsTabs current="funnel" />
      <Text c="dimmed" size="sm">
        {t('analytics.intro')}
      </Text>
      <AnalyticsFilterBar
        params={params}
        change={change}
        funnel={
          <Select
            label={t('analytics.funnel')}
            data={(funnels.data ?? []).map((fu) => ({ value: fu.id, label: fu.name }))}
            value={data?.funnel_id ?? params.funnelId}
            onChange={(value) => change({ funnel: value })}
            allowDeselect={false}
            w={220}
          />
        }
      />
      {analytics.isPending && <Loader aria-label={t('analytics.loading')} />}
      {analytics.isError && (
        <LoadError
          message={errorMessage(analytics.error, t)}
          onRetry={() => void analytics.refetch()}
          retrying={analytics.isFetching}
        />
      )}
      {data && <Figures data={data} cohort={params} language={language} />}
    </Stack>
  );
}

type Figure = string | number | null;

/** The figures; a count opens the deals behind it (the cohort narrowed to what it counts). */
function Figures({
  data,
  cohort,
  language,
}: {
  data: FunnelAnalytics;
  cohort: Cohort;
  language: string;
}) {
  const { t } = useTranslation();
  const precision = useMedianPrecision();
  const count = new Intl.NumberFormat(language);
  const tenth = new Intl.NumberFormat(language, {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
  const percent = (value: Figure) =>
    value === null ? '—' : t('analytics.percent', { value: tenth.format(Number(value)) });
  const hours = (value: Figure) =>
    value === null ? '—' : t('analytics.hours', { value: tenth.format(Number(value)) });
  const days = (value: Figure) =>
    value === null ? '—' : t('analytics.days', { value: tenth.format(Number(value)) });
  const totals = data.totals;
  const reasonName = (name: string | null) => name ?? t('analytics.noReason');

  return (
    <>
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} data-testid="analytics-totals">
        <Card label={t('analytics.deals')} value={count.format(totals.deals)}>
          {t('analytics.statuses', {
            won: count.format(totals.won),
            lost: count.format(totals.lost),
            open: count.format(totals.open),
          })}
        </Card>
        <Card label={t('analytics.winRate')} value={percent(totals.win_rate)}>
          {t('analytics.winRateHint')}
        </Card>
        <Card
          label={t('analytics.averageWon')}
          value={
            totals.average_won.length === 0
              ? '—'
              : totals.average_won
                  .map((a) => formatMoney(a.average_amount, a.currency, language))
                  .join(' · ')
          }
        >
          {totals.average_won.length > 1 && t('analytics.perCurrency')}
        </Card>
        <Card label={t('analytics.cycle')} value={days(totals.cycle_average_days)}>
          {t('analytics.median')}{' '}
          <EstimatedMedian value={totals.cycle_median_days}>
            {days(totals.cycle_median_days)}
          </EstimatedMedian>
        </Card>
      </SimpleGrid>
      {totals.deals === 0 ? (
        <Text>{t('analytics.empty')}</Text>
      ) : (
        <Suspense fallback={<Loader size="sm" aria-label={t('analytics.loading')} />}>
          <StageFunnelChart
            title={t('analytics.funnelChart')}
            steps={data.stages.map((stage, index) => {
              const previous = index > 0 ? data.stages[index - 1] : undefined;
              return {
                name: stage.name,
                reached: stage.reached,
                label: previous
                  ? `${stage.name}: ${count.format(stage.reached)} (${percent(previous.conversion_to_next)})`
                  : `${stage.name}: ${count.format(stage.reached)}`,
              };
            })}
          />
        </Suspense>
      )}
      <Title order={3} size="h4">
        {t('analytics.stagesTitle')}
      </Title>
      <Table.ScrollContainer minWidth={720}>
        <Table striped withTableBorder aria-label={t('analytics.stagesTitle')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('analytics.stage')}</Table.Th>
              <Table.Th ta="right">{t('analytics.reached')}</Table.Th>
              <Table.Th ta="right">{t('analytics.conversionToNext')}</Table.Th>
              <Table.Th ta="right">{t('analytics.conversionFromFirst')}</Table.Th>
              <Table.Th ta="right">{t('analytics.averageTime')}</Table.Th>
              <Table.Th ta="right">{t('analytics.medianTime')}</Table.Th>
              <Table.Th ta="right">{t('analytics.stale')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.stages.map((stage) => (
              <Table.Tr key={stage.stage_id}>
                <Table.Td>{stage.name}</Table.Td>
                <Table.Td ta="right">
                  <Anchor
                    component={Link}
                    to={cohortDealsLink(cohort, data.funnel_id, { reached_stage: stage.stage_id })}
                    size="sm"
                  >
                    {count.format(stage.reached)}
                  </Anchor>
                </Table.Td>
                <Table.Td ta="right">{percent(stage.conversion_to_next)}</Table.Td>
                <Table.Td ta="right">{percent(stage.conversion_from_first)}</Table.Td>
                <Table.Td ta="right">{hours(stage.average_hours)}</Table.Td>
                <Table.Td ta="right">
                  <EstimatedMedian value={stage.median_hours}>
                    {hours(stage.median_hours)}
                  </EstimatedMedian>
                </Table.Td>
                <Table.Td ta="right">
                  {stage.stale > 0 ? (
                    <Anchor
                      component={Link}
                      to={cohortDealsLink(cohort, data.funnel_id, {
                        stage: stage.stage_id,
                        stale: 'true',
                      })}
                      size="sm"
                    >
                      {count.format(stage.stale)}
                    </Anchor>
                  ) : (
                    count.format(stage.stale)
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Text size="xs" c="dimmed">
        {t('analytics.timeHint')} {t('analytics.medianHint', { precision })}
      </Text>
      <Title order={3} size="h4">
        {t('analytics.lossTitle')}
      </Title>
      {data.loss_reasons.length === 0 ? (
        <Text c="dimmed">{t('analytics.noLosses')}</Text>
      ) : (
        <>
          <Suspense fallback={<Loader size="sm" aria-label={t('analytics.loading')} />}>
            <LossReasonsChart
              title={t('analytics.lossChart')}
              labels={data.loss_reasons.map((r) => reasonName(r.name))}
              counts={data.loss_reasons.map((r) => r.count)}
            />
          </Suspense>
          <Table striped withTableBorder aria-label={t('analytics.lossTitle')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('analytics.reason')}</Table.Th>
                <Table.Th ta="right">{t('analytics.count')}</Table.Th>
                <Table.Th ta="right">{t('analytics.amount')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.loss_reasons.map((r) => (
                <Table.Tr key={r.reason_id ?? 'none'}>
                  <Table.Td>{reasonName(r.name)}</Table.Td>
                  <Table.Td ta="right">
                    {r.reason_id ? (
                      <Anchor
                        component={Link}
                        to={cohortDealsLink(cohort, data.funnel_id, {
                          status: 'lost',
                          loss_reason: r.reason_id,
                        })}
                        size="sm"
                      >
                        {count.format(r.count)}
                      </Anchor>
                    ) : (
                      count.format(r.count)
                    )}
                  </Table.Td>
                  <Table.Td ta="right">
                    {r.amounts.map((a) => formatMoney(a.amount, a.currency, language)).join(' · ')}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
    </>
  );
}

export function Card({
  label,
  value,
  children,
}: {
  label: string;
  value: string;
  children?: ReactNode;
}) {
  return (
    <Paper withBorder p="sm" aria-label={label} role="group">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="xl">
        {value}
      </Text>
      {children && (
        <Text size="xs" c="dimmed">
          {children}
        </Text>
      )}
    </Paper>
  );
}
