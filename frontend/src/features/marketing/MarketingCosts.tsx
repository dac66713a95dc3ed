import {
  Alert,
  Autocomplete,
  Button,
  Group,
  Modal,
  ScrollArea,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { errorMessage, type ApiError } from '../../api/problem';
import { problemSlug } from '../../api/problemText';
import { formatMoney } from '../deals/money';
import { markRefusedFields } from '../settings/formHelpers';
import { LoadError } from '../shell/LoadError';
import {
  useCosts,
  useCreateCost,
  useDeleteCost,
  useUpdateCost,
  type MarketingCost,
  type MonthRange,
} from './queries';

const AMOUNT = /^\d{1,13}([.,]\d{1,2})?$/;

const thisMonth = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
};

/** A refused save in the reader's words: a plain conflict is a cost already entered for the
 * month; a closed month is worded as such (problemText, by the problem's type). */
function refusalText(error: ApiError | null, t: TFunction): string | null {
  if (!error) return null;
  if (problemSlug(error) === 'conflict') return t('marketing.costs.exists');
  if (error.status === 412) return t('marketing.costs.stale');
  return errorMessage(error, t);
}

/** The costs entered for the period's months; a marketer adds, edits and deletes them. */
export function MarketingCosts({
  range,
  editable,
  sources,
}: {
  range: MonthRange;
  editable: boolean;
  sources: string[];
}) {
  const { t, i18n } = useTranslation();
  const costs = useCosts(range);
  const remove = useDeleteCost();
  const [editing, setEditing] = useState<MarketingCost | null>(null);
  const [deleting, setDeleting] = useState<MarketingCost | null>(null);
  const monthName = (day: string) =>
    new Intl.DateTimeFormat(i18n.language, { month: 'long', year: 'numeric' }).format(
      new Date(`${day}T00:00:00`),
    );
  const caption = t('marketing.costs.title');

  return (
    <Stack gap="sm">
      <Title order={3}>{caption}</Title>
      {editable && <CostAddForm sources={sources} />}
      {costs.isError && (
        <LoadError onRetry={() => void costs.refetch()} retrying={costs.isFetching} />
      )}
      {costs.data?.length === 0 && <Text c="dimmed">{t('marketing.costs.empty')}</Text>}
      {costs.data && costs.data.length > 0 && (
        <ScrollArea type="auto" offsetScrollbars>
          <Table striped withTableBorder aria-label={caption} data-testid="marketing-costs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('marketing.costs.month')}</Table.Th>
                <Table.Th>{t('marketing.source')}</Table.Th>
                <Table.Th>{t('marketing.campaign')}</Table.Th>
                <Table.Th>{t('marketing.costs.amount')}</Table.Th>
                <Table.Th>{t('marketing.costs.comment')}</Table.Th>
                {editable && <Table.Th aria-label={t('marketing.costs.actions')} />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {costs.data.map((cost) => (
                <Table.Tr key={cost.id}>
                  <Table.Td>{monthName(cost.month)}</Table.Td>
                  <Table.Td>{cost.source}</Table.Td>
                  <Table.Td>{cost.campaign ?? '—'}</Table.Td>
                  <Table.Td>{formatMoney(cost.amount, cost.currency, i18n.language)}</Table.Td>
                  <Table.Td>{cost.comment ?? ''}</Table.Td>
                  {editable && (
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap" justify="flex-end">
                        <Button size="xs" variant="default" onClick={() => setEditing(cost)}>
                          {t('marketing.costs.edit')}
                        </Button>
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          onClick={() => {
                            remove.reset();
                            setDeleting(cost);
                          }}
                        >
                          {t('marketing.costs.delete')}
                        </Button>
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      )}
      {editing && <CostEditModal cost={editing} onClose={() => setEditing(null)} />}
      <Modal
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title={t('marketing.costs.deleteTitle')}
      >
        <Stack>
          <Text>
            {deleting &&
              t('marketing.costs.deleteText', {
                source: deleting.campaign
                  ? `${deleting.source} / ${deleting.campaign}`
                  : deleting.source,
                month: monthName(deleting.month),
              })}
          </Text>
          {remove.error && (
            <Alert color="red" role="alert">
              {refusalText(remove.error, t)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDeleting(null)}>
              {t('marketing.costs.cancel')}
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              onClick={() =>
                deleting && remove.mutate(deleting, { onSuccess: () => setDeleting(null) })
              }
            >
              {t('marketing.costs.delete')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

const FIELDS = ['month', 'source', 'campaign', 'amount', 'comment'] as const;

function CostAddForm({ sources }: { sources: string[] }) {
  const { t } = useTranslation();
  const create = useCreateCost();
  const form = useForm({
    initialValues: { month: thisMonth(), source: '', campaign: '', amount: '', comment: '' },
    validateInputOnChange: true,
    validate: {
      month: (value) => (/^\d{4}-\d{2}$/.test(value) ? null : t('marketing.costs.required')),
      source: (value) => (value.trim() ? null : t('marketing.costs.required')),
      amount: (value) => (AMOUNT.test(value.trim()) ? null : t('marketing.costs.amountInvalid')),
    },
  });
  const submit = form.onSubmit((values) =>
    create.mutate(
      {
        month: `${values.month}-01`,
        source: values.source.trim(),
        campaign: values.campaign.trim() || null,
        amount: values.amount.trim().replace(',', '.'),
        comment: values.comment.trim() || null,
      },
      {
        onSuccess: () => form.setValues({ source: '', campaign: '', amount: '', comment: '' }),
        onError: (error) => markRefusedFields(form, error, FIELDS, t),
      },
    ),
  );
  const refusal = create.error && !create.error.problem?.errors?.length ? create.error : null;
  return (
    <form onSubmit={submit} noValidate aria-label={t('marketing.costs.add')}>
      <Stack gap="xs">
        <Group align="flex-start" wrap="wrap" gap="sm">
          <TextInput
            type="month"
            label={t('marketing.costs.month')}
            w={170}
            {...form.getInputProps('month')}
          />
          <Autocomplete
            label={t('marketing.source')}
            data={sources}
            w={200}
            {...form.getInputProps('source')}
          />
          <TextInput label={t('marketing.campaign')} w={180} {...form.getInputProps('campaign')} />
          <TextInput
            label={t('marketing.costs.amount')}
            inputMode="decimal"
            w={140}
            {...form.getInputProps('amount')}
          />
          <TextInput
            label={t('marketing.costs.comment')}
            w={220}
            {...form.getInputProps('comment')}
          />
          <Button type="submit" mt={24} loading={create.isPending}>
            {t('marketing.costs.add')}
          </Button>
        </Group>
        {refusal && (
          <Alert color="red" role="alert">
            {refusalText(refusal, t)}
          </Alert>
        )}
      </Stack>
    </form>
  );
}

function CostEditModal({ cost, onClose }: { cost: MarketingCost; onClose: () => void }) {
  const { t } = useTranslation();
  const update = useUpdateCost();
  const form = useForm({
    initialValues: { amount: String(cost.amount), comment: cost.comment ?? '' },
    validateInputOnChange: true,
    validate: {
      amount: (value) => (AMOUNT.test(value.trim()) ? null : t('marketing.costs.amountInvalid')),
    },
  });
  const submit = form.onSubmit((values) =>
    update.mutate(
      {
        cost,
        body: {
          amount: values.amount.trim().replace(',', '.'),
          comment: values.comment.trim() || null,
        },
      },
      {
        onSuccess: onClose,
        onError: (error) => markRefusedFields(form, error, ['amount', 'comment'], t),
      },
    ),
  );
  const refusal = update.error && !update.error.problem?.errors?.length ? update.error : null;
  return (
    <Modal opened onClose={onClose} title={t('marketing.costs.editTitle')}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm" c="dimmed">
            {cost.campaign ? `${cost.source} / ${cost.campaign}` : cost.source}
          </Text>
          <TextInput
            label={t('marketing.costs.amount')}
            inputMode="decimal"
            data-autofocus
            {...form.getInputProps('amount')}
          />
          <TextInput label={t('marketing.costs.comment')} {...form.getInputProps('comment')} />
          {refusal && (
            <Alert color="red" role="alert">
              {refusalText(refusal, t)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('marketing.costs.cancel')}
            </Button>
            <Button type="submit" loading={update.isPending}>
              {t('marketing.costs.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
