import {
  Anchor,
  Button,
  Group,
  Loader,
  Pill,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { errorMessage } from '../../api/problem';
import { DepartmentSelect, ManagerSelect } from '../analytics/filters';
import { seesTeam, useMe } from '../auth/queries';
import { formatMoney } from '../deals/money';
import { LoadError } from '../shell/LoadError';
import { type PaymentFilters, usePayments } from './queries';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const CURRENCY = /^[A-Z]{3}$/;

/** The filters in the address (the names the dashboard's links use); a malformed value is
 * left out rather than sent to be refused. */
function filtersOf(params: URLSearchParams): PaymentFilters {
  const matching = (name: string, pattern: RegExp) => {
    const value = params.get(name) ?? '';
    return pattern.test(value) ? value : null;
  };
  return {
    paidFrom: matching('paid_from', DAY),
    paidTo: matching('paid_to', DAY),
    responsibleId: params.get('responsible') || null,
    departmentId: params.get('department') || null,
    currency: matching('currency', CURRENCY),
  };
}

/**
 * The payments received on the invoices of the deals the caller sees, newest first: the rows
 * turnover sums when plans count paid invoices, so a plan's fact opens here with its period and
 * person or department. The filters live in the address, so a link opens the same view.
 */
export function PaymentsPage() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const me = useMe();
  const team = me.data ? seesTeam(me.data) : false;
  const payments = usePayments(filters);
  const rows = payments.data?.pages.flatMap((page) => page.items) ?? [];
  const days = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' });
  const filtered = Object.values(filters).some((value) => value !== null);

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

  return (
    <Stack>
      <Title order={2}>{t('payments.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('payments.hint')}
      </Text>
      <Group align="flex-end" wrap="wrap">
        <TextInput
          type="date"
          label={t('payments.paidFrom')}
          value={filters.paidFrom ?? ''}
          onChange={(event) => change({ paid_from: event.currentTarget.value })}
          w={170}
        />
        <TextInput
          type="date"
          label={t('payments.paidTo')}
          value={filters.paidTo ?? ''}
          onChange={(event) => change({ paid_to: event.currentTarget.value })}
          w={170}
        />
        {team && (
          <ManagerSelect
            value={filters.responsibleId}
            onChange={(id) => change({ responsible: id })}
          />
        )}
        {team && me.data && (
          <DepartmentSelect
            admin={me.data.role_code === 'admin'}
            own={me.data.department_id}
            value={filters.departmentId}
            onChange={(id) => change({ department: id })}
          />
        )}
        {filters.currency && (
          <Pill
            withRemoveButton
            // Mantine hides a pill's remove button (an input's pills go with Backspace); this
            // pill stands alone, so its button is reachable and named (as the deal chips').
            removeButtonProps={{
              'aria-hidden': false,
              tabIndex: 0,
              'aria-label': t('payments.anyCurrency'),
            }}
            onRemove={() => change({ currency: null })}
          >
            {t('payments.inCurrency', { currency: filters.currency })}
          </Pill>
        )}
      </Group>
      {payments.isPending && <Loader aria-label={t('payments.loading')} />}
      {payments.isError && !payments.isFetchNextPageError && (
        <LoadError
          message={errorMessage(payments.error, t)}
          onRetry={() => void payments.refetch()}
          retrying={payments.isFetching}
        />
      )}
      {payments.isSuccess && rows.length === 0 && (
        <Text c="dimmed">{filtered ? t('payments.emptyFiltered') : t('payments.empty')}</Text>
      )}
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table striped withTableBorder aria-label={t('payments.tableLabel')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('payments.paidOn')}</Table.Th>
                <Table.Th ta="right">{t('payments.amount')}</Table.Th>
                <Table.Th>{t('payments.invoice')}</Table.Th>
                <Table.Th>{t('payments.deal')}</Table.Th>
                <Table.Th>{t('payments.client')}</Table.Th>
                <Table.Th>{t('payments.responsible')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((payment) => (
                <Table.Tr key={payment.id} data-testid="payment-row">
                  <Table.Td>{days.format(new Date(`${payment.paid_on}T00:00:00`))}</Table.Td>
                  <Table.Td ta="right">
                    {formatMoney(payment.amount, payment.currency, i18n.language)}
                  </Table.Td>
                  <Table.Td>{payment.invoice_number}</Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={`/deals/${payment.deal_id}`}>
                      {payment.deal_title}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={`/clients/${payment.client_id}`}>
                      {payment.client_name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{payment.responsible_name}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {payments.hasNextPage && (
        <Group justify="center">
          <Button
            variant="default"
            loading={payments.isFetchingNextPage}
            onClick={() => void payments.fetchNextPage()}
          >
            {t('payments.showMore')}
          </Button>
        </Group>
      )}
      {payments.isFetchNextPageError && (
        <LoadError retrying={payments.isFetching} onRetry={() => void payments.fetchNextPage()} />
      )}
    </Stack>
  );
}
