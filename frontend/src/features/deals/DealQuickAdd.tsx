import { Alert, Button, Group, Paper, Select, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { problemText } from '../../api/problemText';
import { maxLength, required, rules } from '../../forms/rules';
import { setServerErrors } from '../../forms/serverErrors';
import { normaliseAmount } from './money';
import { useClientSearch, useCreateDeal, type Board } from './queries';

type Stage = Board['funnel']['stages'][number];

interface QuickAddValues {
  title: string;
  client_id: string | null;
  amount: string;
}

const FIELDS = ['title', 'client_id', 'amount'] as const;
// domain/deals/model.py DEAL_TITLE_MAX
const TITLE_MAX = 300;

/** A deal added at the top of a board column: title, client and amount, in that stage. */
export function DealQuickAdd({
  funnelId,
  stage,
  onClose,
}: {
  funnelId: string;
  stage: Stage;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const create = useCreateDeal();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const clients = useClientSearch(q);
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm<QuickAddValues>({
    mode: 'controlled',
    initialValues: { title: '', client_id: null, amount: '' },
    // A field is checked once it changed, so an untouched one says nothing.
    validateInputOnChange: true,
    validate: {
      title: rules(required(t, t('dealCreate.titleRequired')), maxLength(t, TITLE_MAX)),
      client_id: (value) => (value ? null : t('board.clientRequired')),
      amount: (value) =>
        normaliseAmount(value) === undefined ? t('dealCreate.amountInvalid') : null,
    },
  });
  const label = (field: string) =>
    ({
      title: t('dealCreate.dealTitle'),
      client_id: t('dealList.client'),
      amount: t('dealCreate.amount'),
    })[field];

  const submit = form.onSubmit((values) => {
    setFailure(null);
    create.mutate(
      {
        title: values.title.trim(),
        client_id: values.client_id!,
        amount: normaliseAmount(values.amount) ?? null,
        funnel_id: funnelId,
        stage_id: stage.id,
      },
      {
        onSuccess: (deal) => {
          notifications.show({
            color: 'green',
            message: t('board.added', { title: deal.title, stage: stage.name }),
          });
          onClose();
        },
        onError: (error) => {
          // Each field the server names gets its own error, worded from its code.
          const { fieldErrors, otherErrors } = setServerErrors(form, error, FIELDS, {
            uncoded: t('board.fieldRefused'),
          });
          if (Object.keys(fieldErrors).length === 0) setFailure(problemText(error, t, label));
          else if (otherErrors.length > 0) setFailure(otherErrors.join('; '));
        },
      },
    );
  });

  return (
    <Paper withBorder p="xs" mb="xs" data-testid="quick-add">
      <form onSubmit={submit} noValidate aria-label={t('board.quickAdd', { stage: stage.name })}>
        <Stack gap="xs">
          {failure ? (
            <Alert color="red" role="alert" p="xs">
              {failure}
            </Alert>
          ) : null}
          <TextInput
            label={t('dealCreate.dealTitle')}
            size="xs"
            required
            data-autofocus
            autoFocus
            {...form.getInputProps('title')}
          />
          <Select
            label={t('dealList.client')}
            size="xs"
            required
            searchable
            data={(clients.data ?? []).map((client) => ({ value: client.id, label: client.name }))}
            searchValue={search}
            onSearchChange={setSearch}
            // The server already matched the name; the list shows what it found.
            filter={({ options }) => options}
            nothingFoundMessage={
              clients.isError
                ? t('errors.loadFailed')
                : clients.isFetching
                  ? t('dealList.searching')
                  : t('board.noClients')
            }
            {...form.getInputProps('client_id')}
          />
          <TextInput
            label={t('dealCreate.amount')}
            size="xs"
            inputMode="decimal"
            {...form.getInputProps('amount')}
          />
          <Group justify="end" gap="xs">
            <Button variant="default" size="xs" onClick={onClose}>
              {t('dealCreate.cancel')}
            </Button>
            <Button type="submit" size="xs" loading={create.isPending}>
              {t('board.add')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
