import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Loader,
  Modal,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from '../auth/queries';
import { LoadError } from '../shell/LoadError';
import { maxLength, required, rules } from '../../forms/rules';
import { markRefusedFields, permissionLabel } from './formHelpers';
import { Refusal } from './Refusal';
import {
  type ApiKey,
  type ApiKeyCreated,
  type PermissionName,
  useApiKeys,
  useCreateApiKey,
  usePermissionCatalogue,
  useRevokeApiKey,
} from './queries';
import { holds } from './sections';

/** Keys for integrations (1C, telephony, site forms). The secret is shown once, at creation. */
export function ApiKeySettings() {
  const { t, i18n } = useTranslation();
  const keys = useApiKeys();
  const revoke = useRevokeApiKey();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString(i18n.language) : '—');

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3}>{t('settings.apiKeys.title')}</Title>
        <Button onClick={() => setCreating(true)}>{t('settings.apiKeys.add')}</Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t('settings.apiKeys.intro')}
      </Text>
      <Refusal error={revoke.error} />
      {keys.isPending && <Loader />}
      {keys.isError && <LoadError onRetry={() => void keys.refetch()} retrying={keys.isFetching} />}
      {keys.data?.length === 0 && <Text c="dimmed">{t('settings.apiKeys.empty')}</Text>}
      {keys.data && keys.data.length > 0 && (
        <Table.ScrollContainer minWidth={600}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('settings.apiKeys.name')}</Table.Th>
                <Table.Th>{t('settings.apiKeys.prefix')}</Table.Th>
                <Table.Th>{t('settings.apiKeys.lastUsed')}</Table.Th>
                <Table.Th>{t('settings.apiKeys.expires')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {keys.data.map((key: ApiKey) => (
                <Table.Tr key={key.id} data-testid="settings-api-key">
                  <Table.Td>
                    <Text size="sm">{key.name}</Text>
                    <Text size="xs" c="dimmed">
                      {t('settings.apiKeys.permissionCount', { count: key.permissions.length })}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Code>{key.prefix}…</Code>
                  </Table.Td>
                  <Table.Td>{when(key.last_used_at)}</Table.Td>
                  <Table.Td>
                    {key.expires_at ? when(key.expires_at) : t('settings.apiKeys.never')}
                  </Table.Td>
                  <Table.Td>
                    {key.revoked_at ? (
                      <Badge color="gray">{t('settings.apiKeys.revoked')}</Badge>
                    ) : (
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        onClick={() => {
                          if (
                            window.confirm(t('settings.apiKeys.confirmRevoke', { name: key.name }))
                          )
                            revoke.mutate(key);
                        }}
                      >
                        {t('settings.apiKeys.revoke')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {creating && (
        <ApiKeyCreate
          onClose={(key) => {
            setCreating(false);
            setCreated(key);
          }}
        />
      )}
      <Modal
        opened={created !== null}
        onClose={() => setCreated(null)}
        title={t('settings.apiKeys.secretTitle')}
        closeOnClickOutside={false}
      >
        <Stack>
          <Alert color="yellow">{t('settings.apiKeys.secretOnce')}</Alert>
          <Code block data-testid="api-key-secret">
            {created?.key}
          </Code>
          <Group justify="space-between">
            <CopyButton value={created?.key ?? ''}>
              {({ copied, copy }) => (
                <Button onClick={copy} color={copied ? 'teal' : undefined}>
                  {copied ? t('settings.apiKeys.copied') : t('settings.apiKeys.copy')}
                </Button>
              )}
            </CopyButton>
            <Button variant="default" onClick={() => setCreated(null)}>
              {t('settings.apiKeys.done')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

// domain/auth/model.py API_KEY_NAME_MAX
const API_KEY_NAME_MAX = 200;

/** Today in the browser's calendar, as an <input type="date"> writes it. */
function today(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function ApiKeyCreate({ onClose }: { onClose: (created: ApiKeyCreated | null) => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const catalogue = usePermissionCatalogue();
  const create = useCreateApiKey();
  const form = useForm({
    initialValues: { name: '', permissions: [] as string[], expires_on: '' },
    validateInputOnChange: true,
    validate: {
      name: rules(required(t, t('settings.required')), maxLength(t, API_KEY_NAME_MAX)),
      permissions: (value) => (value.length > 0 ? null : t('settings.apiKeys.permissionsNeeded')),
      // A key that expired before it was made would never work.
      expires_on: (value) =>
        value && value < today() ? t('settings.apiKeys.expiresInPast') : null,
    },
  });
  // A key carries at most its creator's permissions: offer only those.
  const offered = (catalogue.data?.permissions ?? []).filter((p) => holds(me.data, p));
  const submit = form.onSubmit((values) =>
    create.mutate(
      {
        name: values.name.trim(),
        permissions: values.permissions as PermissionName[],
        expires_at: values.expires_on
          ? new Date(`${values.expires_on}T23:59:59`).toISOString()
          : null,
      },
      {
        onSuccess: (key) => onClose(key),
        onError: (error) =>
          markRefusedFields(form, error, ['name', 'permissions'], t, {
            expires_at: 'expires_on',
          }),
      },
    ),
  );
  return (
    <Modal opened onClose={() => onClose(null)} size="lg" title={t('settings.apiKeys.add')}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label={t('settings.apiKeys.name')}
            description={t('settings.apiKeys.nameHint')}
            required
            data-autofocus
            {...form.getInputProps('name')}
          />
          {catalogue.isPending && <Loader size="sm" />}
          {catalogue.isError && (
            <LoadError onRetry={() => void catalogue.refetch()} retrying={catalogue.isFetching} />
          )}
          <Checkbox.Group
            label={t('settings.apiKeys.permissions')}
            {...form.getInputProps('permissions')}
          >
            <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs" spacing="xs">
              {offered.map((permission) => (
                <Checkbox
                  key={permission}
                  value={permission}
                  label={t(permissionLabel(permission), { defaultValue: permission })}
                />
              ))}
            </SimpleGrid>
          </Checkbox.Group>
          <TextInput
            type="date"
            label={t('settings.apiKeys.expiresOn')}
            description={t('settings.apiKeys.expiresHint')}
            {...form.getInputProps('expires_on')}
          />
          <Refusal
            error={create.error}
            labels={{ name: 'settings.apiKeys.name', permissions: 'settings.apiKeys.permissions' }}
            forbidden="settings.roles.grantRefused"
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => onClose(null)}>
              {t('settings.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t('settings.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
