import {
  Button,
  Group,
  Loader,
  Modal,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadError } from '../shell/LoadError';
import { departmentOptions, markRefusedFields } from './formHelpers';
import { Refusal } from './Refusal';
import {
  type User,
  useDepartments,
  useInviteUser,
  useRoles,
  useSetUserActive,
  useUpdateUser,
  useUsers,
} from './queries';
import { maxLength, phone, required, rules } from '../../forms/rules';

const LABELS = {
  email: 'settings.users.email',
  full_name: 'settings.users.fullName',
  role_id: 'settings.users.role',
  department_id: 'settings.users.department',
  phone: 'settings.users.phone',
} as const;
const FIELDS = Object.keys(LABELS);

/** Colleagues: invite, edit role and department, deactivate and bring back. */
export function UserSettings() {
  const { t } = useTranslation();
  const users = useUsers();
  const departments = useDepartments();
  const setActive = useSetUserActive();
  const [query, setQuery] = useState('');
  const [showInactive, setShowInactive] = useState(false);
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const departmentName = useMemo(
    () => new Map(departmentOptions(departments.data ?? []).map((o) => [o.value, o.label])),
    [departments.data],
  );

  const shown = (users.data ?? []).filter(
    (u) =>
      (showInactive || u.is_active) &&
      `${u.full_name} ${u.email}`.toLocaleLowerCase().includes(query.trim().toLocaleLowerCase()),
  );

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3}>{t('settings.users.title')}</Title>
        <Button onClick={() => setEditing('new')}>{t('settings.users.invite')}</Button>
      </Group>
      <Group>
        <TextInput
          aria-label={t('settings.users.search')}
          placeholder={t('settings.users.search')}
          value={query}
          onChange={(event) => setQuery(event.currentTarget.value)}
        />
        <Switch
          label={t('settings.users.showInactive')}
          checked={showInactive}
          onChange={(event) => setShowInactive(event.currentTarget.checked)}
        />
      </Group>
      <Refusal error={setActive.error} />
      {users.isPending && <Loader />}
      {users.isError && (
        <LoadError onRetry={() => void users.refetch()} retrying={users.isFetching} />
      )}
      {users.data && shown.length === 0 && <Text c="dimmed">{t('settings.users.empty')}</Text>}
      {shown.length > 0 && (
        <Table.ScrollContainer minWidth={600}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('settings.users.fullName')}</Table.Th>
                <Table.Th>{t('settings.users.role')}</Table.Th>
                <Table.Th>{t('settings.users.department')}</Table.Th>
                <Table.Th>{t('settings.users.state')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((user) => (
                <Table.Tr key={user.id} data-testid="settings-user">
                  <Table.Td>
                    <Text size="sm">{user.full_name}</Text>
                    <Text size="xs" c="dimmed">
                      {user.email}
                    </Text>
                  </Table.Td>
                  <Table.Td>{user.role_name}</Table.Td>
                  <Table.Td>
                    {user.department_id ? (departmentName.get(user.department_id) ?? '—') : '—'}
                  </Table.Td>
                  <Table.Td>
                    <Text
                      size="sm"
                      c={user.is_active ? 'green.9' : 'dimmed'}
                      style={{ whiteSpace: 'nowrap' }}
                    >
                      {user.is_active ? t('settings.users.active') : t('settings.users.inactive')}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" justify="flex-end" wrap="nowrap">
                      <Button size="xs" variant="default" onClick={() => setEditing(user)}>
                        {t('settings.edit')}
                      </Button>
                      <Button
                        size="xs"
                        variant="subtle"
                        color={user.is_active ? 'red' : undefined}
                        loading={setActive.isPending && setActive.variables.user.id === user.id}
                        onClick={() => {
                          if (
                            user.is_active &&
                            !window.confirm(
                              t('settings.users.confirmDeactivate', { name: user.full_name }),
                            )
                          )
                            return;
                          setActive.mutate({ user, active: !user.is_active });
                        }}
                      >
                        {user.is_active
                          ? t('settings.users.deactivate')
                          : t('settings.users.activate')}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {editing !== null && (
        <UserEdit user={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      )}
    </Stack>
  );
}

interface FormValues {
  email: string;
  full_name: string;
  role_id: string | null;
  department_id: string | null;
  phone: string;
  language: 'ru' | 'uk' | 'en';
}

function UserEdit({ user, onClose }: { user: User | null; onClose: () => void }) {
  const { t } = useTranslation();
  const roles = useRoles();
  const departments = useDepartments();
  const invite = useInviteUser();
  const update = useUpdateUser();
  const form = useForm<FormValues>({
    initialValues: {
      email: user?.email ?? '',
      full_name: user?.full_name ?? '',
      role_id: user?.role_id ?? null,
      department_id: user?.department_id ?? null,
      phone: user?.phone ?? '',
      language: user?.language ?? 'ru',
    },
    validate: {
      email: (value) =>
        user || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim())
          ? null
          : t('settings.users.emailInvalid'),
      // domain/staff/model.py USER_FULL_NAME_MAX; api/schemas/users.py: a phone of 32 at most
      full_name: rules(required(t, t('settings.required')), maxLength(t, 200)),
      role_id: (value) => (value ? null : t('settings.required')),
      phone: rules(phone(t), maxLength(t, 32)),
    },
    // A field is checked once it changed, so an untouched one says nothing.
    validateInputOnChange: true,
  });
  const failed = user ? update.error : invite.error;

  const submit = form.onSubmit((values) => {
    const onError = (error: NonNullable<typeof failed>) =>
      markRefusedFields(form, error, FIELDS, t);
    if (user) {
      update.mutate(
        {
          user,
          body: {
            full_name: values.full_name.trim(),
            role_id: values.role_id,
            department_id: values.department_id,
            phone: values.phone.trim() || null,
            language: values.language,
          },
        },
        { onSuccess: onClose, onError },
      );
    } else {
      invite.mutate(
        {
          email: values.email.trim(),
          full_name: values.full_name.trim(),
          role_id: values.role_id ?? '',
          department_id: values.department_id,
          language: values.language,
        },
        {
          onSuccess: (created) => {
            notifications.show({
              color: 'green',
              message: t('settings.users.invited', { email: created.user.email }),
            });
            onClose();
          },
          onError,
        },
      );
    }
  });

  return (
    <Modal
      opened
      onClose={onClose}
      title={user ? t('settings.users.editTitle') : t('settings.users.invite')}
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          {!user && (
            <TextInput
              label={t(LABELS.email)}
              required
              type="email"
              data-autofocus
              {...form.getInputProps('email')}
            />
          )}
          <TextInput label={t(LABELS.full_name)} required {...form.getInputProps('full_name')} />
          <Select
            label={t(LABELS.role_id)}
            required
            data={(roles.data ?? []).map((r) => ({ value: r.id, label: r.name }))}
            {...form.getInputProps('role_id')}
          />
          <Select
            label={t(LABELS.department_id)}
            clearable
            searchable
            placeholder={t('settings.users.noDepartment')}
            data={departmentOptions(departments.data ?? [])}
            {...form.getInputProps('department_id')}
          />
          {user && <TextInput label={t(LABELS.phone)} {...form.getInputProps('phone')} />}
          <Select
            label={t('settings.users.language')}
            allowDeselect={false}
            data={[
              { value: 'ru', label: 'Русский' },
              { value: 'uk', label: 'Українська' },
              { value: 'en', label: 'English' },
            ]}
            {...form.getInputProps('language')}
          />
          <Refusal error={failed} labels={LABELS} forbidden="settings.roles.grantRefused" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('settings.cancel')}
            </Button>
            <Button type="submit" loading={invite.isPending || update.isPending}>
              {user ? t('settings.save') : t('settings.users.sendInvite')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
