import {
  Badge,
  Group,
  Loader,
  ScrollArea,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { errorMessage } from '../../api/problem';
import { useMe } from '../auth/queries';
import { formatMoney } from '../deals/money';
import { useFunnels } from '../deals/queries';
import { holds } from '../settings/sections';
import { LoadError } from '../shell/LoadError';
import { MarketingCosts } from './MarketingCosts';
import { useEffectiveness, type Effectiveness, type MonthRange } from './queries';

// ECharts comes with the chart only, after the table is on screen.
const CostRevenueChart = lazy(async () => ({
  default: (await import('./MarketingChart')).CostRevenueChart,
}));

const MONTH = /^\d{4}-\d{2}$/;

const monthOf = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;

/** The current month and the two before it, as YYYY-MM. */
function lastThreeMonths(today = new Date()): { from: string; to: string } {
  return {
    from: monthOf(new Date(today.getFullYear(), today.getMonth() - 2, 1)),
    to: monthOf(today),
  };
}

/** /marketing: what each source and campaign cost over whole months against the leads, won
 * deals and revenue it brought; marketers enter the costs below. The filters live in the URL. */
export function MarketingPage() {
  const { t } = useTranslation();
  const me = useMe();
  const funnels = useFunnels();
  const [search, setSearch] = useSearchParams();
  const fallback = lastThreeMonths();
  const from = MONTH.test(search.get('from') ?? '')
    ? (search.get('from') as string)
    : fallback.from;
  const to = MONTH.test(search.get('to') ?? '') ? (search.get('to') as string) : fallback.to;
  const funnelId = search.get('funnel') || null;
  const range: MonthRange = { from: `${from}-01`, to: `${to}-01` };
  const report = useEffectiveness(range, funnelId);

  const change = (values: Record<string, string | null>) =>
    setSearch(
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

  return (
    <Stack>
      <Title order={2}>{t('marketing.title')}</Title>
      <Text c="dimmed" size="sm">
        {t('marketing.intro')}
      </Text>
      <Group align="flex-end" wrap="wrap" gap="sm">
        <TextInput
          type="month"
          label={t('marketing.from')}
          value={from}
          onChange={(event) => change({ from: event.currentTarget.value })}
          w={170}
        />
        <TextInput
          type="month"
          label={t('marketing.to')}
          value={to}
          onChange={(event) => change({ to: event.currentTarget.value })}
          w={170}
        />
        <Select
          label={t('marketing.funnel')}
          placeholder={t('marketing.noFunnel')}
          data={(funnels.data ?? []).map((f) => ({ value: f.id, label: f.name }))}
          value={funnelId}
          onChange={(value) => change({ funnel: value })}
          clearable
          w={240}
        />
      </Group>
      {report.isPending && <Loader aria-label={t('marketing.loading')} />}
      {report.isError && (
        <LoadError
          message={errorMessage(report.error, t)}
          onRetry={() => void report.refetch()}
          retrying={report.isFetching}
        />
      )}
      {report.data && <EffectivenessFigures data={report.data} />}
      <MarketingCosts
        range={range}
        editable={holds(me.data, 'marketing:manage')}
        sources={[
          ...new Set((report.data?.items ?? []).flatMap((row) => (row.source ? [row.source] : []))),
        ]}
      />
    </Stack>
  );
}

function roiColor(value: number): string {
  if (value > 0) return 'green';
  if (value < 0) return 'red';
  return 'gray';
}

function EffectivenessFigures({ data }: { data: Effectiveness }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const count = new Intl.NumberFormat(language);
  const tenth = new Intl.NumberFormat(language, {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
  const money = (value: string | number | null) =>
    value === null ? '—' : formatMoney(value, data.currency, language);
  const sourceName = (source: string | null) => source ?? t('marketing.noSource');
  const caption = t('marketing.effectiveness');
  const stages = data.items[0]?.stages ?? [];

  // The chart sums a source's campaigns: one bar pair per source.
  const bySource = new Map<string, { source: string; cost: number; revenue: number }>();
  for (const row of data.items) {
    const name = sourceName(row.source);
    const held = bySource.get(name) ?? { source: name, cost: 0, revenue: 0 };
    held.cost += Number(row.cost);
    held.revenue += Number(row.revenue);
    bySource.set(name, held);
  }

  if (data.items.length === 0) return <Text c="dimmed">{t('marketing.empty')}</Text>;
  return (
    <Stack gap="md">
      <ScrollArea type="auto" offsetScrollbars>
        <Table striped withTableBorder aria-label={caption} data-testid="marketing-effectiveness">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('marketing.source')}</Table.Th>
              <Table.Th>{t('marketing.campaign')}</Table.Th>
              <Table.Th>{t('marketing.cost')}</Table.Th>
              <Table.Th>{t('marketing.leads')}</Table.Th>
              <Table.Th>{t('marketing.won')}</Table.Th>
              <Table.Th>{t('marketing.revenue')}</Table.Th>
              <Table.Th>{t('marketing.costPerLead')}</Table.Th>
              <Table.Th>{t('marketing.costPerWon')}</Table.Th>
              <Table.Th>{t('marketing.roi')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.items.map((row) => (
              <Table.Tr key={`${row.source ?? ''}\u0000${row.campaign ?? ''}`}>
                <Table.Td>{sourceName(row.source)}</Table.Td>
                <Table.Td>{row.campaign ?? '—'}</Table.Td>
                <Table.Td>{money(row.cost)}</Table.Td>
                <Table.Td>{count.format(row.leads)}</Table.Td>
                <Table.Td>{count.format(row.won)}</Table.Td>
                <Table.Td>{money(row.revenue)}</Table.Td>
                <Table.Td>{money(row.cost_per_lead)}</Table.Td>
                <Table.Td>{money(row.cost_per_won)}</Table.Td>
                <Table.Td>
                  {row.return_on_spend === null ? (
                    '—'
                  ) : (
                    <Badge variant="light" color={roiColor(Number(row.return_on_spend))}>
                      {t('marketing.percent', { value: tenth.format(Number(row.return_on_spend)) })}
                    </Badge>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
      <Suspense fallback={<Loader size="sm" />}>
        <CostRevenueChart
          rows={[...bySource.values()]}
          title={t('marketing.chart')}
          costLabel={t('marketing.cost')}
          revenueLabel={t('marketing.revenue')}
          format={(value) => formatMoney(value, data.currency, language)}
        />
      </Suspense>
      {data.funnel_id && stages.length > 0 && (
        <Stack gap="xs">
          <Title order={3} size="h4">
            {t('marketing.stages')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('marketing.stagesHint')}
          </Text>
          <ScrollArea type="auto" offsetScrollbars>
            <Table striped withTableBorder aria-label={t('marketing.stages')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('marketing.source')}</Table.Th>
                  <Table.Th>{t('marketing.campaign')}</Table.Th>
                  {stages.map((stage) => (
                    <Table.Th key={stage.stage_id}>{stage.stage_name}</Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((row) => (
                  <Table.Tr key={`${row.source ?? ''}\u0000${row.campaign ?? ''}`}>
                    <Table.Td>{sourceName(row.source)}</Table.Td>
                    <Table.Td>{row.campaign ?? '—'}</Table.Td>
                    {stages.map((stage) => {
                      const reach = row.stages.find((s) => s.stage_id === stage.stage_id);
                      return (
                        <Table.Td key={stage.stage_id}>
                          {reach
                            ? t('marketing.stageCell', {
                                deals: count.format(reach.deals),
                                cost: money(reach.cost_per_deal),
                              })
                            : '—'}
                        </Table.Td>
                      );
                    })}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        </Stack>
      )}
    </Stack>
  );
}
