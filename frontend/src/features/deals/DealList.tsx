import {
  Anchor,
  Badge,
  Button,
  Center,
  Group,
  Loader,
  Paper,
  Stack,
  Table,
  Text,
  UnstyledButton,
} from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useUserName } from '../clients/queries';
import { LoadError } from '../shell/LoadError';
import { Estimated } from './Estimated';
import { formatMoney } from './money';
import {
  useDealTotals,
  useDeals,
  type DealListFilters,
  type DealSort,
  type DealStatus,
  type DealTotals,
} from './queries';

type SortColumn = 'amount' | 'expected_close_date' | 'created_at';

// The direction a column starts in when first chosen: the biggest and the newest first, the
// nearest close date first.
const FIRST_DIRECTION: Record<SortColumn, 'asc' | 'desc'> = {
  amount: 'desc',
  expected_close_date: 'asc',
  created_at: 'desc',
};

const STATUS_COLORS: Record<DealStatus, string> = { open: 'blue', won: 'green', lost: 'red' };

/** The deals the filters select as a table, a keyset page at a time, with their totals above. */
export function DealList({
  filters,
  sort,
  onSort,
}: {
  filters: DealListFilters;
  sort: DealSort;
  onSort: (sort: DealSort) => void;
}) {
  const { t, i18n } = useTranslation();
  const deals = useDeals(filters, sort);
  const totals = useDealTotals(filters);
  const rows = deals.data?.pages.flatMap((page) => page.items) ?? [];
  const dateFormat = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short' });
  // A close date is a calendar day: shown as that day wherever the reader is.
  const dayFormat = new Intl.DateTimeFormat(i18n.language, {
    dateStyle: 'short',
    timeZone: 'UTC',
  });
  const total = totals.data?.currencies.reduce((sum, currency) => sum + currency.count, 0);

  const header = (column: SortColumn, label: string) => {
    const descending = sort.startsWith('-');
    const active = sort.replace(/^-/, '') === column;
    const next = (
      active
        ? descending
          ? column
          : `-${column}`
        : FIRST_DIRECTION[column] === 'desc'
          ? `-${column}`
          : column
    ) as DealSort;
    return (
      <Table.Th aria-sort={active ? (descending ? 'descending' : 'ascending') : 'none'}>
        <UnstyledButton fw={700} fz="sm" onClick={() => onSort(next)}>
          {label}{' '}
          <Text span c={active ? undefined : 'dimmed'} inherit>
            {active ? (descending ? '↓' : '↑') : '↕'}
          </Text>
        </UnstyledButton>
      </Table.Th>
    );
  };

  return (
    <Stack>
      <TotalsSummary
        totals={totals.data}
        pending={totals.isPending}
        failed={totals.isError}
        retrying={totals.isFetching}
        onRetry={() => void totals.refetch()}
      />
      {deals.isPending ? (
        <Center>
          <Loader />
        </Center>
      ) : deals.isError && rows.length === 0 ? (
        <LoadError retrying={deals.isFetching} onRetry={() => void deals.refetch()} />
      ) : rows.length === 0 ? (
        <Text c="dimmed">{t('dealList.empty')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={900}>
          <Table highlightOnHover striped data-testid="deal-list">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('dealList.deal')}</Table.Th>
                <Table.Th>{t('dealList.client')}</Table.Th>
                {header('amount', t('dealList.amount'))}
                <Table.Th>{t('dealList.stage')}</Table.Th>
                <Table.Th>{t('dealList.responsible')}</Table.Th>
                {header('expected_close_date', t('dealList.expectedClose'))}
                {header('created_at', t('dealList.created'))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((deal) => (
                <Table.Tr key={deal.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/deals/${deal.id}`} fw={500} size="sm">
                      {deal.title}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    {deal.client_name ? (
                      <Anchor component={Link} to={`/clients/${deal.client_id}`} size="sm">
                        {deal.client_name}
                      </Anchor>
                    ) : null}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {formatMoney(deal.amount, deal.currency, i18n.language)}
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6}>
                      <Text size="sm">{deal.stage_name}</Text>
                      {deal.status !== 'open' ? (
                        <Badge size="xs" variant="light" color={STATUS_COLORS[deal.status]}>
                          {t(`dealStatus.${deal.status}`)}
                        </Badge>
                      ) : null}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <ResponsibleName id={deal.responsible_id} />
                  </Table.Td>
                  <Table.Td>
                    {deal.expected_close_date
                      ? dayFormat.format(new Date(deal.expected_close_date))
                      : ''}
                  </Table.Td>
                  <Table.Td>
                    {deal.created_at ? dateFormat.format(new Date(deal.created_at)) : ''}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}

      {rows.length > 0 ? (
        <Group justify="center">
          <Text size="sm" c="dimmed" data-testid="deal-list-shown">
            {total === undefined ? (
              t('dealList.shown', { shown: rows.length })
            ) : (
              <>
                {t('dealList.shownOf', { shown: rows.length })}{' '}
                <Estimated exact={totals.data!.exact}>
                  {new Intl.NumberFormat(i18n.language).format(total)}
                </Estimated>
              </>
            )}
          </Text>
          {deals.hasNextPage ? (
            <Button
              variant="default"
              loading={deals.isFetchingNextPage}
              onClick={() => void deals.fetchNextPage()}
            >
              {t('dealList.loadMore')}
            </Button>
          ) : null}
        </Group>
      ) : null}
      {deals.isFetchNextPageError ? (
        <LoadError retrying={deals.isFetching} onRetry={() => void deals.fetchNextPage()} />
      ) : null}
    </Stack>
  );
}

function ResponsibleName({ id }: { id: string }) {
  const name = useUserName(id);
  return <Text size="sm">{name.data ?? ''}</Text>;
}

/** Count, amount and weighted amount of each currency of the filtered deals. */
function TotalsSummary({
  totals,
  pending,
  failed,
  retrying,
  onRetry,
}: {
  totals: DealTotals | undefined;
  pending: boolean;
  failed: boolean;
  retrying: boolean;
  onRetry: () => void;
}) {
  const { t, i18n } = useTranslation();
  if (pending) return <Loader size="sm" />;
  if (failed || !totals) return <LoadError retrying={retrying} onRetry={onRetry} />;
  const money = (amount: number | string, currency: string): ReactNode => (
    <Estimated exact={totals.exact}>{formatMoney(amount, currency, i18n.language)}</Estimated>
  );
  return (
    <Group data-testid="deal-totals" gap="sm">
      {totals.currencies.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('dealTotals.none')}
        </Text>
      ) : (
        totals.currencies.map((currency) => (
          <Paper key={currency.currency} withBorder p="xs" data-testid="deal-total">
            <Group gap="lg" wrap="nowrap">
              <Figure label={t('dealTotals.count', { currency: currency.currency })}>
                <Estimated exact={totals.exact}>
                  {new Intl.NumberFormat(i18n.language).format(currency.count)}
                </Estimated>
              </Figure>
              <Figure label={t('dealTotals.amount')}>
                {money(currency.amount, currency.currency)}
              </Figure>
              <Figure label={t('dealTotals.weighted')}>
                {money(currency.weighted_amount, currency.currency)}
              </Figure>
            </Group>
          </Paper>
        ))
      )}
    </Group>
  );
}

function Figure({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={600}>{children}</Text>
    </Stack>
  );
}
