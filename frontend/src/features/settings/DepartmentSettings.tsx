import {
  Button,
  Group,
  Loader,
  Modal,
  Paper,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadError } from '../shell/LoadError';
import { departmentOptions, departmentTree, markRefusedFields, userOptions } from './formHelpers';
import { Refusal } from './Refusal';
import {
  type Department,
  useDeleteDepartment,
  useDepartments,
  useSaveDepartment,
  useUsers,
} from './queries';
import { maxLength, required, rules } from '../../forms/rules';
import { DeleteButton } from './RowActions';

/** The department tree: each department with its head; add, move, rename, delete. */
export function DepartmentSettings() {
  const { t } = useTranslation();
  const departments = useDepartments();
  const users = useUsers();
  const remove = useDeleteDepartment();
  const [editing, setEditing] = useState<{
    department: Department | null;
    parentId: string | null;
  } | null>(null);
  const names = useMemo(
    () => new Map((users.data ?? []).map((u) => [u.id, u.full_name])),
    [users.data],
  );
  const rows = departmentTree(departments.data ?? []);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3}>{t('settings.departments.title')}</Title>
        <Button onClick={() => setEditing({ department: null, parentId: null })}>
          {t('settings.departments.add')}
        </Button>
      </Group>
      <Refusal error={remove.error} />
      {departments.isPending && <Loader />}
      {departments.isError && (
        <LoadError onRetry={() => void departments.refetch()} retrying={departments.isFetching} />
      )}
      {departments.data?.length === 0 && <Text c="dimmed">{t('settings.departments.empty')}</Text>}
      <Stack gap={4} role="tree" aria-label={t('settings.departments.title')}>
        {rows.map(({ department, depth }) => (
          <Paper
            key={department.id}
            withBorder
            p="xs"
            ml={depth * 24}
            role="treeitem"
            aria-level={depth + 1}
            data-testid="settings-department"
          >
            <Group justify="space-between" wrap="nowrap">
              <div>
                <Text size="sm" fw={500}>
                  {department.name}
                </Text>
                <Text size="xs" c="dimmed">
                  {department.head_id
                    ? t('settings.departments.headIs', {
                        name: names.get(department.head_id) ?? '—',
                      })
                    : t('settings.departments.noHead')}
                </Text>
              </div>
              <Group gap="xs" wrap="nowrap">
                <Button
                  size="xs"
                  variant="subtle"
                  onClick={() => setEditing({ department: null, parentId: department.id })}
                >
                  {t('settings.departments.addChild')}
                </Button>
                <Button
                  size="xs"
                  variant="default"
                  onClick={() => setEditing({ department, parentId: department.parent_id })}
                >
                  {t('settings.edit')}
                </Button>
                <DeleteButton
                  onDelete={() => remove.mutate(department)}
                  confirmText={t('settings.departments.confirmDelete', { name: department.name })}
                />
              </Group>
            </Group>
          </Paper>
        ))}
      </Stack>
      {editing && (
        <DepartmentEdit
          department={editing.department}
          parentId={editing.parentId}
          all={departments.data ?? []}
          onClose={() => setEditing(null)}
        />
      )}
    </Stack>
  );
}

function DepartmentEdit({
  department,
  parentId,
  all,
  onClose,
}: {
  department: Department | null;
  parentId: string | null;
  all: readonly Department[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const users = useUsers();
  const save = useSaveDepartment();
  const form = useForm({
    initialValues: {
      name: department?.name ?? '',
      parent_id: parentId,
      head_id: department?.head_id ?? null,
    },
    // domain/staff/model.py DEPARTMENT_NAME_MAX
    validate: { name: rules(required(t, t('settings.required')), maxLength(t, 200)) },
    // A field is checked once it changed, so an untouched one says nothing.
    validateInputOnChange: true,
  });
  // A department cannot move below itself: leave it and its subtree out of the parents.
  const below = new Set<string>();
  if (department) {
    below.add(department.id);
    for (const { department: d } of departmentTree(all)) {
      if (d.parent_id && below.has(d.parent_id)) below.add(d.id);
    }
  }
  const parents = departmentOptions(all.filter((d) => !below.has(d.id)));

  const submit = form.onSubmit((values) =>
    save.mutate(
      {
        department,
        body: { name: values.name.trim(), parent_id: values.parent_id, head_id: values.head_id },
      },
      {
        onSuccess: onClose,
        onError: (error) => markRefusedFields(form, error, ['name', 'parent_id', 'head_id'], t),
      },
    ),
  );

  return (
    <Modal
      opened
      onClose={onClose}
      title={department ? department.name : t('settings.departments.add')}
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label={t('settings.departments.name')}
            required
            data-autofocus
            {...form.getInputProps('name')}
          />
          <Select
            label={t('settings.departments.parent')}
            placeholder={t('settings.departments.root')}
            clearable
            searchable
            data={parents}
            {...form.getInputProps('parent_id')}
          />
          <Select
            label={t('settings.departments.head')}
            placeholder={t('settings.departments.noHead')}
            clearable
            searchable
            data={userOptions(users.data ?? [])}
            {...form.getInputProps('head_id')}
          />
          <Refusal
            error={save.error}
            labels={{
              name: 'settings.departments.name',
              parent_id: 'settings.departments.parent',
              head_id: 'settings.departments.head',
            }}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('settings.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('settings.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
