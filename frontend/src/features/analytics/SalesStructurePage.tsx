import { Loader, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/problem';
import { formatMoney } from '../deals/money';
import { useFunnels } from '../deals/queries';
import { LoadError } from '../shell/LoadError';
import { AnalyticsTabs } from './AnalyticsTabs';
import { Card } from './FunnelAnalyticsPage';
import { useAnalyticsFilters } from './filterParams';
import { AnalyticsFilterBar } from './filters';
import { type SalesStructure, useSalesStructure } from './queries';

// ECharts comes with the chart only, after the figures are on screen.
const ProductDemandChart = lazy(async () => ({
  default: (await import('./AnalyticsCharts')).ProductDemandChart,
}));

/** The chart shows the most asked-for products; the table below lists all the server sent. */
const CHART_PRODUCTS = 15;

/** /analytics/sales: the structure of the period's sales over the deals the caller sees:
 * repeat purchases, upsells and cross-sells among the won deals, the average check, and demand
 * by product (asked for against sold). The filters are the funnel screen's, in the URL. */
export function SalesStructurePage() {
  const { t, i18n } = useTranslation();
  const funnels = useFunnels();
  const { params, change } = useAnalyticsFilters();
  const sales = useSalesStructure(params);

  return (
    <Stack>
      <Title order={2}>{t('salesStructure.title')}</Title>
      <AnalyticsTabs current="sales" />
      <Text c="dimmed" size="sm">
        {t('salesStructure.intro')}
      </Text>
      <AnalyticsFilterBar
        params={params}
        change={change}
        funnel={
          <Select
            label={t('analytics.funnel')}
            placeholder={t('salesStructure.anyFunnel')}
            data={(funnels.data ?? []).map((f) => ({ value: f.id, label: f.name }))}
            value={params.funnelId}
            onChange={(value) => change({ funnel: value })}
            clearable
            w={220}
          />
        }
      />
      {sales.isPending && <Loader aria-label={t('analytics.loading')} />}
      {sales.isError && (
        <LoadError
          message={errorMessage(sales.error, t)}
          onRetry={() => void sales.refetch()}
          retrying={sales.isFetching}
        />
      )}
      {sales.data && <Structure data={sales.data} language={i18n.language} />}
    </Stack>
  );
}

function Structure({ data, language }: { data: SalesStructure; language: string }) {
  const { t } = useTranslation();
  const count = new Intl.NumberFormat(language);
  const quantity = new Intl.NumberFormat(language, { maximumFractionDigits: 3 });
  const tenth = new Intl.NumberFormat(language, {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
  const percent = (value: string | number | null | undefined) =>
    value === null || value === undefined
      ? '—'
      : t('analytics.percent', { value: tenth.format(Number(value)) });
  const charted = data.products.slice(0, CHART_PRODUCTS);

  return (
    <>
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} data-testid="sales-cards">
        <Card label={t('salesStructure.won')} value={count.format(data.won)} />
        <Card label={t('salesStructure.repeat')} value={percent(data.repeat_share)}>
          {t('salesStructure.deals', { n: data.repeat })}
        </Card>
        <Card label={t('salesStructure.upsell')} value={percent(data.upsell_share)}>
          {t('salesStructure.upsellHint', { n: data.upsell })}
        </Card>
        <Card label={t('salesStructure.crossSell')} value={percent(data.cross_sell_share)}>
          {t('salesStructure.crossSellHint', { n: data.cross_sell })}
        </Card>
        <Card
          label={t('salesStructure.averageCheck')}
          value={
            data.average_check.length === 0
              ? '—'
              : data.average_check
                  .map((a) => formatMoney(a.average, a.currency, language))
                  .join(' · ')
          }
        >
          {data.average_check.length > 1 && t('analytics.perCurrency')}
        </Card>
      </SimpleGrid>
      <Text size="xs" c="dimmed">
        {t('salesStructure.sharesHint')}
      </Text>
      <Title order={3} size="h4">
        {t('salesStructure.demandTitle')}
      </Title>
      {data.products.length === 0 ? (
        <Text c="dimmed">{t('salesStructure.noProducts')}</Text>
      ) : (
        <>
          <Suspense fallback={<Loader size="sm" aria-label={t('analytics.loading')} />}>
            <ProductDemandChart
              title={t('salesStructure.demandChart')}
              products={charted.map((p) => p.product)}
              asked={charted.map((p) => p.asked_deals)}
              sold={charted.map((p) => p.sold_deals)}
              askedLabel={t('salesStructure.asked')}
              soldLabel={t('salesStructure.sold')}
            />
          </Suspense>
          <Table.ScrollContainer minWidth={760}>
            <Table striped withTableBorder aria-label={t('salesStructure.demandTitle')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('salesStructure.product')}</Table.Th>
                  <Table.Th ta="right">{t('salesStructure.askedDeals')}</Table.Th>
                  <Table.Th ta="right">{t('salesStructure.askedQuantity')}</Table.Th>
                  <Table.Th ta="right">{t('salesStructure.soldDeals')}</Table.Th>
                  <Table.Th ta="right">{t('salesStructure.soldQuantity')}</Table.Th>
                  <Table.Th ta="right">{t('salesStructure.soldAmount')}</Table.Th>
                  <Table.Th ta="right">{t('salesStructure.soldShare')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.products.map((p) => (
                  <Table.Tr key={p.product} data-testid="sales-product">
                    <Table.Td>{p.product}</Table.Td>
                    <Table.Td ta="right">{count.format(p.asked_deals)}</Table.Td>
                    <Table.Td ta="right">{quantity.format(Number(p.asked_quantity))}</Table.Td>
                    <Table.Td ta="right">{count.format(p.sold_deals)}</Table.Td>
                    <Table.Td ta="right">{quantity.format(Number(p.sold_quantity))}</Table.Td>
                    <Table.Td ta="right">
                      {formatMoney(p.sold_amount, data.currency, language)}
                    </Table.Td>
                    <Table.Td ta="right">{percent(p.sold_share)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Text size="xs" c="dimmed">
            {t('salesStructure.demandHint')}
          </Text>
        </>
      )}
    </>
  );
}
