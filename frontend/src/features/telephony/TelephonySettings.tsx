import {
  Alert,
  Badge,
  Button,
  Group,
  Loader,
  Modal,
  NumberInput,
  PasswordInput,
  Select,
  Stack,
  Switch,
  Table,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { UserSelect } from '../activities/UserSelect';
import { useFunnels } from '../deals/queries';
import { Refusal } from '../settings/Refusal';
import { RowActions } from '../settings/RowActions';
import { markRefusedFields } from '../settings/formHelpers';
import { CopyableCode } from '../shell/CopyableCode';
import { LoadError } from '../shell/LoadError';
import {
  eventUrl,
  type Provider,
  type TelephonyIntegration,
  type TelephonyIntegrationCreated,
  useCreateTelephonyIntegration,
  useDeleteTelephonyIntegration,
  useTelephonyIntegrations,
  useUpdateTelephonyIntegration,
} from './queries';
import { maxLength, required, rules } from '../../forms/rules';

const PROVIDERS: readonly Provider[] = ['zadarma', 'mango', 'generic'];
const FIELDS = [
  'name',
  'provider',
  'api_key',
  'secret',
  'numbers',
  'extensions',
  'tracking',
  'default_user_id',
  'funnel_id',
  'callback_minutes',
] as const;

/** PBX integrations: where the PBX posts its call events, the company's numbers, which
 * extension is whose, and which tracking number means which source. */
export function TelephonySettings() {
  const { t } = useTranslation();
  const integrations = useTelephonyIntegrations();
  const remove = useDeleteTelephonyIntegration();
  const [editing, setEditing] = useState<TelephonyIntegration | 'new' | null>(null);
  const [created, setCreated] = useState<TelephonyIntegrationCreated | null>(null);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3}>{t('telephony.title')}</Title>
        <Button onClick={() => setEditing('new')}>{t('telephony.add')}</Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t('telephony.intro')}
      </Text>
      <Refusal error={remove.error} />
      {integrations.isPending && <Loader aria-label={t('telephony.loading')} />}
      {integrations.isError && (
        <LoadError onRetry={() => void integrations.refetch()} retrying={integrations.isFetching} />
      )}
      {integrations.data?.length === 0 && <Text c="dimmed">{t('telephony.empty')}</Text>}
      {integrations.data && integrations.data.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('telephony.name')}</Table.Th>
                <Table.Th>{t('telephony.url')}</Table.Th>
                <Table.Th>{t('telephony.numbers')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {integrations.data.map((integration) => (
                <Table.Tr key={integration.id} data-testid="telephony-integration">
                  <Table.Td>
                    <Text size="sm">{integration.name}</Text>
                    <Group gap={4}>
                      <Badge variant="light">
                        {t(`telephony.provider.${integration.provider}`)}
                      </Badge>
                      {!integration.is_active && (
                        <Badge color="gray">{t('settings.inactive')}</Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <CopyableCode value={eventUrl(integration)} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{integration.numbers.join(', ') || '—'}</Text>
                    <Text size="xs" c="dimmed">
                      {t('telephony.counts', {
                        extensions: Object.keys(integration.extensions).length,
                        tracking: integration.tracking.length,
                      })}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <RowActions
                      onEdit={() => setEditing(integration)}
                      onDelete={() => remove.mutate(integration)}
                      confirmText={t('telephony.confirmDelete', { name: integration.name })}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {editing !== null && (
        <IntegrationEditor
          integration={editing === 'new' ? null : editing}
          onClose={(made) => {
            setEditing(null);
            if (made) setCreated(made);
          }}
        />
      )}
      <Modal
        opened={created !== null}
        onClose={() => setCreated(null)}
        title={t('telephony.createdTitle')}
        closeOnClickOutside={false}
      >
        {created && (
          <Stack>
            <Text size="sm">{t(`telephony.setup.${created.provider}`)}</Text>
            <CopyableCode value={eventUrl(created)} testId="telephony-created-url" />
            {created.provider === 'generic' && (
              <>
                <Alert color="yellow">{t('telephony.secretOnce')}</Alert>
                <CopyableCode value={created.secret} testId="telephony-created-secret" />
              </>
            )}
            <Group justify="flex-end">
              <Button onClick={() => setCreated(null)}>{t('telephony.done')}</Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}

interface EditorValues {
  name: string;
  provider: Provider;
  api_key: string;
  secret: string;
  numbers: string[];
  extensions: { extension: string; user_id: string | null }[];
  tracking: { number: string; source: string; campaign: string }[];
  default_user_id: string | null;
  funnel_id: string | null;
  callback_minutes: number | string;
  is_active: boolean;
}

function IntegrationEditor({
  integration,
  onClose,
}: {
  integration: TelephonyIntegration | null;
  onClose: (created: TelephonyIntegrationCreated | null) => void;
}) {
  const { t } = useTranslation();
  const funnels = useFunnels();
  const create = useCreateTelephonyIntegration();
  const update = useUpdateTelephonyIntegration();
  const form = useForm<EditorValues>({
    initialValues: {
      name: integration?.name ?? '',
      provider: integration?.provider ?? 'zadarma',
      api_key: '',
      secret: '',
      numbers: integration?.numbers ?? [],
      extensions: Object.entries(integration?.extensions ?? {}).map(([extension, user_id]) => ({
        extension,
        user_id,
      })),
      tracking: (integration?.tracking ?? []).map((entry) => ({
        number: entry.number,
        source: entry.source ?? '',
        campaign: entry.campaign ?? '',
      })),
      default_user_id: integration?.default_user_id ?? null,
      funnel_id: integration?.funnel_id ?? null,
      callback_minutes: integration?.callback_minutes ?? 15,
      is_active: integration?.is_active ?? true,
    },
    // A field is checked once it changed, so an untouched one says nothing.
    validateInputOnChange: true,
    validate: {
      // domain/intake/calls.py INTEGRATION_NAME_MAX, EXTENSION_MAX, NUMBER_MAX
      name: rules(required(t, t('settings.required')), maxLength(t, 200)),
      secret: (value, values) =>
        integration || values.provider === 'generic' || value.trim()
          ? null
          : t('settings.required'),
      api_key: (value, values) =>
        integration || values.provider !== 'mango' || value.trim() ? null : t('settings.required'),
      callback_minutes: (value) =>
        Number(value) >= 1 && Number(value) <= 10080 ? null : t('telephony.minutesRange'),
      extensions: {
        extension: rules(
          (value: string) =>
            /^[0-9A-Za-z*#_-]+$/.test(value.trim()) ? null : t('telephony.extensionInvalid'),
          maxLength(t, 32),
        ),
        user_id: (value) => (value ? null : t('settings.required')),
      },
      tracking: {
        number: rules(required(t, t('settings.required')), maxLength(t, 64)),
      },
    },
  });
  const busy = create.isPending || update.isPending;
  const provider = form.values.provider;

  const submit = form.onSubmit((values) => {
    const common = {
      name: values.name.trim(),
      numbers: values.numbers.map((n) => n.trim()).filter(Boolean),
      extensions: Object.fromEntries(
        values.extensions.map((e) => [e.extension.trim(), e.user_id ?? '']),
      ),
      tracking: values.tracking.map((entry) => ({
        number: entry.number.trim(),
        source: entry.source.trim() || null,
        campaign: entry.campaign.trim() || null,
      })),
      default_user_id: values.default_user_id,
      funnel_id: values.funnel_id,
      callback_minutes: Number(values.callback_minutes),
      is_active: values.is_active,
    };
    const onError = (error: Parameters<typeof markRefusedFields>[1]) =>
      markRefusedFields(form, error, FIELDS, t);
    if (integration) {
      update.mutate(
        {
          integration,
          body: {
            ...common,
            ...(values.api_key.trim() ? { api_key: values.api_key.trim() } : {}),
            ...(values.secret.trim() ? { secret: values.secret.trim() } : {}),
          },
        },
        { onSuccess: () => onClose(null), onError },
      );
    } else {
      create.mutate(
        {
          ...common,
          provider: values.provider,
          api_key: values.api_key.trim() || null,
          secret: values.secret.trim() || null,
        },
        { onSuccess: (made) => onClose(made), onError },
      );
    }
  });

  return (
    <Modal
      opened
      onClose={() => onClose(null)}
      size="xl"
      title={integration ? integration.name : t('telephony.add')}
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label={t('telephony.name')}
            required
            data-autofocus
            {...form.getInputProps('name')}
          />
          <Select
            label={t('telephony.providerLabel')}
            data={PROVIDERS.map((p) => ({ value: p, label: t(`telephony.provider.${p}`) }))}
            disabled={integration !== null}
            allowDeselect={false}
            {...form.getInputProps('provider')}
          />
          {integration && (
            <Stack gap={4}>
              <Text size="sm" fw={500}>
                {t('telephony.url')}
              </Text>
              <CopyableCode value={eventUrl(integration)} />
            </Stack>
          )}
          {provider !== 'generic' && (
            <TextInput
              label={t(provider === 'mango' ? 'telephony.mangoKey' : 'telephony.zadarmaKey')}
              description={
                integration?.api_key_hint
                  ? t('telephony.keepHint', { hint: integration.api_key_hint })
                  : undefined
              }
              required={!integration && provider === 'mango'}
              autoComplete="off"
              {...form.getInputProps('api_key')}
            />
          )}
          <PasswordInput
            label={t(`telephony.secretLabel.${provider}`)}
            description={
              integration?.secret_hint
                ? t('telephony.keepHint', { hint: integration.secret_hint })
                : provider === 'generic'
                  ? t('telephony.genericSecretHint')
                  : undefined
            }
            required={!integration && provider !== 'generic'}
            autoComplete="new-password"
            {...form.getInputProps('secret')}
          />
          <TagsInput
            label={t('telephony.numbers')}
            description={t('telephony.numbersHint')}
            clearable
            {...form.getInputProps('numbers')}
          />
          <Stack gap="xs">
            <Text size="sm" fw={500}>
              {t('telephony.extensions')}
            </Text>
            <Text size="xs" c="dimmed">
              {t('telephony.extensionsHint')}
            </Text>
            {form.values.extensions.map((_, index) => (
              <Group key={index} align="flex-end" wrap="nowrap" data-testid="telephony-extension">
                <TextInput
                  label={t('telephony.extension')}
                  w={120}
                  {...form.getInputProps(`extensions.${index}.extension`)}
                />
                <div style={{ flex: 1 }}>
                  <UserSelect
                    label={t('telephony.employee')}
                    value={form.values.extensions[index]?.user_id ?? null}
                    onChange={(value) => form.setFieldValue(`extensions.${index}.user_id`, value)}
                    error={form.errors[`extensions.${index}.user_id`] as string | undefined}
                  />
                </div>
                <Button
                  variant="subtle"
                  color="red"
                  onClick={() => form.removeListItem('extensions', index)}
                >
                  {t('settings.delete')}
                </Button>
              </Group>
            ))}
            <Group>
              <Button
                variant="light"
                size="xs"
                onClick={() => form.insertListItem('extensions', { extension: '', user_id: null })}
              >
                {t('telephony.addExtension')}
              </Button>
            </Group>
          </Stack>
          <Stack gap="xs">
            <Text size="sm" fw={500}>
              {t('telephony.tracking')}
            </Text>
            <Text size="xs" c="dimmed">
              {t('telephony.trackingHint')}
            </Text>
            {form.values.tracking.map((_, index) => (
              <Group key={index} align="flex-end" wrap="wrap" data-testid="telephony-tracking">
                <TextInput
                  label={t('telephony.trackingNumber')}
                  w={180}
                  {...form.getInputProps(`tracking.${index}.number`)}
                />
                <TextInput
                  label={t('telephony.source')}
                  w={150}
                  {...form.getInputProps(`tracking.${index}.source`)}
                />
                <TextInput
                  label={t('telephony.campaign')}
                  w={150}
                  {...form.getInputProps(`tracking.${index}.campaign`)}
                />
                <Button
                  variant="subtle"
                  color="red"
                  onClick={() => form.removeListItem('tracking', index)}
                >
                  {t('settings.delete')}
                </Button>
              </Group>
            ))}
            <Group>
              <Button
                variant="light"
                size="xs"
                onClick={() =>
                  form.insertListItem('tracking', { number: '', source: '', campaign: '' })
                }
              >
                {t('telephony.addTracking')}
              </Button>
            </Group>
          </Stack>
          <UserSelect
            label={t('telephony.defaultUser')}
            value={form.values.default_user_id}
            onChange={(value) => form.setFieldValue('default_user_id', value)}
            clearable
            error={form.errors.default_user_id as string | undefined}
          />
          <Text size="xs" c="dimmed" mt={-12}>
            {t('telephony.defaultUserHint')}
          </Text>
          <Select
            label={t('telephony.funnel')}
            data={(funnels.data ?? []).map((f) => ({ value: f.id, label: f.name }))}
            clearable
            {...form.getInputProps('funnel_id')}
          />
          <NumberInput
            label={t('telephony.callbackMinutes')}
            description={t('telephony.callbackMinutesHint')}
            min={1}
            max={10080}
            {...form.getInputProps('callback_minutes')}
          />
          <Switch
            label={t('settings.active')}
            {...form.getInputProps('is_active', { type: 'checkbox' })}
          />
          <Refusal
            error={create.error ?? update.error}
            labels={{
              name: 'telephony.name',
              numbers: 'telephony.numbers',
              extensions: 'telephony.extensions',
              tracking: 'telephony.tracking',
              secret: 'telephony.secret',
            }}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => onClose(null)}>
              {t('settings.cancel')}
            </Button>
            <Button type="submit" loading={busy}>
              {integration ? t('settings.save') : t('settings.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
