import {
  Anchor,
  Badge,
  Loader,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Table,
  Text,
} from '@mantine/core';
import { lazy, Suspense, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { EstimatedMedian } from '../analytics/EstimatedMedian';
import { formatMoney } from '../deals/money';
import { periodLabel, type PeriodValue } from '../kpi/period';
import type * as Charts from './DashboardCharts';
import type { DashboardFilters } from './filters';
import {
  analyticsLink,
  cohortDealsLink,
  sourceLeadsLink,
  turnoverLink,
  type TurnoverBasis,
} from './links';
import {
  SLEEPING_SHOWN,
  useDashboardAbc,
  useDashboardFulfilment,
  useDashboardFunnel,
  useDashboardLeaderboard,
  useDashboardMarketing,
  useDashboardNps,
  useDashboardSleeping,
  useDashboardWorkTime,
  type SubjectFulfilment,
  type WorkTime,
} from './queries';
import { WidgetCard } from './WidgetCard';

// ECharts comes with the charts only, after the figures are on screen: one chunk, asked once.
let charts: Promise<typeof Charts> | undefined;
const loadCharts = () => (charts ??= import('./DashboardCharts'));
const PlanFactChart = lazy(async () => ({ default: (await loadCharts()).PlanFactChart }));
const ConversionChart = lazy(async () => ({ default: (await loadCharts()).ConversionChart }));
const LossReasonsPie = lazy(async () => ({ default: (await loadCharts()).LossReasonsPie }));
const WorkTimeHeatmap = lazy(async () => ({ default: (await loadCharts()).WorkTimeHeatmap }));

type Figure = string | number | null;

/** How figures read in the reader's language. */
function useFormat() {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const count = new Intl.NumberFormat(language);
  const tenth = new Intl.NumberFormat(language, {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
  return {
    language,
    count: (value: number) => count.format(value),
    percent: (value: Figure) =>
      value === null ? '—' : t('dashboard.percent', { value: tenth.format(Number(value)) }),
    hours: (value: Figure) =>
      value === null ? '—' : t('dashboard.hours', { value: tenth.format(Number(value)) }),
    money: (value: Figure, currency: string) =>
      value === null ? '—' : formatMoney(value, currency, language),
  };
}

function ChartSlot({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Suspense fallback={<Loader size="sm" aria-label={t('dashboard.loading')} />}>
      {children}
    </Suspense>
  );
}

const turnover = (row: SubjectFulfilment) => row.metrics.find((m) => m.metric === 'turnover');

/** Turnover plan, fact and forecast per employee (a chart and a row each) and per department. */
export function PlanWidget({
  period,
  departmentId,
}: {
  period: PeriodValue;
  departmentId: string | null;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const query = useDashboardFulfilment(period, departmentId);
  return (
    <WidgetCard
      title={t('dashboard.plan.title')}
      testId="plan-widget"
      applies={['period', 'department']}
      more="/plans"
      query={query}
    >
      {(data) => {
        const money = (value: Figure) => f.money(value, data.currency);
        const charted = data.employees
          .filter((row) => {
            const m = turnover(row);
            return m && (m.plan !== null || Number(m.fact) > 0 || Number(m.forecast ?? 0) > 0);
          })
          .slice(0, 12);
        return (
          <>
            <Text size="sm" c="dimmed">
              {t('dashboard.plan.period', {
                period: periodLabel(period.kind, period.start, f.language),
              })}
              {' · '}
              {t(`kpi.basis.${data.basis}`, { currency: data.currency })}
            </Text>
            {charted.length > 0 && (
              <ChartSlot>
                <PlanFactChart
                  title={t('dashboard.plan.chart')}
                  format={(value) => money(value)}
                  bars={{
                    names: charted.map((row) => row.name),
                    plan: charted.map((row) => nullableNumber(turnover(row)?.plan)),
                    fact: charted.map((row) => Number(turnover(row)?.fact ?? 0)),
                    forecast: charted.map((row) => nullableNumber(turnover(row)?.forecast)),
                    legend: {
                      plan: t('dashboard.plan.plan'),
                      fact: t('dashboard.plan.fact'),
                      forecast: t('dashboard.plan.forecast'),
                    },
                  }}
                />
              </ChartSlot>
            )}
            <PlanTable
              caption={t('dashboard.plan.employees')}
              rows={data.employees}
              money={money}
              link={(row) => turnoverLink(period, data, { responsible: row.id })}
              testId={(row) => `plan-row-${row.id}`}
            />
            {data.departments.length > 0 && (
              <PlanTable
                caption={t('dashboard.plan.departments')}
                rows={data.departments}
                money={money}
                link={(row) => turnoverLink(period, data, { department: row.id })}
                testId={(row) => `plan-department-${row.id}`}
              />
            )}
          </>
        );
      }}
    </WidgetCard>
  );
}

const nullableNumber = (value: Figure | undefined) =>
  value === null || value === undefined ? null : Number(value);

function percentColor(percent: number): string {
  if (percent >= 100) return 'green';
  if (percent >= 70) return 'yellow';
  return 'red';
}

function PlanTable({
  caption,
  rows,
  money,
  link,
  testId,
}: {
  caption: string;
  rows: SubjectFulfilment[];
  money: (value: Figure) => string;
  link?: (row: SubjectFulfilment) => string;
  testId: (row: SubjectFulfilment) => string;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  if (rows.length === 0) return <Text c="dimmed">{t('dashboard.plan.empty')}</Text>;
  return (
    <Table.ScrollContainer minWidth={480}>
      <Table striped withTableBorder aria-label={caption}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{caption}</Table.Th>
            <Table.Th ta="right">{t('dashboard.plan.plan')}</Table.Th>
            <Table.Th ta="right">{t('dashboard.plan.fact')}</Table.Th>
            <Table.Th ta="right">{t('dashboard.plan.percentColumn')}</Table.Th>
            <Table.Th ta="right">{t('dashboard.plan.forecast')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => {
            const m = turnover(row);
            return (
              <Table.Tr key={row.id} data-testid={testId(row)}>
                <Table.Td>
                  {link ? (
                    <Anchor component={Link} to={link(row)} size="sm">
                      {row.name}
                    </Anchor>
                  ) : (
                    row.name
                  )}
                </Table.Td>
                <Table.Td ta="right">{money(m?.plan ?? null)}</Table.Td>
                <Table.Td ta="right" data-testid="plan-fact">
                  {money(m?.fact ?? null)}
                </Table.Td>
                <Table.Td ta="right" data-testid="plan-percent">
                  {m?.percent === null || m?.percent === undefined ? (
                    '—'
                  ) : (
                    <Badge variant="light" color={percentColor(Number(m.percent))}>
                      {f.percent(m.percent)}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td ta="right">{money(m?.forecast ?? null)}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** The five best by turnover plan fulfilment: open to everyone, names and percentages only. */
export function LeaderboardWidget({
  period,
  linksTo,
  basis,
}: {
  period: PeriodValue;
  /** Whose turnover list (won deals or payments) the caller may open from a row. */
  linksTo: (userId: string) => boolean;
  /** What turnover counts (from the plan widget's fulfilment answer): a row opens its list. */
  basis?: TurnoverBasis;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const query = useDashboardLeaderboard(period);
  return (
    <WidgetCard
      title={t('dashboard.leaderboard.title')}
      testId="leaderboard-widget"
      applies={['period']}
      more="/plans/leaderboard"
      query={query}
      isEmpty={(data) => data.items.length === 0}
      emptyText={t('dashboard.leaderboard.empty')}
    >
      {(data) => (
        <Table aria-label={t('dashboard.leaderboard.title')}>
          <Table.Tbody>
            {data.items.slice(0, 5).map((entry) => (
              <Table.Tr key={entry.user_id}>
                <Table.Td w={32}>{entry.rank}</Table.Td>
                <Table.Td>
                  {linksTo(entry.user_id) ? (
                    <Anchor
                      component={Link}
                      to={turnoverLink(period, basis, { responsible: entry.user_id })}
                      size="sm"
                    >
                      {entry.name}
                    </Anchor>
                  ) : (
                    entry.name
                  )}
                </Table.Td>
                <Table.Td ta="right">{f.percent(entry.percent)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </WidgetCard>
  );
}

/** How far the period's deals got (a funnel) and how long they stayed in each stage. */
export function FunnelWidget({ filters }: { filters: DashboardFilters }) {
  const { t } = useTranslation();
  const f = useFormat();
  const query = useDashboardFunnel(filters);
  return (
    <WidgetCard
      title={t('dashboard.funnel.title')}
      testId="funnel-widget"
      applies={['period', 'funnel', 'department', 'source']}
      more={analyticsLink(filters)}
      query={query}
      isEmpty={(data) => data.totals.deals === 0}
      emptyText={t('dashboard.funnel.empty')}
    >
      {(data) => (
        <>
          <Text size="sm">
            {t('dashboard.funnel.summary', {
              funnel: data.funnel_name,
              deals: f.count(data.totals.deals),
              winRate: f.percent(data.totals.win_rate),
            })}
          </Text>
          <ChartSlot>
            <ConversionChart
              title={t('dashboard.funnel.chart')}
              steps={data.stages.map((stage, index) => {
                const previous = index > 0 ? data.stages[index - 1] : undefined;
                const reached = f.count(stage.reached);
                return {
                  name: stage.name,
                  reached: stage.reached,
                  label: previous
                    ? `${reached} (${f.percent(previous.conversion_to_next)})`
                    : reached,
                };
              })}
            />
          </ChartSlot>
          <Table.ScrollContainer minWidth={420}>
            <Table striped withTableBorder aria-label={t('dashboard.funnel.stages')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('dashboard.funnel.stage')}</Table.Th>
                  <Table.Th ta="right">{t('dashboard.funnel.reached')}</Table.Th>
                  <Table.Th ta="right">{t('dashboard.funnel.conversion')}</Table.Th>
                  <Table.Th ta="right">{t('dashboard.funnel.average')}</Table.Th>
                  <Table.Th ta="right">{t('dashboard.funnel.median')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.stages.map((stage) => (
                  <Table.Tr key={stage.stage_id}>
                    <Table.Td>{stage.name}</Table.Td>
                    <Table.Td ta="right">
                      <Anchor
                        component={Link}
                        size="sm"
                        to={cohortDealsLink(filters, data.funnel_id, {
                          reached_stage: stage.stage_id,
                        })}
                      >
                        {f.count(stage.reached)}
                      </Anchor>
                    </Table.Td>
                    <Table.Td ta="right">{f.percent(stage.conversion_to_next)}</Table.Td>
                    <Table.Td ta="right">{f.hours(stage.average_hours)}</Table.Td>
                    <Table.Td ta="right">
                      <EstimatedMedian value={stage.median_hours}>
                        {f.hours(stage.median_hours)}
                      </EstimatedMedian>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </WidgetCard>
  );
}

/** Why the period's deals were lost: a ring and the counts, each opening the lost deals. */
export function LossReasonsWidget({ filters }: { filters: DashboardFilters }) {
  const { t } = useTranslation();
  const f = useFormat();
  // The same answer as the funnel widget's: one request for both.
  const query = useDashboardFunnel(filters);
  return (
    <WidgetCard
      title={t('dashboard.loss.title')}
      testId="loss-widget"
      applies={['period', 'funnel', 'department', 'source']}
      more={analyticsLink(filters)}
      query={query}
      isEmpty={(data) => data.loss_reasons.length === 0}
      emptyText={t('dashboard.loss.empty')}
    >
      {(data) => {
        const name = (reason: string | null) => reason ?? t('dashboard.loss.noReason');
        return (
          <>
            <ChartSlot>
              <LossReasonsPie
                title={t('dashboard.loss.chart')}
                slices={data.loss_reasons.map((r) => ({ name: name(r.name), value: r.count }))}
              />
            </ChartSlot>
            <Table aria-label={t('dashboard.loss.title')}>
              <Table.Tbody>
                {data.loss_reasons.map((reason) => (
                  <Table.Tr key={reason.reason_id ?? 'none'}>
                    <Table.Td>{name(reason.name)}</Table.Td>
                    <Table.Td ta="right">
                      {reason.reason_id ? (
                        <Anchor
                          component={Link}
                          to={cohortDealsLink(filters, data.funnel_id, {
                            status: 'lost',
                            loss_reason: reason.reason_id,
                          })}
                          size="sm"
                        >
                          {f.count(reason.count)}
                        </Anchor>
                      ) : (
                        // Deals lost without a reason (only imported ones) have no filter.
                        f.count(reason.count)
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </>
        );
      }}
    </WidgetCard>
  );
}

/** Cost, revenue and return per source and campaign over the period's months. */
export function MarketingWidget({ filters }: { filters: DashboardFilters }) {
  const { t } = useTranslation();
  const f = useFormat();
  const query = useDashboardMarketing(filters);
  return (
    <WidgetCard
      title={t('dashboard.marketing.title')}
      testId="marketing-widget"
      applies={['period', 'funnel']}
      more="/marketing"
      query={query}
      isEmpty={(data) => data.items.length === 0}
      emptyText={t('dashboard.marketing.empty')}
    >
      {(data) => (
        <Table.ScrollContainer minWidth={420}>
          <Table striped withTableBorder aria-label={t('dashboard.marketing.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('dashboard.marketing.source')}</Table.Th>
                <Table.Th ta="right">{t('dashboard.marketing.cost')}</Table.Th>
                <Table.Th ta="right">{t('dashboard.marketing.revenue')}</Table.Th>
                <Table.Th ta="right">{t('dashboard.marketing.roi')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.items.slice(0, 8).map((row) => (
                <Table.Tr key={`${row.source ?? ''}\u0000${row.campaign ?? ''}`}>
                  <Table.Td>
                    {row.source ? (
                      <Anchor
                        component={Link}
                        to={sourceLeadsLink(data.first_month, data.last_month, row.source)}
                        size="sm"
                      >
                        {row.source}
                      </Anchor>
                    ) : (
                      t('dashboard.marketing.noSource')
                    )}
                    {row.campaign && (
                      <Text size="xs" c="dimmed">
                        {row.campaign}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="right">{f.money(row.cost, data.currency)}</Table.Td>
                  <Table.Td ta="right">{f.money(row.revenue, data.currency)}</Table.Td>
                  <Table.Td ta="right">{f.percent(row.return_on_spend)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </WidgetCard>
  );
}

/** The three ABC classes' clients and share, each opening its clients in the ABC report. */
export function AbcWidget({ filters }: { filters: DashboardFilters }) {
  const { t } = useTranslation();
  const f = useFormat();
  const query = useDashboardAbc(filters);
  const report = (abcClass?: string) => {
    const q = new URLSearchParams({ from: filters.from, to: filters.to });
    if (abcClass) q.set('class', abcClass);
    return `/retention/abc?${q.toString()}`;
  };
  return (
    <WidgetCard
      title={t('dashboard.abc.title')}
      testId="abc-widget"
      applies={['period']}
      more={report()}
      query={query}
      isEmpty={(data) => data.clients === 0}
      emptyText={t('dashboard.abc.empty')}
    >
      {(data) => (
        <SimpleGrid cols={3} spacing="xs">
          {data.classes.map((c) => (
            <Paper
              key={c.abc_class}
              withBorder
              p="xs"
              role="group"
              aria-label={t('dashboard.abc.class', { class: c.abc_class })}
            >
              <Anchor component={Link} to={report(c.abc_class)} fw={700} size="lg">
                {t('dashboard.abc.class', { class: c.abc_class })}
              </Anchor>
              <Text size="sm">{t('dashboard.abc.clients', { count: f.count(c.clients) })}</Text>
              <Text size="sm">{f.money(c.amount, data.currency)}</Text>
              <Text size="xs" c="dimmed">
                {t('dashboard.abc.share', { share: f.percent(c.share) })}
              </Text>
            </Paper>
          ))}
        </SimpleGrid>
      )}
    </WidgetCard>
  );
}

/** How many clients have not bought for longer than their limit, and the five asleep longest. */
export function SleepingWidget() {
  const { t } = useTranslation();
  const f = useFormat();
  const query = useDashboardSleeping();
  return (
    <WidgetCard
      title={t('dashboard.sleeping.title')}
      testId="sleeping-widget"
      applies={[]}
      more="/retention/sleeping"
      query={query}
    >
      {(data) => {
        const count = f.count(data.total);
        return (
          <>
            <Anchor
              component={Link}
              to="/retention/sleeping"
              fw={700}
              size="xl"
              aria-label={t('dashboard.sleeping.count', { count })}
            >
              {count}
            </Anchor>
            {data.items.length === 0 ? (
              <Text c="dimmed">{t('dashboard.sleeping.empty')}</Text>
            ) : (
              <Table aria-label={t('dashboard.sleeping.top')}>
                <Table.Tbody>
                  {data.items.slice(0, SLEEPING_SHOWN).map((client) => (
                    <Table.Tr key={client.client_id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/clients/${client.client_id}`} size="sm">
                          {client.name}
                        </Anchor>
                      </Table.Td>
                      <Table.Td ta="right">
                        {t('dashboard.sleeping.days', {
                          days: f.count(client.days_without_purchase),
                        })}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </>
        );
      }}
    </WidgetCard>
  );
}

/** The period's net promoter score, and the account managers' best first. */
export function NpsWidget({ filters }: { filters: DashboardFilters }) {
  const { t } = useTranslation();
  const f = useFormat();
  const query = useDashboardNps(filters);
  const score = (value: Figure) =>
    value === null ? '—' : new Intl.NumberFormat(f.language).format(Number(value));
  return (
    <WidgetCard
      title={t('dashboard.nps.title')}
      testId="nps-widget"
      applies={['period']}
      query={query}
      isEmpty={(data) => !data.total || data.total.answers === 0}
      emptyText={t('dashboard.nps.empty')}
    >
      {(data) =>
        // isEmpty has ruled out a missing total; `data.total &&` tells the compiler so.
        data.total && (
          <>
            <Text
              fw={700}
              size="xl"
              aria-label={t('dashboard.nps.score', { score: score(data.total.nps) })}
            >
              {score(data.total.nps)}
            </Text>
            <Text size="xs" c="dimmed">
              {t('dashboard.nps.answers', {
                answers: f.count(data.total.answers),
                promoters: f.count(data.total.promoters),
                detractors: f.count(data.total.detractors),
              })}
            </Text>
            <Table aria-label={t('dashboard.nps.title')}>
              <Table.Tbody>
                {data.items.slice(0, 3).map((row) => (
                  <Table.Tr key={row.user_id}>
                    <Table.Td>{row.name}</Table.Td>
                    <Table.Td ta="right">{score(row.nps)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </>
        )
      }
    </WidgetCard>
  );
}

const WORK_METRICS = ['calls', 'meetings', 'tasks_done', 'stage_moves'] as const;
type WorkMetric = (typeof WORK_METRICS)[number];

/** The busiest weekday and hour of the metric, or null when nothing was logged. */
function busiest(data: WorkTime, metric: WorkMetric) {
  let top: WorkTime['cells'][number] | null = null;
  for (const cell of data.cells) if (cell[metric] > (top?.[metric] ?? 0)) top = cell;
  return top;
}

/** Monday to Sunday, short, in the reader's language. */
function weekdayNames(language: string): string[] {
  const format = new Intl.DateTimeFormat(language, { weekday: 'short' });
  // 1 January 2024 was a Monday.
  return Array.from({ length: 7 }, (_, day) => format.format(new Date(2024, 0, 1 + day)));
}

/** When the team works: a weekday by hour heat map of one activity, picked by a switch. */
export function WorkTimeWidget({ filters }: { filters: DashboardFilters }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [metric, setMetric] = useState<WorkMetric>('calls');
  const query = useDashboardWorkTime(filters);
  const weekdays = weekdayNames(f.language);
  return (
    <WidgetCard
      title={t('dashboard.workTime.title')}
      testId="work-time-widget"
      applies={['period', 'department']}
      query={query}
      action={
        <SegmentedControl<WorkMetric>
          size="xs"
          aria-label={t('dashboard.workTime.metric')}
          value={metric}
          onChange={setMetric}
          data={WORK_METRICS.map((value) => ({
            value,
            label: t(`dashboard.workTime.metrics.${value}`),
          }))}
        />
      }
    >
      {(data) => {
        const top = busiest(data, metric);
        const summary = top
          ? t('dashboard.workTime.peak', {
              day: weekdays[top.weekday - 1] ?? '',
              hour: top.hour,
              count: f.count(top[metric]),
            })
          : t('dashboard.workTime.empty');
        return (
          <>
            <Text size="sm" data-testid="work-time-summary">
              {summary}
            </Text>
            {top && (
              <ChartSlot>
                <WorkTimeHeatmap
                  title={t('dashboard.workTime.chart', {
                    metric: t(`dashboard.workTime.metrics.${metric}`),
                  })}
                  summary={summary}
                  weekdays={weekdays}
                  cells={data.cells.map((c) => ({
                    weekday: c.weekday,
                    hour: c.hour,
                    value: c[metric],
                  }))}
                />
              </ChartSlot>
            )}
          </>
        );
      }}
    </WidgetCard>
  );
}
