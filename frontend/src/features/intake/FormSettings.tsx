import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Loader,
  Modal,
  NumberInput,
  Paper,
  Select,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ApiError, errorMessage } from '../../api/problem';
import { useFunnels } from '../deals/queries';
import { markRefusedFields } from '../settings/formHelpers';
import { Refusal } from '../settings/Refusal';
import {
  embedSnippet,
  type InboxItem,
  type IntakeForm,
  LEAD_FIELDS,
  type LeadField,
  useCreateIntakeForm,
  useIntakeForms,
  useRotateFormSecret,
  useSendTestLead,
  useUpdateIntakeForm,
  webhookUrl,
} from './forms';
import { maxLength, required, rules } from '../../forms/rules';

interface FormValues {
  name: string;
  funnel_id: string | null;
  field_map: Record<LeadField, string[]>;
  secret_field: string;
  require_secret: boolean;
  honeypot_field: string;
  rate_limit_per_minute: number | string;
  is_active: boolean;
}

const FIELDS = [
  'name',
  'funnel_id',
  'field_map',
  'secret_field',
  'require_secret',
  'honeypot_field',
  'rate_limit_per_minute',
  'is_active',
] as const;

function initialValues(form: IntakeForm | null): FormValues {
  const map = Object.fromEntries(
    LEAD_FIELDS.map((field) => [field, form?.field_map[field] ?? []]),
  ) as Record<LeadField, string[]>;
  return {
    name: form?.name ?? '',
    funnel_id: form?.funnel_id ?? null,
    field_map: map,
    secret_field: form?.secret_field ?? 'api-key',
    require_secret: form?.require_secret ?? false,
    honeypot_field: form ? (form.honeypot_field ?? '') : 'website',
    rate_limit_per_minute: form ? (form.rate_limit_per_minute ?? '') : 30,
    is_active: form?.is_active ?? true,
  };
}

function body(values: FormValues) {
  const fieldMap = Object.fromEntries(
    Object.entries(values.field_map).filter(([, names]) => names.length > 0),
  );
  return {
    name: values.name.trim(),
    funnel_id: values.funnel_id,
    field_map: fieldMap,
    secret_field: values.secret_field.trim() || 'api-key',
    require_secret: values.require_secret,
    honeypot_field: values.honeypot_field.trim() || null,
    rate_limit_per_minute:
      values.rate_limit_per_minute === '' ? null : Number(values.rate_limit_per_minute),
    is_active: values.is_active,
  };
}

function CopyIcon() {
  return (
    <svg width="16" height="16" viewBox="0 0 24 24" fill="none" aria-hidden="true">
      <rect x="9" y="9" width="11" height="11" rx="2" stroke="currentColor" strokeWidth="2" />
      <path
        d="M5 15V6a2 2 0 0 1 2-2h9"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinecap="round"
      />
    </svg>
  );
}

function CheckIcon() {
  return (
    <svg width="16" height="16" viewBox="0 0 24 24" fill="none" aria-hidden="true">
      <path
        d="M5 12.5l4.5 4.5L19 7.5"
        stroke="currentColor"
        strokeWidth="2.5"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

/** A value to copy, with its copy button (a webhook URL, a secret, the embed snippet). */
function Copyable({ value, label, testId }: { value: string; label: string; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Group gap="xs" wrap="nowrap" align="flex-start">
      <Code
        data-testid={testId}
        style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap', flex: 1, minWidth: 0 }}
      >
        {value}
      </Code>
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? t('intakeForms.copied') : label}>
            <ActionIcon
              variant="light"
              color={copied ? 'green' : 'blue'}
              onClick={copy}
              aria-label={label}
            >
              {copied ? <CheckIcon /> : <CopyIcon />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}

/** Settings › Website forms: the forms sites post leads to, and a test lead through each. */
export function FormSettings() {
  const { t } = useTranslation();
  const forms = useIntakeForms();
  const [editing, setEditing] = useState<IntakeForm | 'new' | null>(null);
  const [secret, setSecret] = useState<{ form: string; secret: string } | null>(null);
  const items = forms.data?.items ?? [];

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3}>{t('intakeForms.title')}</Title>
        <Button onClick={() => setEditing('new')}>{t('intakeForms.create')}</Button>
      </Group>
      <Text c="dimmed" size="sm">
        {t('intakeForms.intro')}{' '}
        <Anchor component={Link} to="/settings/intake-inbox" size="sm" underline="always">
          {t('intakeForms.toInbox')}
        </Anchor>
      </Text>
      {secret && (
        <Alert color="yellow" title={t('intakeForms.secretOnce', { name: secret.form })}>
          <Copyable
            value={secret.secret}
            label={t('intakeForms.copySecret')}
            testId="form-secret"
          />
        </Alert>
      )}
      {forms.isPending && <Loader aria-label={t('intakeForms.loading')} />}
      {forms.isError && (
        <Alert color="red" title={t('intakeForms.loadError')}>
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{errorMessage(forms.error, t)}</Text>
            <Button size="xs" variant="default" onClick={() => void forms.refetch()}>
              {t('intakeForms.retry')}
            </Button>
          </Stack>
        </Alert>
      )}
      {forms.isSuccess && items.length === 0 && (
        <Text data-testid="forms-empty">{t('intakeForms.empty')}</Text>
      )}
      {items.map((form) => (
        <FormCard key={form.id} form={form} onEdit={() => setEditing(form)} />
      ))}
      <FormEditor
        editing={editing}
        onClose={() => setEditing(null)}
        onSecret={(name, value) => setSecret({ form: name, secret: value })}
      />
    </Stack>
  );
}

function FormCard({ form, onEdit }: { form: IntakeForm; onEdit: () => void }) {
  const { t } = useTranslation();
  const test = useSendTestLead();
  const mapped = LEAD_FIELDS.filter((field) => (form.field_map[field] ?? []).length > 0);
  const send = () =>
    test.mutate({
      form,
      phone: `+7900${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`,
    });

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-label={form.name}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap">
          <Group gap="xs">
            <Title order={4}>{form.name}</Title>
            <Badge color={form.is_active ? 'green' : 'gray'} variant="light" tt="none">
              {t(form.is_active ? 'intakeForms.active' : 'intakeForms.inactive')}
            </Badge>
          </Group>
          <Group gap="xs">
            <Button size="xs" variant="light" onClick={onEdit}>
              {t('intakeForms.edit')}
            </Button>
            <Button size="xs" loading={test.isPending} onClick={send} disabled={!form.is_active}>
              {t('intakeForms.sendTest')}
            </Button>
          </Group>
        </Group>
        <Text size="sm" fw={500}>
          {t('intakeForms.webhook')}
        </Text>
        <Copyable
          value={webhookUrl(form)}
          label={t('intakeForms.copyWebhook')}
          testId="form-webhook"
        />
        <Text size="sm" fw={500}>
          {t('intakeForms.embed')}
        </Text>
        <Copyable value={embedSnippet(form)} label={t('intakeForms.copyEmbed')} />
        <Text size="xs" c="dimmed">
          {t('intakeForms.embedHint')}
        </Text>
        <Text size="sm" c="dimmed">
          {[
            mapped.length > 0
              ? t('intakeForms.mapped', {
                  fields: mapped.map((field) => t(`intakeForms.fields.${field}`)).join(', '),
                })
              : t('intakeForms.defaultMapping'),
            form.require_secret ? t('intakeForms.secretRequired') : null,
            form.honeypot_field
              ? t('intakeForms.honeypotIs', { field: form.honeypot_field })
              : t('intakeForms.noHoneypot'),
            form.rate_limit_per_minute
              ? t('intakeForms.limitIs', { count: form.rate_limit_per_minute })
              : t('intakeForms.noLimit'),
          ]
            .filter(Boolean)
            .join(' · ')}
        </Text>
        {test.isError && <Alert color="red">{errorMessage(test.error, t)}</Alert>}
        {test.data && <TestResult item={test.data} />}
      </Stack>
    </Paper>
  );
}

/** Where the test lead landed: its client, deal and the lead inbox, or why it did not. */
function TestResult({ item }: { item: InboxItem }) {
  const { t } = useTranslation();
  const lead = (item.lead ?? {}) as Record<string, unknown>;
  const clientId = typeof lead.client_id === 'string' ? lead.client_id : null;
  const dealId = typeof lead.deal_id === 'string' ? lead.deal_id : null;
  const good = item.state === 'processed';
  return (
    <Alert
      color={good ? 'green' : item.state === 'pending' ? 'blue' : 'orange'}
      title={t(`intakeForms.test.${item.state}`)}
      data-testid="test-result"
    >
      <Stack gap={4}>
        {item.last_error && <Text size="sm">{item.last_error}</Text>}
        <Group gap="md" wrap="wrap">
          {clientId && (
            <Anchor component={Link} to={`/clients/${clientId}`} size="sm">
              {t('intakeForms.test.client')}
            </Anchor>
          )}
          {dealId && (
            <Anchor component={Link} to={`/deals/${dealId}`} size="sm">
              {t('intakeForms.test.deal')}
            </Anchor>
          )}
          {good && (
            <Anchor component={Link} to="/leads" size="sm">
              {t('intakeForms.test.inbox')}
            </Anchor>
          )}
          <Anchor component={Link} to="/settings/intake-inbox" size="sm">
            {t('intakeForms.test.request')}
          </Anchor>
        </Group>
      </Stack>
    </Alert>
  );
}

function FormEditor({
  editing,
  onClose,
  onSecret,
}: {
  editing: IntakeForm | 'new' | null;
  onClose: () => void;
  onSecret: (form: string, secret: string) => void;
}) {
  const { t } = useTranslation();
  const current = editing === 'new' || editing === null ? null : editing;
  return (
    <Modal
      opened={editing !== null}
      onClose={onClose}
      title={t(current ? 'intakeForms.editTitle' : 'intakeForms.createTitle')}
      size="lg"
    >
      {editing !== null && (
        <FormFields
          key={current?.id ?? 'new'}
          form={current}
          onDone={onClose}
          onSecret={onSecret}
        />
      )}
    </Modal>
  );
}

function FormFields({
  form,
  onDone,
  onSecret,
}: {
  form: IntakeForm | null;
  onDone: () => void;
  onSecret: (form: string, secret: string) => void;
}) {
  const { t } = useTranslation();
  const funnels = useFunnels();
  const create = useCreateIntakeForm();
  const update = useUpdateIntakeForm();
  const rotate = useRotateFormSecret();
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const values = useForm<FormValues>({
    mode: 'controlled',
    initialValues: initialValues(form),
    // A field is checked once it changed, so an untouched one says nothing.
    validateInputOnChange: true,
    validate: {
      // domain/intake/model.py FORM_NAME_MAX
      name: rules(required(t, t('intakeForms.nameRequired')), maxLength(t, 200)),
      rate_limit_per_minute: (value) =>
        value === '' || (Number(value) >= 1 && Number(value) <= 100_000)
          ? null
          : t('intakeForms.limitRange'),
    },
  });
  const saving = create.isPending || update.isPending;

  const refused = (error: unknown) => {
    if (!(error instanceof ApiError)) {
      notifications.show({ color: 'red', message: errorMessage(error, t) });
      return;
    }
    setRefusal(error);
    markRefusedFields(values, error, FIELDS, t);
  };

  const submit = values.onSubmit((input) => {
    setRefusal(null);
    if (form) {
      update.mutate(
        { form, body: body(input) },
        {
          onSuccess: () => {
            notifications.show({ color: 'green', message: t('intakeForms.saved') });
            onDone();
          },
          onError: refused,
        },
      );
    } else {
      create.mutate(body(input), {
        onSuccess: (created) => {
          onSecret(created.name, created.secret);
          notifications.show({ color: 'green', message: t('intakeForms.created') });
          onDone();
        },
        onError: refused,
      });
    }
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <TextInput
          label={t('intakeForms.name')}
          required
          maxLength={200}
          {...values.getInputProps('name')}
        />
        <Select
          label={t('intakeForms.funnel')}
          description={t('intakeForms.funnelHint')}
          placeholder={t('intakeForms.defaultFunnel')}
          clearable
          data={(funnels.data ?? []).map((funnel) => ({ value: funnel.id, label: funnel.name }))}
          {...values.getInputProps('funnel_id')}
        />
        <Title order={5}>{t('intakeForms.mapping')}</Title>
        <Text size="xs" c="dimmed">
          {t('intakeForms.mappingHint')}
        </Text>
        {LEAD_FIELDS.map((field) => (
          <TagsInput
            key={field}
            label={t(`intakeForms.fields.${field}`)}
            placeholder={t('intakeForms.fieldNames')}
            maxTags={20}
            clearable
            {...values.getInputProps(`field_map.${field}`)}
          />
        ))}
        <TextInput
          label={t('intakeForms.honeypot')}
          description={t('intakeForms.honeypotHint')}
          maxLength={100}
          {...values.getInputProps('honeypot_field')}
        />
        <NumberInput
          label={t('intakeForms.rateLimit')}
          description={t('intakeForms.rateLimitHint')}
          min={1}
          max={100_000}
          allowDecimal={false}
          {...values.getInputProps('rate_limit_per_minute')}
        />
        <TextInput
          label={t('intakeForms.secretField')}
          description={t('intakeForms.secretFieldHint')}
          maxLength={100}
          {...values.getInputProps('secret_field')}
        />
        <Switch
          label={t('intakeForms.requireSecret')}
          description={t('intakeForms.requireSecretHint')}
          {...values.getInputProps('require_secret', { type: 'checkbox' })}
        />
        <Switch
          label={t('intakeForms.isActive')}
          {...values.getInputProps('is_active', { type: 'checkbox' })}
        />
        <Refusal error={refusal} />
        <Group justify="space-between">
          {form ? (
            <Button
              variant="subtle"
              color="orange"
              loading={rotate.isPending}
              onClick={() =>
                rotate.mutate(form, {
                  onSuccess: (rotated) => {
                    onSecret(rotated.name, rotated.secret);
                    onDone();
                  },
                  onError: refused,
                })
              }
            >
              {t('intakeForms.rotate')}
            </Button>
          ) : (
            <span />
          )}
          <Button type="submit" loading={saving}>
            {t(form ? 'intakeForms.save' : 'intakeForms.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
