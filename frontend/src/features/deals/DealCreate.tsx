import { Alert, Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessage, mapProblemToFields } from '../../api/problem';
import { maxLength, required, rules } from '../../forms/rules';
import { setServerErrors } from '../../forms/serverErrors';
import { clientKeys } from '../clients/queries';
import { normaliseAmount } from './money';
import { useCreateDeal, useFunnels } from './queries';
import { LoadError } from '../shell/LoadError';

interface DealValues {
  title: string;
  amount: string;
  /** null: the default funnel, which the select shows as chosen. */
  funnel_id: string | null;
}

const FIELDS = ['title', 'amount', 'funnel_id'] as const;
// domain/deals/model.py DEAL_TITLE_MAX
const TITLE_MAX = 300;

/** "New deal" for a client: a modal form; the deal lands in the chosen funnel's first stage. */
export function DealCreate({
  clientId,
  opened,
  onClose,
}: {
  clientId: string;
  opened: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const funnels = useFunnels();
  const create = useCreateDeal();
  const form = useForm<DealValues>({
    initialValues: { title: '', amount: '', funnel_id: null },
    validateInputOnChange: true,
    validate: {
      title: rules(required(t, t('dealCreate.titleRequired')), maxLength(t, TITLE_MAX)),
      amount: (value) =>
        normaliseAmount(value) === undefined ? t('dealCreate.amountInvalid') : null,
    },
  });
  const defaultFunnelId = funnels.data?.find((funnel) => funnel.is_default)?.id ?? null;
  const funnelId = form.values.funnel_id ?? defaultFunnelId;

  const problem = create.error ? mapProblemToFields(create.error.problem, FIELDS) : null;
  const formLevelErrors =
    create.error && problem
      ? Object.keys(problem.fieldErrors).length === 0
        ? [errorMessage(create.error, t), ...problem.otherErrors]
        : problem.otherErrors
      : [];

  const close = () => {
    create.reset();
    form.reset();
    onClose();
  };

  const submit = form.onSubmit((values) => {
    create.mutate(
      {
        client_id: clientId,
        title: values.title.trim(),
        amount: normaliseAmount(values.amount) ?? null,
        funnel_id: funnelId,
      },
      {
        onSuccess: (deal) => {
          void queryClient.invalidateQueries({ queryKey: clientKeys.timeline(clientId) });
          notifications.show({
            color: 'green',
            message: t('dealCreate.created', { title: deal.title }),
          });
          close();
        },
        onError: (error) => setServerErrors(form, error, FIELDS),
      },
    );
  });

  return (
    <Modal opened={opened} onClose={close} title={t('dealCreate.title')}>
      <form onSubmit={submit} noValidate>
        <Stack>
          {formLevelErrors.length > 0 && (
            <Alert color="red" role="alert">
              {formLevelErrors.map((message) => (
                <div key={message}>{message}</div>
              ))}
            </Alert>
          )}
          <TextInput label={t('dealCreate.dealTitle')} required {...form.getInputProps('title')} />
          <TextInput
            label={t('dealCreate.amount')}
            inputMode="decimal"
            {...form.getInputProps('amount')}
          />
          {funnels.isError ? (
            <LoadError onRetry={() => void funnels.refetch()} retrying={funnels.isFetching} />
          ) : null}
          <Select
            label={t('dealCreate.funnel')}
            data={(funnels.data ?? []).map((funnel) => ({ value: funnel.id, label: funnel.name }))}
            allowDeselect={false}
            value={funnelId}
            onChange={(value) => form.setFieldValue('funnel_id', value)}
            error={form.errors.funnel_id}
          />
          <Group justify="end">
            <Button variant="default" onClick={close}>
              {t('dealCreate.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t('dealCreate.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
