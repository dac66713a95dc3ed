import { Alert, Button, Group, Modal, Stack, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { errorMessage, mapProblemToFields } from '../../api/problem';
import { maxLength, required, rules } from '../../forms/rules';
import { setServerErrors } from '../../forms/serverErrors';
import type { Deal } from '../deals/queries';
import { normaliseAmount } from '../deals/money';
import { useCreateInvoice, useUpdateInvoice, type Invoice } from './queries';

interface InvoiceValues {
  number: string;
  issued_on: string;
  amount: string;
  currency: string;
  due_on: string;
  comment: string;
}

const FIELDS = ['number', 'issued_on', 'amount', 'currency', 'due_on', 'comment'] as const;
// domain/billing/model.py INVOICE_NUMBER_MAX, COMMENT_MAX
const NUMBER_MAX = 50;
const COMMENT_MAX = 2000;

/** Issues an invoice on ``deal``, or edits ``invoice``. */
export function InvoiceFormModal({
  deal,
  invoice,
  onClose,
}: {
  deal: Deal;
  invoice?: Invoice;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const create = useCreateInvoice();
  const update = useUpdateInvoice();
  const saving = invoice ? update : create;
  const form = useForm<InvoiceValues>({
    initialValues: {
      number: invoice?.number ?? '',
      issued_on: invoice?.issued_on ?? '',
      amount: String(invoice?.amount ?? deal.amount),
      currency: invoice?.currency ?? deal.currency,
      due_on: invoice?.due_on ?? '',
      comment: invoice?.comment ?? '',
    },
    validateInputOnChange: true,
    validate: {
      number: rules(invoice ? required(t) : () => null, maxLength(t, NUMBER_MAX)),
      amount: (value) => {
        const amount = normaliseAmount(value);
        if (amount === null) return t('apiField.required');
        if (amount === undefined) return t('dealPage.notAnAmount');
        return Number(amount) > 0 ? null : t('apiField.greater', { limit: 0 });
      },
      currency: (value) => (/^[A-Z]{3}$/.test(value.trim()) ? null : t('apiField.currency')),
      due_on: (value, values) =>
        value && values.issued_on && value < values.issued_on ? t('billing.dueBeforeIssued') : null,
      comment: rules(maxLength(t, COMMENT_MAX)),
    },
  });
  const problem = saving.error ? mapProblemToFields(saving.error.problem, FIELDS) : null;
  const formLevelErrors =
    saving.error && problem
      ? Object.keys(problem.fieldErrors).length === 0
        ? [errorMessage(saving.error, t), ...problem.otherErrors]
        : problem.otherErrors
      : [];

  const submit = form.onSubmit((values: InvoiceValues) => {
    const fields = {
      amount: normaliseAmount(values.amount)!,
      currency: values.currency.trim(),
      due_on: values.due_on || null,
      comment: values.comment.trim() || null,
    };
    const done = {
      onSuccess: () => {
        notifications.show({
          color: 'green',
          message: t(invoice ? 'billing.saved' : 'billing.issued'),
        });
        onClose();
      },
      onError: (error: unknown) => setServerErrors(form, error, FIELDS),
    };
    if (invoice) {
      update.mutate(
        {
          invoice,
          body: {
            ...fields,
            number: values.number.trim(),
            ...(values.issued_on ? { issued_on: values.issued_on } : {}),
          },
        },
        done,
      );
    } else {
      create.mutate(
        {
          deal_id: deal.id,
          ...fields,
          number: values.number.trim() || null,
          issued_on: values.issued_on || null,
        },
        done,
      );
    }
  });

  return (
    <Modal
      opened
      onClose={onClose}
      title={invoice ? t('billing.editTitle', { number: invoice.number }) : t('billing.issueTitle')}
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          {formLevelErrors.length > 0 && (
            <Alert color="red" role="alert">
              {formLevelErrors.map((message) => (
                <div key={message}>{message}</div>
              ))}
            </Alert>
          )}
          <TextInput
            label={t('billing.number')}
            placeholder={invoice ? undefined : t('billing.numberAuto')}
            withAsterisk={Boolean(invoice)}
            {...form.getInputProps('number')}
          />
          <Group grow align="start">
            <TextInput
              label={t('billing.amount')}
              withAsterisk
              inputMode="decimal"
              {...form.getInputProps('amount')}
            />
            <TextInput
              label={t('billing.currency')}
              withAsterisk
              maxLength={3}
              {...form.getInputProps('currency')}
            />
          </Group>
          <Group grow align="start">
            <TextInput
              type="date"
              label={t('billing.issuedOn')}
              placeholder={t('billing.today')}
              {...form.getInputProps('issued_on')}
            />
            <TextInput type="date" label={t('billing.dueOn')} {...form.getInputProps('due_on')} />
          </Group>
          <Textarea label={t('billing.comment')} autosize {...form.getInputProps('comment')} />
          <Group justify="end">
            <Button variant="default" onClick={onClose}>
              {t('billing.close')}
            </Button>
            <Button type="submit" loading={saving.isPending}>
              {invoice ? t('billing.save') : t('billing.issue')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
