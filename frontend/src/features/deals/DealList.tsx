import {
  Anchor,
  Badge,
  Button,
  Center,
  Checkbox,
  Group,
  Loader,
  Menu,
  Paper,
  Popover,
  Stack,
  Table,
  Text,
  UnstyledButton,
} from '@mantine/core';
import type { TFunction } from 'i18next';
import { Fragment, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { problemText } from '../../api/problemText';
import { LoadError } from '../shell/LoadError';
import { VirtualRows } from '../shell/VirtualRows';
import { ResponsibleAvatar } from './ResponsibleAvatar';
import { Estimated } from './Estimated';
import { formatMoney } from './money';
import {
  useDealTotals,
  useDeals,
  useExportDeals,
  type Deal,
  type DealListFilters,
  type DealSort,
  type DealStatus,
  type DealTotals,
} from './queries';
import { LIST_COLUMNS, useListColumns, type ListColumn } from './listColumns';

type SortColumn = 'amount' | 'expected_close_date' | 'created_at' | 'updated_at';

// The direction a column starts in when first chosen: the biggest and the newest first, the
// nearest close date first.
const FIRST_DIRECTION: Record<SortColumn, 'asc' | 'desc'> = {
  amount: 'desc',
  expected_close_date: 'asc',
  created_at: 'desc',
  updated_at: 'desc',
};

const STATUS_COLORS: Record<DealStatus, string> = { open: 'blue', won: 'green', lost: 'red' };

/**
 * The deals the filters select as a table with their totals above. Only the rows in view are
 * in the document; the next keyset page loads as the end of the list scrolls near (or on the
 * button, for whoever does not scroll).
 */
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
  const [columns, setColumns] = useListColumns();
  const exportDeals = useExportDeals();
  const rows = deals.data?.pages.flatMap((page) => page.items) ?? [];
  const total = totals.data?.currencies.reduce((sum, currency) => sum + currency.count, 0);
  const count = (n: number) => new Intl.NumberFormat(i18n.language).format(n);

  const header = (column: SortColumn, label: string) => {
    const descending = sort.startsWith('-');
    const active = sort.replace(/^-/, '') === column;
    const next: DealSort = active
      ? descending
        ? column
        : `-${column}`
      : FIRST_DIRECTION[column] === 'desc'
        ? `-${column}`
        : column;
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
      <Group justify="space-between" align="start">
        <TotalsSummary
          totals={totals.data}
          pending={totals.isPending}
          failed={totals.isError}
          retrying={totals.isFetching}
          onRetry={() => void totals.refetch()}
        />
        <Group gap="xs">
          <Popover position="bottom-end" withinPortal>
            <Popover.Target>
              <Button variant="default">{t('board.list.columns')}</Button>
            </Popover.Target>
            <Popover.Dropdown>
              <Checkbox.Group
                label={t('board.list.columnsHint')}
                value={columns}
                onChange={(chosen) =>
                  setColumns(LIST_COLUMNS.filter((column) => chosen.includes(column)))
                }
              >
                <Stack gap={6} mt="xs">
                  {LIST_COLUMNS.map((column) => (
                    <Checkbox key={column} value={column} label={columnLabel(column, t)} />
                  ))}
                </Stack>
              </Checkbox.Group>
            </Popover.Dropdown>
          </Popover>
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <Button variant="default" loading={exportDeals.isPending}>
                {t('board.list.export')}
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item onClick={() => exportDeals.mutate({ filters, sort, format: 'xlsx' })}>
                {t('board.list.exportXlsx')}
              </Menu.Item>
              <Menu.Item onClick={() => exportDeals.mutate({ filters, sort, format: 'csv' })}>
                {t('board.list.exportCsv')}
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </Group>
      {exportDeals.isError ? (
        <Text c="red" size="sm" role="alert">
          {t('board.list.exportFailed')}: {problemText(exportDeals.error, t)}
        </Text>
      ) : null}
      {deals.isPending ? (
        <Center>
          <Loader />
        </Center>
      ) : deals.isError && rows.length === 0 ? (
        <LoadError retrying={deals.isFetching} onRetry={() => void deals.refetch()} />
      ) : rows.length === 0 ? (
        <Text c="dimmed">{t('dealList.empty')}</Text>
      ) : (
        <VirtualRows
          rows={rows}
          rowKey={(deal) => deal.id}
          columns={columns.length + 1}
          hasMore={deals.hasNextPage}
          loadingMore={deals.isFetchingNextPage}
          failed={deals.isFetchNextPageError}
          onMore={() => void deals.fetchNextPage()}
          scrollerTestId="deal-scroller"
          tableProps={{ miw: 900, 'data-testid': 'deal-list' }}
          header={
            <Table.Tr>
              <Table.Th>{t('dealList.deal')}</Table.Th>
              {columns.map((column) => {
                const label = columnLabel(column, t);
                return SORTABLE.has(column) ? (
                  <Fragment key={column}>{header(column as SortColumn, label)}</Fragment>
                ) : (
                  <Table.Th key={column}>{label}</Table.Th>
                );
              })}
            </Table.Tr>
          }
          renderRow={(deal) => (
            <>
              <Table.Td>
                <Anchor component={Link} to={`/deals/${deal.id}`} fw={500} size="sm">
                  {deal.title}
                </Anchor>
              </Table.Td>
              {columns.map((column) => (
                <Table.Td
                  key={column}
                  style={NOWRAP.has(column) ? { whiteSpace: 'nowrap' } : undefined}
                >
                  <Cell column={column} deal={deal} />
                </Table.Td>
              ))}
            </>
          )}
        />
      )}

      {rows.length > 0 ? (
        <Group justify="center">
          <Text size="sm" c="dimmed" data-testid="deal-list-shown">
            {total === undefined ? (
              t('dealList.shown', { shown: count(rows.length) })
            ) : (
              <>
                {t('dealList.shownOf', { shown: count(rows.length) })}{' '}
                <Estimated exact={totals.data!.exact}>{count(total)}</Estimated>
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

const SORTABLE = new Set<ListColumn>(['amount', 'expected_close_date', 'created_at', 'updated_at']);
const NOWRAP = new Set<ListColumn>(['amount', 'weighted_amount', 'expected_close_date']);

function columnLabel(column: ListColumn, t: TFunction): string {
  switch (column) {
    case 'client':
      return t('dealList.client');
    case 'amount':
      return t('dealList.amount');
    case 'weighted_amount':
      return t('board.list.weighted');
    case 'stage':
      return t('dealList.stage');
    case 'responsible':
      return t('dealList.responsible');
    case 'source_channel':
      return t('board.list.source');
    case 'expected_close_date':
      return t('dealList.expectedClose');
    case 'created_at':
      return t('dealList.created');
    case 'updated_at':
      return t('board.list.updated');
  }
}

/** One cell of a deal's row. */
function Cell({ column, deal }: { column: ListColumn; deal: Deal }) {
  const { t, i18n } = useTranslation();
  const date = (value: string | null) =>
    value
      ? new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short' }).format(new Date(value))
      : '';
  switch (column) {
    case 'client':
      return deal.client_name ? (
        <Anchor component={Link} to={`/clients/${deal.client_id}`} size="sm">
          {deal.client_name}
        </Anchor>
      ) : null;
    case 'amount':
      return formatMoney(deal.amount, deal.currency, i18n.language);
    case 'weighted_amount':
      return formatMoney(deal.weighted_amount, deal.currency, i18n.language);
    case 'stage':
      return (
        <Group gap={6}>
          <Text size="sm">{deal.stage_name}</Text>
          {deal.status !== 'open' ? (
            <Badge size="xs" variant="light" color={STATUS_COLORS[deal.status]}>
              {t(`dealStatus.${deal.status}`)}
            </Badge>
          ) : deal.is_stale ? (
            <Badge size="xs" color="orange">
              {t('board.list.stale')}
            </Badge>
          ) : null}
        </Group>
      );
    case 'responsible':
      return (
        <Group gap={6} wrap="nowrap">
          <ResponsibleAvatar name={deal.responsible_name} />
          <Text size="sm">{deal.responsible_name ?? ''}</Text>
        </Group>
      );
    case 'source_channel':
      return deal.source_channel ?? '';
    case 'expected_close_date':
      // A close date is a calendar day: shown as that day wherever the reader is.
      return deal.expected_close_date
        ? new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeZone: 'UTC' }).format(
            new Date(deal.expected_close_date),
          )
        : '';
    case 'created_at':
      return date(deal.created_at);
    case 'updated_at':
      return date(deal.updated_at);
  }
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
