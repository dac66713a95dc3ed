import {
  Badge,
  Button,
  Group,
  Loader,
  Modal,
  NumberInput,
  Select,
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
import { LoadError } from '../shell/LoadError';
import { markRefusedFields } from './formHelpers';
import { Refusal } from './Refusal';
import { RowActions } from './RowActions';
import { type FollowUp, useDeleteFollowUp, useFollowUps, useSaveFollowUp } from './queries';

type Relationship = FollowUp['relationship_type'];
type Priority = FollowUp['priority'];
const RELATIONSHIPS: Relationship[] = ['cold', 'potential', 'current', 'permanent'];
const PRIORITIES: Priority[] = ['low', 'normal', 'high'];

/** The task a client's responsible gets when the client's relationship type changes. */
export function FollowUpSettings() {
  const { t } = useTranslation();
  const followUps = useFollowUps();
  const remove = useDeleteFollowUp();
  const [editing, setEditing] = useState<FollowUp | 'new' | null>(null);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3}>{t('settings.followUps.title')}</Title>
        <Button onClick={() => setEditing('new')}>{t('settings.followUps.add')}</Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t('settings.followUps.intro')}
      </Text>
      <Refusal error={remove.error} />
      {followUps.isPending && <Loader />}
      {followUps.isError && (
        <LoadError onRetry={() => void followUps.refetch()} retrying={followUps.isFetching} />
      )}
      {followUps.data?.length === 0 && <Text c="dimmed">{t('settings.followUps.empty')}</Text>}
      {followUps.data && followUps.data.length > 0 && (
        <Table.ScrollContainer minWidth={520}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('settings.followUps.when')}</Table.Th>
                <Table.Th>{t('settings.followUps.task')}</Table.Th>
                <Table.Th>{t('settings.followUps.due')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {followUps.data.map((followUp) => (
                <Table.Tr key={followUp.id} data-testid="settings-follow-up">
                  <Table.Td>{t(`relationship.${followUp.relationship_type}`)}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{followUp.task_title}</Text>
                    <Group gap={4}>
                      <Badge size="xs" variant="light">
                        {t(`priority.${followUp.priority}`)}
                      </Badge>
                      {!followUp.is_active && (
                        <Badge size="xs" color="gray">
                          {t('settings.inactive')}
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    {t('settings.followUps.inDays', { count: followUp.due_in_days })}
                  </Table.Td>
                  <Table.Td>
                    <RowActions
                      onEdit={() => setEditing(followUp)}
                      onDelete={() => remove.mutate(followUp)}
                      confirmText={t('settings.followUps.confirmDelete')}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {editing !== null && (
        <FollowUpEdit
          followUp={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
        />
      )}
    </Stack>
  );
}

const LABELS = {
  relationship_type: 'settings.followUps.when',
  task_title: 'settings.followUps.task',
  due_in_days: 'settings.followUps.dueInDays',
  priority: 'settings.followUps.priority',
} as const;

function FollowUpEdit({ followUp, onClose }: { followUp: FollowUp | null; onClose: () => void }) {
  const { t } = useTranslation();
  const save = useSaveFollowUp();
  const form = useForm({
    initialValues: {
      relationship_type: followUp?.relationship_type ?? 'current',
      task_title: followUp?.task_title ?? '',
      due_in_days: followUp?.due_in_days ?? 1,
      priority: followUp?.priority ?? 'normal',
      is_active: followUp?.is_active ?? true,
    },
    validate: {
      task_title: (value) => (value.trim() ? null : t('settings.required')),
      due_in_days: (value) =>
        Number.isInteger(value) && value >= 0 && value <= 365
          ? null
          : t('settings.followUps.dueRange'),
    },
    validateInputOnChange: true,
  });
  const submit = form.onSubmit((values) =>
    save.mutate(
      { followUp, body: { ...values, task_title: values.task_title.trim() } },
      {
        onSuccess: onClose,
        onError: (error) => markRefusedFields(form, error, Object.keys(LABELS), t),
      },
    ),
  );
  return (
    <Modal
      opened
      onClose={onClose}
      title={followUp ? t('settings.followUps.edit') : t('settings.followUps.add')}
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          <Select
            label={t(LABELS.relationship_type)}
            allowDeselect={false}
            data={RELATIONSHIPS.map((r) => ({ value: r, label: t(`relationship.${r}`) }))}
            {...form.getInputProps('relationship_type')}
          />
          <TextInput label={t(LABELS.task_title)} required {...form.getInputProps('task_title')} />
          <NumberInput
            label={t(LABELS.due_in_days)}
            min={0}
            max={365}
            allowDecimal={false}
            {...form.getInputProps('due_in_days')}
          />
          <Select
            label={t(LABELS.priority)}
            allowDeselect={false}
            data={PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`) }))}
            {...form.getInputProps('priority')}
          />
          <Switch
            label={t('settings.active')}
            {...form.getInputProps('is_active', { type: 'checkbox' })}
          />
          <Refusal error={save.error} labels={LABELS} />
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
