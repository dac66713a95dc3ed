import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Group,
  Loader,
  Modal,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { DealFunnelSelect } from './DealFunnelSelect';
import { OrderStagesSelect } from './OrderStagesSelect';
import { UserSelect } from '../activities/UserSelect';
import { Refusal } from '../settings/Refusal';
import { RowActions } from '../settings/RowActions';
import { markRefusedFields } from '../settings/formHelpers';
import { CopyableCode } from '../shell/CopyableCode';
import { LoadError } from '../shell/LoadError';
import {
  exchangeUrl,
  type OnecExchange,
  type OnecIntegration,
  type OnecIntegrationWithPassword,
  useCreateOnecIntegration,
  useDeleteOnecIntegration,
  useOnecExchange,
  useOnecExchanges,
  useOnecIntegrations,
  useUpdateOnecIntegration,
} from './queries';
import { maxLength, required, rules } from '../../forms/rules';

const FIELDS = [
  'name',
  'login',
  'exchange_catalog',
  'exchange_sale',
  'responsible_id',
  'order_stage_ids',
  'deal_funnel_id',
  'win_on_status',
] as const;
const STATUS_COLOR: Record<OnecExchange['status'], string> = {
  open: 'blue',
  importing: 'blue',
  done: 'teal',
  failed: 'red',
};

/** 1C:Enterprise exchange: the address, login and password to paste into 1C's exchange
 * settings, what is exchanged, and the log of the exchanges 1C ran. */
export function OnecSettings() {
  const { t } = useTranslation();
  const integrations = useOnecIntegrations();
  const remove = useDeleteOnecIntegration();
  const [editing, setEditing] = useState<OnecIntegration | 'new' | null>(null);
  const [credentials, setCredentials] = useState<OnecIntegrationWithPassword | null>(null);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3}>{t('onec.title')}</Title>
        <Button onClick={() => setEditing('new')}>{t('onec.add')}</Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t('onec.intro')}
      </Text>
      <Refusal error={remove.error} />
      {integrations.isPending && <Loader aria-label={t('onec.loading')} />}
      {integrations.isError && (
        <LoadError onRetry={() => void integrations.refetch()} retrying={integrations.isFetching} />
      )}
      {integrations.data?.length === 0 && <Text c="dimmed">{t('onec.empty')}</Text>}
      {integrations.data && integrations.data.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('onec.name')}</Table.Th>
                <Table.Th>{t('onec.url')}</Table.Th>
                <Table.Th>{t('onec.login')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {integrations.data.map((integration) => (
                <Table.Tr key={integration.id} data-testid="onec-integration">
                  <Table.Td>
                    <Text size="sm">{integration.name}</Text>
                    <Group gap={4}>
                      {integration.exchange_catalog && (
                        <Badge variant="light">{t('onec.catalog')}</Badge>
                      )}
                      {integration.exchange_sale && <Badge variant="light">{t('onec.sale')}</Badge>}
                      {!integration.is_active && (
                        <Badge color="gray">{t('settings.inactive')}</Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <CopyableCode value={exchangeUrl(integration)} />
                  </Table.Td>
                  <Table.Td>
                    <Code>{integration.login}</Code>
                  </Table.Td>
                  <Table.Td>
                    <RowActions
                      onEdit={() => setEditing(integration)}
                      onDelete={() => remove.mutate(integration)}
                      confirmText={t('onec.confirmDelete', { name: integration.name })}
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
          onClose={(answered) => {
            setEditing(null);
            if (answered?.password) setCredentials(answered);
          }}
        />
      )}
      <Modal
        opened={credentials !== null}
        onClose={() => setCredentials(null)}
        title={t('onec.credentialsTitle')}
        closeOnClickOutside={false}
      >
        {credentials && (
          <Stack>
            <Text size="sm">{t('onec.setup')}</Text>
            <Text size="sm" fw={500}>
              {t('onec.url')}
            </Text>
            <CopyableCode value={exchangeUrl(credentials)} testId="onec-credentials-url" />
            <Text size="sm" fw={500}>
              {t('onec.login')}
            </Text>
            <CopyableCode value={credentials.login} testId="onec-credentials-login" />
            <Text size="sm" fw={500}>
              {t('onec.password')}
            </Text>
            <Alert color="yellow">{t('onec.passwordOnce')}</Alert>
            <CopyableCode value={credentials.password ?? ''} testId="onec-credentials-password" />
            <Group justify="flex-end">
              <Button onClick={() => setCredentials(null)}>{t('onec.done')}</Button>
            </Group>
          </Stack>
        )}
      </Modal>
      <ExchangeLog />
    </Stack>
  );
}

interface EditorValues {
  name: string;
  login: string;
  exchange_catalog: boolean;
  exchange_sale: boolean;
  is_active: boolean;
  responsible_id: string | null;
  order_stage_ids: string[];
  deal_funnel_id: string | null;
  win_on_status: boolean;
}

function IntegrationEditor({
  integration,
  onClose,
}: {
  integration: OnecIntegration | null;
  onClose: (answered: OnecIntegrationWithPassword | null) => void;
}) {
  const { t } = useTranslation();
  const create = useCreateOnecIntegration();
  const update = useUpdateOnecIntegration();
  const form = useForm<EditorValues>({
    initialValues: {
      name: integration?.name ?? '',
      login: integration?.login ?? 'site',
      exchange_catalog: integration?.exchange_catalog ?? true,
      exchange_sale: integration?.exchange_sale ?? false,
      is_active: integration?.is_active ?? true,
      responsible_id: integration?.responsible_id ?? null,
      order_stage_ids: integration?.order_stage_ids ?? [],
      deal_funnel_id: integration?.deal_funnel_id ?? null,
      win_on_status: integration?.win_on_status ?? false,
    },
    validateInputOnChange: true,
    validate: {
      // domain/onec/model.py NAME_MAX, LOGIN_MAX
      name: rules(required(t, t('settings.required')), maxLength(t, 200)),
      login: rules(required(t, t('settings.required')), maxLength(t, 100), (value: string) =>
        /^[^\s:]+$/.test(value.trim()) ? null : t('onec.loginInvalid'),
      ),
    },
  });
  const busy = create.isPending || update.isPending;
  const onError = (error: Parameters<typeof markRefusedFields>[1]) =>
    markRefusedFields(form, error, FIELDS, t);

  const submit = form.onSubmit((values) => {
    const body = { ...values, name: values.name.trim(), login: values.login.trim() };
    if (integration) {
      update.mutate({ integration, body }, { onSuccess: () => onClose(null), onError });
    } else {
      create.mutate(body, { onSuccess: (made) => onClose(made), onError });
    }
  });

  const rotate = () => {
    if (!integration || !window.confirm(t('onec.confirmRotate'))) return;
    update.mutate(
      { integration, body: { rotate_password: true } },
      { onSuccess: (answered) => onClose(answered) },
    );
  };

  return (
    <Modal
      opened
      onClose={() => onClose(null)}
      size="lg"
      title={integration ? integration.name : t('onec.add')}
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label={t('onec.name')}
            required
            data-autofocus
            {...form.getInputProps('name')}
          />
          <TextInput
            label={t('onec.login')}
            description={t('onec.loginHint')}
            required
            autoComplete="off"
            {...form.getInputProps('login')}
          />
          {integration && (
            <Stack gap={4}>
              <Text size="sm" fw={500}>
                {t('onec.url')}
              </Text>
              <CopyableCode value={exchangeUrl(integration)} />
              <Group>
                <Button variant="light" size="xs" onClick={rotate} loading={update.isPending}>
                  {t('onec.rotate')}
                </Button>
              </Group>
            </Stack>
          )}
          <Switch
            label={t('onec.exchangeCatalog')}
            {...form.getInputProps('exchange_catalog', { type: 'checkbox' })}
          />
          <Switch
            label={t('onec.exchangeSale')}
            description={t('onec.exchangeSaleHint')}
            {...form.getInputProps('exchange_sale', { type: 'checkbox' })}
          />
          {form.values.exchange_sale && (
            <OrderStagesSelect
              value={form.values.order_stage_ids}
              onChange={(value) => form.setFieldValue('order_stage_ids', value)}
              error={stageError(form.errors)}
            />
          )}
          {form.values.exchange_sale && (
            <>
              <DealFunnelSelect
                value={form.values.deal_funnel_id}
                onChange={(value) => form.setFieldValue('deal_funnel_id', value)}
                error={form.errors.deal_funnel_id as string | undefined}
              />
              <Switch
                label={t('onec.winOnStatus')}
                description={t('onec.winOnStatusHint')}
                {...form.getInputProps('win_on_status', { type: 'checkbox' })}
              />
            </>
          )}
          <UserSelect
            label={t('onec.responsible')}
            value={form.values.responsible_id}
            onChange={(value) => form.setFieldValue('responsible_id', value)}
            clearable
            error={form.errors.responsible_id as string | undefined}
          />
          <Text size="xs" c="dimmed" mt={-12}>
            {t('onec.responsibleHint')}
          </Text>
          {integration && (
            <Switch
              label={t('settings.active')}
              {...form.getInputProps('is_active', { type: 'checkbox' })}
            />
          )}
          <Refusal
            error={create.error ?? update.error}
            labels={{ name: 'onec.name', login: 'onec.login' }}
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

/** The refusal of the order stages or of one of them (its loc names the index). */
function stageError(errors: Record<string, unknown>): string | undefined {
  const found = Object.entries(errors).find(
    ([path]) => path === 'order_stage_ids' || path.startsWith('order_stage_ids.'),
  );
  return found ? String(found[1]) : undefined;
}

function Counts({
  exchange,
}: {
  exchange: Pick<OnecExchange, 'created' | 'updated' | 'unchanged'>;
}) {
  const { t } = useTranslation();
  return (
    <Text size="sm">
      {t('onec.counts', {
        created: exchange.created,
        updated: exchange.updated,
        unchanged: exchange.unchanged,
      })}
    </Text>
  );
}

/** What 1C's counterparties did: clients made, linked or changed, and those set aside because
 * several clients match them (with links to those clients). */
function Counterparties({ exchange }: { exchange: OnecExchange }) {
  const { t } = useTranslation();
  const seen =
    exchange.counterparties_created +
    exchange.counterparties_updated +
    exchange.counterparties_unchanged +
    exchange.counterparties_flagged;
  if (seen === 0) return null;
  return (
    <Stack gap="xs">
      <Text size="sm">
        {t('onec.counterparties', {
          created: exchange.counterparties_created,
          updated: exchange.counterparties_updated,
          unchanged: exchange.counterparties_unchanged,
          flagged: exchange.counterparties_flagged,
        })}
      </Text>
      {exchange.flagged.length > 0 && (
        <Alert color="yellow" title={t('onec.flagged')} data-testid="onec-flagged">
          <Stack gap={4}>
            <Text size="sm">{t('onec.flaggedHint')}</Text>
            {exchange.flagged.map((flag) => (
              <Group gap="xs" key={flag.external_id}>
                <Text size="sm" fw={500}>
                  {flag.name}
                </Text>
                <Code>{flag.external_id}</Code>
                <Text size="sm" c="dimmed">
                  {flag.reason}
                </Text>
                {flag.candidates.map((id, index) => (
                  <Anchor key={id} size="sm" component={Link} to={`/clients/${id}`}>
                    {t('onec.candidate', { index: index + 1 })}
                  </Anchor>
                ))}
              </Group>
            ))}
          </Stack>
        </Alert>
      )}
    </Stack>
  );
}

/** What 1C's documents (orders, invoices, payments) did to deals, invoices and payments. */
function Documents({ exchange }: { exchange: OnecExchange }) {
  const { t } = useTranslation();
  const counts = exchange.documents;
  if (!counts || counts.created + counts.updated + counts.unchanged + counts.failed === 0) {
    return null;
  }
  return (
    <Text size="sm" data-testid="onec-documents">
      {t('onec.documents', counts)}
    </Text>
  );
}

/** Every exchange 1C ran: its status, progress, counts and errors; a row opens its files. */
function ExchangeLog() {
  const { t, i18n } = useTranslation();
  const exchanges = useOnecExchanges();
  const [opened, setOpened] = useState<string | null>(null);
  const moment = new Intl.DateTimeFormat(i18n.language, {
    dateStyle: 'short',
    timeStyle: 'short',
  });

  return (
    <Stack mt="lg">
      <Title order={4}>{t('onec.log')}</Title>
      {exchanges.isError && (
        <LoadError onRetry={() => void exchanges.refetch()} retrying={exchanges.isFetching} />
      )}
      {exchanges.data?.length === 0 && <Text c="dimmed">{t('onec.logEmpty')}</Text>}
      {exchanges.data && exchanges.data.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('onec.started')}</Table.Th>
                <Table.Th>{t('onec.type')}</Table.Th>
                <Table.Th>{t('onec.status')}</Table.Th>
                <Table.Th>{t('onec.progress')}</Table.Th>
                <Table.Th>{t('onec.records')}</Table.Th>
                <Table.Th>{t('onec.errors')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {exchanges.data.map((exchange) => (
                <Table.Tr
                  key={exchange.id}
                  data-testid="onec-exchange"
                  style={{ cursor: 'pointer' }}
                  onClick={() => setOpened(exchange.id)}
                >
                  <Table.Td>{moment.format(new Date(exchange.started_at))}</Table.Td>
                  <Table.Td>{t(`onec.${exchange.type}`)}</Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLOR[exchange.status]} variant="light">
                      {t(`onec.statusName.${exchange.status}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{exchange.progress || '—'}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Counts exchange={exchange} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c={exchange.errors.length ? 'red' : 'dimmed'}>
                      {exchange.errors.length}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {opened !== null && <ExchangeDetail id={opened} onClose={() => setOpened(null)} />}
    </Stack>
  );
}

function ExchangeDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const detail = useOnecExchange(id);
  const bytes = new Intl.NumberFormat(i18n.language);
  const exchange = detail.data;
  return (
    <Modal opened onClose={onClose} size="xl" title={t('onec.exchangeTitle')}>
      {detail.isPending && <Loader aria-label={t('onec.loading')} />}
      {detail.isError && (
        <LoadError onRetry={() => void detail.refetch()} retrying={detail.isFetching} />
      )}
      {exchange && (
        <Stack>
          <Group>
            <Badge color={STATUS_COLOR[exchange.status]} variant="light">
              {t(`onec.statusName.${exchange.status}`)}
            </Badge>
            <Text size="sm">{exchange.progress}</Text>
          </Group>
          <Counts exchange={exchange} />
          <Counterparties exchange={exchange} />
          <Documents exchange={exchange} />
          {exchange.type === 'sale' && (
            <Text size="sm" data-testid="onec-orders-sent">
              {t('onec.ordersSent', { n: exchange.orders_sent ?? 0 })}
            </Text>
          )}
          <Table data-testid="onec-exchange-files">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('onec.file')}</Table.Th>
                <Table.Th>{t('onec.size')}</Table.Th>
                <Table.Th>{t('onec.status')}</Table.Th>
                <Table.Th>{t('onec.records')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {exchange.files.map((file) => (
                <Table.Tr key={file.name}>
                  <Table.Td>
                    <Code>{file.name}</Code>
                    {file.error && (
                      <Text size="xs" c="red">
                        {file.error}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{bytes.format(file.size)}</Table.Td>
                  <Table.Td>{t(`onec.fileStatus.${file.status}`)}</Table.Td>
                  <Table.Td>
                    <Counts exchange={file} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {exchange.errors.length > 0 && (
            <Alert color="red" title={t('onec.errors')}>
              <Stack gap={2}>
                {exchange.errors.map((error, index) => (
                  <Text size="sm" key={index}>
                    {error}
                  </Text>
                ))}
              </Stack>
            </Alert>
          )}
        </Stack>
      )}
    </Modal>
  );
}
