import { Button, Group, Loader, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { LoadError } from '../shell/LoadError';
import { TimeZoneSelect } from '../shell/TimeZoneSelect';
import { type Organisation, useOrganisation } from '../webhooks/queries';
import { markRefusedFields } from './formHelpers';
import { useUpdateOrganisation } from './queries';
import { Refusal } from './Refusal';

const LABELS = {
  name: 'settings.organisation.name',
  currency: 'settings.organisation.currency',
  time_zone: 'settings.organisation.timeZone',
  fulfilment_basis: 'settings.organisation.fulfilmentBasis',
} as const;
const CURRENCY = /^[A-Z]{3}$/;

/** The organisation itself: its name, currency, time zone and what counts as plan fulfilment. */
export function OrganisationSettings() {
  const { t } = useTranslation();
  const organisation = useOrganisation();
  return (
    <Stack maw={520}>
      <Title order={3}>{t('settings.organisation.title')}</Title>
      {organisation.isPending && <Loader />}
      {organisation.isError && (
        <LoadError onRetry={() => void organisation.refetch()} retrying={organisation.isFetching} />
      )}
      {organisation.data && (
        <OrganisationForm key={organisation.data.version} organisation={organisation.data} />
      )}
    </Stack>
  );
}

function OrganisationForm({ organisation }: { organisation: Organisation }) {
  const { t } = useTranslation();
  const update = useUpdateOrganisation();
  const form = useForm({
    initialValues: {
      name: organisation.name,
      currency: organisation.currency,
      time_zone: organisation.time_zone,
      fulfilment_basis: organisation.fulfilment_basis,
    },
    validate: {
      name: (value) => (value.trim() ? null : t('settings.required')),
      currency: (value) =>
        CURRENCY.test(value) ? null : t('settings.organisation.currencyInvalid'),
      time_zone: (value) => (value.trim() ? null : t('settings.required')),
    },
    validateInputOnChange: true,
  });
  const submit = form.onSubmit((values) =>
    update.mutate(
      {
        organisation,
        body: { ...values, name: values.name.trim(), time_zone: values.time_zone.trim() },
      },
      {
        onSuccess: () => notifications.show({ color: 'green', message: t('settings.saved') }),
        onError: (error) => markRefusedFields(form, error, Object.keys(LABELS), t),
      },
    ),
  );
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <TextInput label={t(LABELS.name)} required {...form.getInputProps('name')} />
        <TextInput
          label={t(LABELS.currency)}
          description={t('settings.organisation.currencyHint')}
          maxLength={3}
          {...form.getInputProps('currency')}
          onChange={(event) =>
            form.setFieldValue('currency', event.currentTarget.value.toUpperCase())
          }
        />
        <TimeZoneSelect
          label={t(LABELS.time_zone)}
          description={t('settings.organisation.timeZoneHint')}
          {...form.getInputProps('time_zone')}
        />
        <Select
          label={t(LABELS.fulfilment_basis)}
          allowDeselect={false}
          data={[
            { value: 'paid_invoices', label: t('settings.organisation.basis.paid_invoices') },
            { value: 'won_deals', label: t('settings.organisation.basis.won_deals') },
          ]}
          {...form.getInputProps('fulfilment_basis')}
        />
        <Text size="xs" c="dimmed">
          {t('settings.organisation.basisHint')}
        </Text>
        <Refusal error={update.error} labels={LABELS} />
        <Group>
          <Button type="submit" loading={update.isPending}>
            {t('settings.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
