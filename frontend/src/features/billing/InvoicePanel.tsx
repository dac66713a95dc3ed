import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  Menu,
  Modal,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { problemText } from '../../api/problemText';
import type { Deal } from '../deals/queries';
import { LoadError } from '../shell/LoadError';
import { InvoiceFormModal } from './InvoiceFormModal';
import { invoiceMoney } from './money';
import { PaymentModal } from './PaymentModal';
import {
  useCancelInvoice,
  useDealInvoices,
  useDeletePayment,
  type Invoice,
  type InvoiceStatus,
} from './queries';

const STATUS_COLOR: Record<InvoiceStatus, string> = {
  issued: 'blue',
  partly_paid: 'yellow',
  paid: 'green',
  cancelled: 'gray',
};

type Editing =
  | { kind: 'issue' }
  | { kind: 'edit'; invoice: Invoice }
  | { kind: 'pay'; invoice: Invoice }
  | { kind: 'cancel'; invoice: Invoice };

/** The invoices of a deal with their payments: issue, edit, record a payment, cancel. */
export function InvoicePanel({ deal }: { deal: Deal }) {
  const { t, i18n } = useTranslation();
  const invoices = useDealInvoices(deal.id);
  const cancel = useCancelInvoice();
  const deletePayment = useDeletePayment();
  const [editing, setEditing] = useState<Editing | null>(null);
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' });
  const day = (value: string) => date.format(new Date(`${value}T00:00:00`));
  const money = (amount: number | string, currency: string) =>
    invoiceMoney(amount, currency, i18n.language);
  const failed = (error: unknown) =>
    notifications.show({ color: 'red', title: t('errors.title'), message: problemText(error, t) });

  return (
    <Stack gap="sm" data-testid="deal-invoices">
      <Group justify="end">
        <Button variant="light" onClick={() => setEditing({ kind: 'issue' })}>
          {t('billing.issueInvoice')}
        </Button>
      </Group>
      {invoices.isPending ? (
        <Loader size="sm" />
      ) : invoices.isError ? (
        <LoadError onRetry={() => void invoices.refetch()} retrying={invoices.isFetching} />
      ) : invoices.data.length === 0 ? (
        <Text c="dimmed">{t('billing.none')}</Text>
      ) : (
        invoices.data.map((invoice) => (
          <Card key={invoice.id} withBorder padding="sm" data-testid="invoice">
            <Group justify="space-between" wrap="nowrap" align="start">
              <Stack gap={2}>
                <Group gap="xs">
                  <Text fw={600}>{t('billing.invoiceNumber', { number: invoice.number })}</Text>
                  <Badge color={STATUS_COLOR[invoice.status]} variant="light">
                    {t(`billing.status.${invoice.status}`)}
                  </Badge>
                </Group>
                <Text size="sm">
                  {money(invoice.amount, invoice.currency)} · {day(invoice.issued_on)}
                  {invoice.due_on ? ` · ${t('billing.dueBy', { date: day(invoice.due_on) })}` : ''}
                </Text>
                {invoice.status === 'partly_paid' ? (
                  <Text size="sm" c="dimmed">
                    {t('billing.paidOfTotal', {
                      paid: money(invoice.paid_amount, invoice.currency),
                      left: money(invoice.outstanding, invoice.currency),
                    })}
                  </Text>
                ) : null}
                {invoice.comment ? (
                  <Text size="sm" c="dimmed">
                    {invoice.comment}
                  </Text>
                ) : null}
              </Stack>
              {invoice.status !== 'cancelled' ? (
                <Group gap="xs" wrap="nowrap">
                  {invoice.status !== 'paid' ? (
                    <Button size="xs" onClick={() => setEditing({ kind: 'pay', invoice })}>
                      {t('billing.addPayment')}
                    </Button>
                  ) : null}
                  <Menu position="bottom-end">
                    <Menu.Target>
                      <ActionIcon variant="subtle" aria-label={t('billing.actions')}>
                        ⋯
                      </ActionIcon>
                    </Menu.Target>
                    <Menu.Dropdown>
                      <Menu.Item onClick={() => setEditing({ kind: 'edit', invoice })}>
                        {t('billing.edit')}
                      </Menu.Item>
                      <Menu.Item
                        color="red"
                        disabled={invoice.payments.length > 0}
                        onClick={() => setEditing({ kind: 'cancel', invoice })}
                      >
                        {t('billing.cancelInvoice')}
                      </Menu.Item>
                    </Menu.Dropdown>
                  </Menu>
                </Group>
              ) : null}
            </Group>
            {invoice.payments.length > 0 ? (
              <Table mt="xs" fz="sm">
                <Table.Tbody>
                  {invoice.payments.map((payment) => (
                    <Table.Tr key={payment.id}>
                      <Table.Td>{day(payment.paid_on)}</Table.Td>
                      <Table.Td>{money(payment.amount, invoice.currency)}</Table.Td>
                      <Table.Td>{payment.comment ?? ''}</Table.Td>
                      <Table.Td w={1}>
                        <ActionIcon
                          variant="subtle"
                          color="red"
                          aria-label={t('billing.deletePayment')}
                          loading={
                            deletePayment.isPending &&
                            deletePayment.variables.paymentId === payment.id
                          }
                          onClick={() =>
                            deletePayment.mutate(
                              { invoice, paymentId: payment.id },
                              { onError: failed },
                            )
                          }
                        >
                          ×
                        </ActionIcon>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            ) : null}
          </Card>
        ))
      )}

      {editing?.kind === 'issue' ? (
        <InvoiceFormModal deal={deal} onClose={() => setEditing(null)} />
      ) : null}
      {editing?.kind === 'edit' ? (
        <InvoiceFormModal deal={deal} invoice={editing.invoice} onClose={() => setEditing(null)} />
      ) : null}
      {editing?.kind === 'pay' ? (
        <PaymentModal invoice={editing.invoice} onClose={() => setEditing(null)} />
      ) : null}
      <Modal
        opened={editing?.kind === 'cancel'}
        onClose={() => setEditing(null)}
        title={t('billing.cancelTitle')}
      >
        {editing?.kind === 'cancel' ? (
          <Stack>
            {cancel.error ? (
              <Alert color="red" role="alert">
                {problemText(cancel.error, t)}
              </Alert>
            ) : null}
            <Text>{t('billing.cancelConfirm', { number: editing.invoice.number })}</Text>
            <Group justify="end">
              <Button variant="default" onClick={() => setEditing(null)}>
                {t('billing.close')}
              </Button>
              <Button
                color="red"
                loading={cancel.isPending}
                onClick={() =>
                  cancel.mutate(editing.invoice, {
                    onSuccess: () => {
                      notifications.show({ color: 'green', message: t('billing.cancelled') });
                      setEditing(null);
                    },
                  })
                }
              >
                {t('billing.confirmCancel')}
              </Button>
            </Group>
          </Stack>
        ) : null}
      </Modal>
    </Stack>
  );
}
