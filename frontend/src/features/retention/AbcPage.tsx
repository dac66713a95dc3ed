import {
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { errorMessage } from '../../api/problem';
import { formatMoney } from '../deals/money';
import { LoadError } from '../shell/LoadError';
import {
  ABC_BASES,
  ABC_CLASSES,
  type AbcBasis,
  type AbcClass,
  type AbcFilters,
  useAbcReport,
} from './queries';
import { RetentionTabs } from './RetentionTabs';

// ECharts comes with the chart only, after the figures are on screen.
const AbcChart = lazy(async () => ({ default: (await import('./AbcChart')).AbcChart }));

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const ALL = 'all';
const CLASS_COLORS: Record<AbcClass, string> = { A: 'teal', B: 'yellow', C: 'gray' };

function filtersOf(params: URLSearchParams): AbcFilters {
  const basis = params.get('basis');
  const abcClass = params.get('class');
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  return {
    basis: ABC_BASES.find((value) => value === basis) ?? 'turnover',
    from: DAY.test(from) ? from : null,
    to: DAY.test(to) ? to : null,
    abcClass: ABC_CLASSES.find((value) => value === abcClass) ?? null,
  };
}

/**
 * Clients ranked by their turnover or margin in a period, each in class A, B or C by the share
 * of the total it and the clients above it hold; the filters live in the address, so a link
 * opens the same view.
 */
export function AbcPage() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const report = useAbcReport(filters);

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
  const shares = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 2 });
  const percent = (value: number | string) =>
    t('retention.percent', { value: shares.format(Number(value)) });
  const days = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeZone: 'UTC' });
  const dayText = (day: string) => days.format(new Date(`${day}T00:00:00Z`));

  const first = report.data?.pages[0];
  const rows = report.data?.pages.flatMap((page) => page.items) ?? [];
  const money = (amount: number | string) =>
    formatMoney(amount, first?.currency ?? 'RUB', i18n.language);

  return (
    <Stack>
      <Title order={2}>{t('retention.title')}</Title>
      <RetentionTabs current="abc" />
      <Text size="sm" c="dimmed">
        {t('retention.abc.hint')}
      </Text>
      <Group align="flex-end" wrap="wrap">
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            {t('retention.abc.basis')}
          </Text>
          <SegmentedControl
            aria-label={t('retention.abc.basis')}
            value={filters.basis}
            onChange={(value) => change({ basis: value === 'turnover' ? null : value })}
            data={ABC_BASES.map((value: AbcBasis) => ({
              value,
              label: t(`retention.abc.bases.${value}`),
            }))}
          />
        </Stack>
        <TextInput
          type="date"
          label={t('retention.abc.from')}
          value={filters.from ?? ''}
          onChange={(event) => change({ from: event.currentTarget.value })}
          w={170}
        />
        <TextInput
          type="date"
          label={t('retention.abc.to')}
          value={filters.to ?? ''}
          onChange={(event) => change({ to: event.currentTarget.value })}
          w={170}
        />
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            {t('retention.abc.class')}
          </Text>
          <SegmentedControl
            aria-label={t('retention.abc.class')}
            value={filters.abcClass ?? ALL}
            onChange={(value) => change({ class: value === ALL ? null : value })}
            data={[
              { value: ALL, label: t('retention.abc.allClasses') },
              ...ABC_CLASSES.map((value) => ({ value, label: value })),
            ]}
          />
        </Stack>
      </Group>
      {first && (
        <Text size="sm" data-testid="abc-period">
          {t('retention.abc.period', {
            from: dayText(first.date_from),
            to: dayText(first.date_to),
            currency: first.currency,
          })}
        </Text>
      )}
      {report.isPending && <Loader aria-label={t('retention.loading')} />}
      {report.isError && !report.isFetchNextPageError && (
        <LoadError
          message={errorMessage(report.error, t)}
          onRetry={() => void report.refetch()}
          retrying={report.isFetching}
        />
      )}
      {first && first.clients === 0 && <Text c="dimmed">{t('retention.abc.empty')}</Text>}
      {first && first.clients > 0 && (
        <>
          <SimpleGrid cols={{ base: 1, sm: 3 }} data-testid="abc-classes">
            {first.classes.map((total) => (
              <Paper key={total.abc_class} withBorder p="sm" data-testid="abc-class">
                <Group justify="space-between" mb={4}>
                  <Badge color={CLASS_COLORS[total.abc_class]} size="lg">
                    {t('retention.abc.classTitle', { name: total.abc_class })}
                  </Badge>
                  <Text size="sm" fw={600}>
                    {percent(total.share)}
                  </Text>
                </Group>
                <Text fw={700} size="xl">
                  {money(total.amount)}
                </Text>
                <Text size="sm" c="dimmed">
                  {t('retention.abc.clients', { clients: numbers.format(total.clients) })}
                </Text>
              </Paper>
            ))}
          </SimpleGrid>
          <Text size="sm" c="dimmed" data-testid="abc-total">
            {t('retention.abc.total', {
              amount: money(first.total),
              clients: numbers.format(first.clients),
              a: shares.format(Number(first.abc_a_share)),
              b: shares.format(Number(first.abc_b_share)),
            })}
          </Text>
          <Suspense fallback={<Loader size="sm" aria-label={t('retention.loading')} />}>
            <AbcChart
              title={t('retention.abc.chartTitle', {
                basis: t(`retention.abc.bases.${first.basis}`),
              })}
              format={money}
              bars={first.classes.map((total) => ({
                label: t('retention.abc.classTitle', { name: total.abc_class }),
                amount: Number(total.amount),
                caption: percent(total.share),
              }))}
            />
          </Suspense>
        </>
      )}
      {first && first.clients > 0 && rows.length === 0 && (
        <Text c="dimmed">{t('retention.abc.emptyClass')}</Text>
      )}
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table striped withTableBorder aria-label={t('retention.abc.tableLabel')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th ta="right">{t('retention.abc.rank')}</Table.Th>
                <Table.Th>{t('retention.client')}</Table.Th>
                <Table.Th ta="right">
                  {t(`retention.abc.bases.${first?.basis ?? 'turnover'}`)}
                </Table.Th>
                <Table.Th ta="right">{t('retention.abc.share')}</Table.Th>
                <Table.Th ta="right">{t('retention.abc.cumulativeShare')}</Table.Th>
                <Table.Th>{t('retention.abc.class')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={row.client_id} data-testid="abc-row">
                  <Table.Td ta="right">{row.rank}</Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={`/clients/${row.client_id}`}>
                      {row.client_name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td ta="right">{money(row.amount)}</Table.Td>
                  <Table.Td ta="right">{percent(row.share)}</Table.Td>
                  <Table.Td ta="right">{percent(row.cumulative_share)}</Table.Td>
                  <Table.Td>
                    <Badge color={CLASS_COLORS[row.abc_class]}>{row.abc_class}</Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {report.hasNextPage && (
        <Group justify="center">
          <Button
            variant="default"
            loading={report.isFetchingNextPage}
            onClick={() => void report.fetchNextPage()}
          >
            {t('retention.showMore')}
          </Button>
        </Group>
      )}
      {report.isFetchNextPageError && (
        <LoadError retrying={report.isFetching} onRetry={() => void report.fetchNextPage()} />
      )}
    </Stack>
  );
}
