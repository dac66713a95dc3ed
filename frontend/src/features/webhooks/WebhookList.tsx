import {
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Drawer,
  Group,
  Loader,
  Modal,
  MultiSelect,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadError } from '../shell/LoadError';
import { errorMessage, mapProblemToFields } from '../../api/problem';
import { maxLength, required, rules } from '../../forms/rules';
import { setServerErrors } from '../../forms/serverErrors';
import {
  type WebhookDelivery,
  type WebhookEndpoint,
  useCreateWebhook,
  useDeleteWebhook,
  useRedeliverWebhook,
  useSendTestWebhook,
  useUpdateWebhook,
  useWebhookDeliveries,
  useWebhookEndpoints,
  useWebhookEventTypes,
} from './queries';
import { WebhookPrivateTargets } from './WebhookPrivateTargets';

const FIELDS = ['url', 'events', 'description'] as const;
// domain/webhooks/model.py MAX_URL_LENGTH, MAX_DESCRIPTION_LENGTH
const URL_MAX = 2000;
const DESCRIPTION_MAX = 500;

interface FormValues {
  url: string;
  events: string[];
  description: string;
  is_active: boolean;
}

/** Admin screen: the organisation's outgoing webhook endpoints and their delivery log. */
export function WebhookList() {
  const { t } = useTranslation();
  const endpoints = useWebhookEndpoints();
  const [editing, setEditing] = useState<WebhookEndpoint | 'new' | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [logOf, setLogOf] = useState<WebhookEndpoint | null>(null);
  const sendTest = useSendTestWebhook();
  const remove = useDeleteWebhook();

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('webhooks.title')}</Title>
        <Button onClick={() => setEditing('new')}>{t('webhooks.add')}</Button>
      </Group>
      <Text c="dimmed" size="sm">
        {t('webhooks.intro')}
      </Text>
      <WebhookPrivateTargets />
      {endpoints.isPending && <Loader />}
      {endpoints.isError && (
        <LoadError onRetry={() => void endpoints.refetch()} retrying={endpoints.isFetching} />
      )}
      {endpoints.data && endpoints.data.length === 0 && <Text>{t('webhooks.empty')}</Text>}
      {endpoints.data && endpoints.data.length > 0 && (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('webhooks.url')}</Table.Th>
              <Table.Th>{t('webhooks.events')}</Table.Th>
              <Table.Th>{t('webhooks.state')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {endpoints.data.map((endpoint) => (
              <Table.Tr key={endpoint.id}>
                <Table.Td>
                  <Text size="sm">{endpoint.url}</Text>
                  {endpoint.description && (
                    <Text size="xs" c="dimmed">
                      {endpoint.description}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  {endpoint.events.map((name) => (
                    <Badge key={name} variant="light" mr={4}>
                      {name === '*' ? t('webhooks.allEvents') : name}
                    </Badge>
                  ))}
                </Table.Td>
                <Table.Td>
                  <Badge color={endpoint.is_active ? 'green' : 'gray'}>
                    {endpoint.is_active ? t('webhooks.active') : t('webhooks.inactive')}
                  </Badge>
                  {endpoint.disabled_reason && (
                    <Text size="xs" c="red">
                      {endpoint.disabled_reason}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" justify="flex-end" wrap="nowrap">
                    <Button size="xs" variant="default" onClick={() => setLogOf(endpoint)}>
                      {t('webhooks.deliveries')}
                    </Button>
                    <Button
                      size="xs"
                      variant="default"
                      disabled={!endpoint.is_active}
                      onClick={() =>
                        sendTest.mutate(endpoint.id, {
                          onSuccess: () =>
                            notifications.show({ color: 'green', message: t('webhooks.testSent') }),
                          onError: (error) =>
                            notifications.show({ color: 'red', message: errorMessage(error, t) }),
                        })
                      }
                    >
                      {t('webhooks.sendTest')}
                    </Button>
                    <Button size="xs" variant="default" onClick={() => setEditing(endpoint)}>
                      {t('webhooks.edit')}
                    </Button>
                    <Button
                      size="xs"
                      color="red"
                      variant="subtle"
                      onClick={() => {
                        if (window.confirm(t('webhooks.confirmDelete'))) remove.mutate(endpoint.id);
                      }}
                    >
                      {t('webhooks.delete')}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {editing !== null && (
        <WebhookEdit
          endpoint={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onCreated={setSecret}
        />
      )}
      <Modal
        opened={secret !== null}
        onClose={() => setSecret(null)}
        title={t('webhooks.secretTitle')}
      >
        <Stack>
          <Alert color="yellow">{t('webhooks.secretOnce')}</Alert>
          <Code block data-testid="webhook-secret">
            {secret}
          </Code>
          <CopyButton value={secret ?? ''}>
            {({ copied, copy }) => (
              <Button onClick={copy} color={copied ? 'teal' : undefined}>
                {copied ? t('webhooks.copied') : t('webhooks.copy')}
              </Button>
            )}
          </CopyButton>
        </Stack>
      </Modal>
      <Drawer
        opened={logOf !== null}
        onClose={() => setLogOf(null)}
        position="right"
        size="xl"
        title={logOf ? t('webhooks.deliveriesOf', { url: logOf.url }) : ''}
      >
        {logOf && <DeliveryLog endpointId={logOf.id} />}
      </Drawer>
    </Stack>
  );
}

function WebhookEdit({
  endpoint,
  onClose,
  onCreated,
}: {
  endpoint: WebhookEndpoint | null;
  onClose: () => void;
  onCreated: (secret: string) => void;
}) {
  const { t } = useTranslation();
  const eventTypes = useWebhookEventTypes();
  const create = useCreateWebhook();
  const update = useUpdateWebhook();
  const form = useForm<FormValues>({
    initialValues: {
      url: endpoint?.url ?? '',
      events: endpoint?.events ?? [],
      description: endpoint?.description ?? '',
      is_active: endpoint?.is_active ?? true,
    },
    validateInputOnChange: true,
    validate: {
      url: rules(
        required(t),
        // http(s) only, as the server takes (it then checks where the address resolves).
        (value: string) => (/^https?:\/\/\S+$/i.test(value.trim()) ? null : t('apiField.url')),
        maxLength(t, URL_MAX),
      ),
      events: (value) => (value.length > 0 ? null : t('webhooks.eventsNeeded')),
      description: maxLength(t, DESCRIPTION_MAX),
    },
  });
  const failed = endpoint ? update.error : create.error;
  // A refusal naming a field is said under it; only one naming none is said above the form.
  const unplaced =
    failed &&
    Object.keys(mapProblemToFields(failed.problem, FIELDS, { nested: true }).fieldErrors).length ===
      0;

  const submit = form.onSubmit((values) => {
    const onError = (error: unknown) => setServerErrors(form, error, FIELDS, { nested: true });
    if (endpoint) {
      update.mutate({ endpoint, body: values }, { onSuccess: onClose, onError });
    } else {
      create.mutate(values, {
        onSuccess: (created) => {
          onClose();
          onCreated(created.secret);
        },
        onError,
      });
    }
  });

  return (
    <Modal opened onClose={onClose} title={endpoint ? t('webhooks.edit') : t('webhooks.add')}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label={t('webhooks.url')}
            required
            placeholder="https://example.com/crm-hooks"
            {...form.getInputProps('url')}
          />
          <MultiSelect
            label={t('webhooks.events')}
            description={t('webhooks.eventsHint')}
            data={(eventTypes.data ?? []).map((name) => ({
              value: name,
              label: name === '*' ? t('webhooks.allEvents') : name,
            }))}
            searchable
            {...form.getInputProps('events')}
          />
          <TextInput label={t('webhooks.description')} {...form.getInputProps('description')} />
          <Switch
            label={t('webhooks.active')}
            {...form.getInputProps('is_active', { type: 'checkbox' })}
          />
          {failed && unplaced && (
            <Alert color="red" role="alert">
              {errorMessage(failed, t)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button type="submit" loading={create.isPending || update.isPending}>
              {t('webhooks.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function DeliveryLog({ endpointId }: { endpointId: string }) {
  const { t, i18n } = useTranslation();
  const deliveries = useWebhookDeliveries(endpointId);
  const redeliver = useRedeliverWebhook();
  if (deliveries.isPending) return <Loader />;
  if (deliveries.isError)
    return <LoadError onRetry={() => void deliveries.refetch()} retrying={deliveries.isFetching} />;
  if (deliveries.data.length === 0) return <Text>{t('webhooks.noDeliveries')}</Text>;
  return (
    <Stack>
      {deliveries.data.map((delivery: WebhookDelivery) => (
        <Stack key={delivery.id} gap={4} data-testid="webhook-delivery">
          <Group justify="space-between">
            <Group gap="xs">
              <Badge>{delivery.event_type}</Badge>
              <Badge color={statusColor(delivery.status)}>
                {t(`webhooks.status.${delivery.status}`)}
              </Badge>
            </Group>
            <Button
              size="xs"
              variant="default"
              onClick={() => redeliver.mutate(delivery)}
              loading={redeliver.isPending && redeliver.variables.id === delivery.id}
            >
              {t('webhooks.redeliver')}
            </Button>
          </Group>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('webhooks.attemptedAt')}</Table.Th>
                <Table.Th>{t('webhooks.statusCode')}</Table.Th>
                <Table.Th>{t('webhooks.duration')}</Table.Th>
                <Table.Th>{t('webhooks.answer')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {delivery.attempts.map((attempt) => (
                <Table.Tr key={attempt.id}>
                  <Table.Td>
                    {new Date(attempt.attempted_at).toLocaleString(i18n.language)}
                  </Table.Td>
                  <Table.Td>{attempt.status_code ?? '—'}</Table.Td>
                  <Table.Td>{attempt.duration_ms ?? '—'}</Table.Td>
                  <Table.Td>
                    <Text size="xs" lineClamp={3}>
                      {attempt.error ?? attempt.response_body ?? ''}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      ))}
    </Stack>
  );
}

function statusColor(status: WebhookDelivery['status']): string {
  if (status === 'succeeded') return 'green';
  if (status === 'failed') return 'red';
  return 'yellow';
}
