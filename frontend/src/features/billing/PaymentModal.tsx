import { Alert, Button, Group, Modal, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { errorMessage, mapProblemToFields } from '../../api/problem';
import { maxLength, rules } from '../../forms/rules';
import { setServerErrors } from '../../forms/serverErrors';
import { normaliseAmount } from '../deals/money';
import { invoiceMoney } from './money';
import { useRecordPayment, type Invoice } from './queries';

interface PaymentValues {
  amount: string;
  paid_on: string;
  comment: string;
}

const FIELDS = ['amount', 'paid_on', 'comment'] as const;
// domain/billing/model.py COMMENT_MAX
const COMMENT_MAX = 2000;

/** Records a payment of at most what is left to pay on ``invoice``. */
export function PaymentModal({ invoice, onClose }: { invoice: Invoice; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const record = useRecordPayment();
  const outstanding = Number(invoice.outstanding);
  const form = useForm<PaymentValues>({
    initialValues: { amount: String(invoice.outstanding), paid_on: '', comment: '' },
    validateInputOnChange: true,
    validate: {
      amount: (value) => {
        const amount = normaliseAmount(value);
        if (amount === null) return t('apiField.required');
        if (amount === undefined) return t('dealPage.notAnAmount');
        if (Number(amount) <= 0) return t('apiField.greater', { limit: 0 });
        return Number(amount) > outstanding
          ? t('apiField.max', { limit: String(invoice.outstanding) })
          : null;
      },
      comment: rules(maxLength(t, COMMENT_MAX)),
    },
  });
  const problem = record.error ? mapProblemToFields(record.error.problem, FIELDS) : null;
  const formLevelErrors =
    record.error && problem
      ? Object.keys(problem.fieldErrors).length === 0
        ? [errorMessage(record.error, t), ...problem.otherErrors]
        : problem.otherErrors
      : [];

  const submit = form.onSubmit((values: PaymentValues) =>
    record.mutate(
      {
        invoice,
        body: {
          amount: normaliseAmount(values.amount)!,
          paid_on: values.paid_on || null,
          comment: values.comment.trim() || null,
        },
      },
      {
        onSuccess: (paid) => {
          notifications.show({
            color: 'green',
            message: t(paid.status === 'paid' ? 'billing.nowPaid' : 'billing.paymentRecorded'),
          });
          onClose();
        },
        onError: (error) => setServerErrors(form, error, FIELDS),
      },
    ),
  );

  return (
    <Modal opened onClose={onClose} title={t('billing.payTitle', { number: invoice.number })}>
      <form onSubmit={submit} noValidate>
        <Stack>
          {formLevelErrors.length > 0 && (
            <Alert color="red" role="alert">
              {formLevelErrors.map((message) => (
                <div key={message}>{message}</div>
              ))}
            </Alert>
          )}
          <Text size="sm" c="dimmed">
            {t('billing.leftToPay', {
              amount: invoiceMoney(invoice.outstanding, invoice.currency, i18n.language),
            })}
          </Text>
          <TextInput
            label={t('billing.paymentAmount')}
            withAsterisk
            inputMode="decimal"
            {...form.getInputProps('amount')}
          />
          <TextInput
            type="date"
            label={t('billing.paidOn')}
            placeholder={t('billing.today')}
            {...form.getInputProps('paid_on')}
          />
          <Textarea label={t('billing.comment')} autosize {...form.getInputProps('comment')} />
          <Group justify="end">
            <Button variant="default" onClick={onClose}>
              {t('billing.close')}
            </Button>
            <Button type="submit" loading={record.isPending}>
              {t('billing.recordPayment')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
