import {
  Badge,
  Button,
  Checkbox,
  Group,
  Loader,
  Modal,
  SegmentedControl,
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
import { markRefusedFields, permissionLabel } from './formHelpers';
import { Refusal } from './Refusal';
import {
  type PermissionName,
  type ResourceName,
  type Role,
  type VisibilityLevel,
  useDeleteRole,
  usePermissionCatalogue,
  useRoles,
  useSaveRole,
} from './queries';
import { holds } from './sections';
import { maxLength, required, rules } from '../../forms/rules';

/** Roles: the built-in ones and the organisation's own, with permissions and visibility. */
export function RoleSettings() {
  const { t } = useTranslation();
  const roles = useRoles();
  const remove = useDeleteRole();
  const [editing, setEditing] = useState<Role | 'new' | null>(null);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3}>{t('settings.roles.title')}</Title>
        <Button onClick={() => setEditing('new')}>{t('settings.roles.add')}</Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t('settings.roles.intro')}
      </Text>
      <Refusal error={remove.error} forbidden="settings.roles.grantRefused" />
      {roles.isPending && <Loader />}
      {roles.isError && (
        <LoadError onRetry={() => void roles.refetch()} retrying={roles.isFetching} />
      )}
      {roles.data && (
        <Table.ScrollContainer minWidth={520}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('settings.roles.name')}</Table.Th>
                <Table.Th>{t('settings.roles.permissions')}</Table.Th>
                <Table.Th>{t('settings.roles.visibility')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {roles.data.map((role) => (
                <Table.Tr key={role.id} data-testid="settings-role">
                  <Table.Td>
                    <Group gap="xs">
                      <Text size="sm">{role.name}</Text>
                      {role.is_builtin && (
                        <Badge size="xs" variant="light">
                          {t('settings.roles.builtin')}
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>{role.permissions.length}</Table.Td>
                  <Table.Td>
                    <Text size="xs">
                      {Object.entries(role.visibility)
                        .map(
                          ([resource, level]) =>
                            `${t(`settings.resource.${resource as ResourceName}`)}: ${t(`settings.visibility.${level}`)}`,
                        )
                        .join(', ')}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" justify="flex-end" wrap="nowrap">
                      <Button size="xs" variant="default" onClick={() => setEditing(role)}>
                        {role.code === 'admin' ? t('settings.view') : t('settings.edit')}
                      </Button>
                      {!role.is_builtin && (
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          onClick={() => {
                            if (
                              window.confirm(t('settings.roles.confirmDelete', { name: role.name }))
                            )
                              remove.mutate(role);
                          }}
                        >
                          {t('settings.delete')}
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {editing !== null && (
        <RoleEdit role={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      )}
    </Stack>
  );
}

interface FormValues {
  name: string;
  permissions: string[];
  visibility: Record<string, VisibilityLevel>;
}

function RoleEdit({ role, onClose }: { role: Role | null; onClose: () => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const catalogue = usePermissionCatalogue();
  const save = useSaveRole();
  const readOnly = role?.code === 'admin';
  const form = useForm<FormValues>({
    initialValues: {
      name: role?.name ?? '',
      permissions: role?.permissions ?? [],
      visibility: { ...(role?.visibility ?? {}) },
    },
    // domain/staff/model.py ROLE_NAME_MAX
    validate: { name: rules(required(t, t('settings.required')), maxLength(t, 100)) },
    // A field is checked once it changed, so an untouched one says nothing.
    validateInputOnChange: true,
  });
  const resources = catalogue.data?.resources ?? [];
  const levels = catalogue.data?.visibility_levels ?? ['own', 'team', 'all'];

  const submit = form.onSubmit((values) => {
    save.mutate(
      {
        role,
        body: {
          name: values.name.trim(),
          permissions: values.permissions as PermissionName[],
          visibility: Object.fromEntries(resources.map((r) => [r, values.visibility[r] ?? 'own'])),
        },
      },
      {
        onSuccess: onClose,
        onError: (error) =>
          markRefusedFields(form, error, ['name', 'permissions', 'visibility'], t),
      },
    );
  });

  return (
    <Modal opened onClose={onClose} size="lg" title={role ? role.name : t('settings.roles.add')}>
      <form onSubmit={submit} noValidate>
        <Stack>
          {readOnly && <Text size="sm">{t('settings.roles.adminFixed')}</Text>}
          <TextInput
            label={t('settings.roles.name')}
            required
            disabled={readOnly}
            {...form.getInputProps('name')}
          />
          {catalogue.isPending && <Loader size="sm" />}
          {catalogue.isError && (
            <LoadError onRetry={() => void catalogue.refetch()} retrying={catalogue.isFetching} />
          )}
          {catalogue.data && (
            <Checkbox.Group
              label={t('settings.roles.permissions')}
              description={t('settings.roles.grantHint')}
              {...form.getInputProps('permissions')}
            >
              <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs" spacing="xs">
                {catalogue.data.permissions.map((permission) => (
                  <Checkbox
                    key={permission}
                    value={permission}
                    disabled={readOnly}
                    label={t(permissionLabel(permission), { defaultValue: permission })}
                    description={
                      holds(me.data, permission) ? undefined : t('settings.roles.notYours')
                    }
                  />
                ))}
              </SimpleGrid>
            </Checkbox.Group>
          )}
          {resources.length > 0 && (
            <Stack gap="xs">
              <Text size="sm" fw={500}>
                {t('settings.roles.visibility')}
              </Text>
              {resources.map((resource) => (
                <Group key={resource} justify="space-between" wrap="nowrap">
                  <Text size="sm" id={`visibility-${resource}`}>
                    {t(`settings.resource.${resource}`)}
                  </Text>
                  <SegmentedControl
                    aria-labelledby={`visibility-${resource}`}
                    disabled={readOnly}
                    size="xs"
                    data={levels.map((level) => ({
                      value: level,
                      label: t(`settings.visibility.${level}`),
                    }))}
                    {...form.getInputProps(`visibility.${resource}`)}
                    value={form.values.visibility[resource] ?? 'own'}
                  />
                </Group>
              ))}
            </Stack>
          )}
          <Refusal
            error={save.error}
            labels={{ name: 'settings.roles.name', permissions: 'settings.roles.permissions' }}
            forbidden="settings.roles.grantRefused"
          />
          {!readOnly && (
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t('settings.cancel')}
              </Button>
              <Button type="submit" loading={save.isPending}>
                {t('settings.save')}
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </Modal>
  );
}
