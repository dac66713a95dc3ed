import {
  Badge,
  Button,
  Checkbox,
  Group,
  Loader,
  Modal,
  NumberInput,
  SegmentedControl,
  Select,
  Stack,
  Table,
  TagsInput,
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
import {
  type CustomField,
  useCreateCustomField,
  useCustomFields,
  useDeleteCustomField,
  useUpdateCustomField,
} from './queries';
import { maxLength, required, rules } from '../../forms/rules';
import { RowActions } from './RowActions';

type Entity = CustomField['entity'];
type FieldType = CustomField['type'];
const TYPES: FieldType[] = ['string', 'number', 'date', 'enum', 'money'];
const KEY = /^[a-z][a-z0-9_]*$/;

/** Extra fields of deals and clients: shown on their cards, usable as stage requirements. */
export function CustomFieldSettings() {
  const { t } = useTranslation();
  const fields = useCustomFields();
  const remove = useDeleteCustomField();
  const [entity, setEntity] = useState<Entity>('deal');
  const [editing, setEditing] = useState<CustomField | 'new' | null>(null);
  const shown = (fields.data ?? [])
    .filter((f) => f.entity === entity)
    .sort((a, b) => a.position - b.position || a.label.localeCompare(b.label));

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3}>{t('settings.customFields.title')}</Title>
        <Button onClick={() => setEditing('new')}>{t('settings.customFields.add')}</Button>
      </Group>
      <SegmentedControl
        aria-label={t('settings.customFields.entity')}
        value={entity}
        onChange={(value) => setEntity(value)}
        data={[
          { value: 'deal', label: t('settings.customFields.entities.deal') },
          { value: 'client', label: t('settings.customFields.entities.client') },
        ]}
        maw={320}
      />
      <Refusal error={remove.error} />
      {fields.isPending && <Loader />}
      {fields.isError && (
        <LoadError onRetry={() => void fields.refetch()} retrying={fields.isFetching} />
      )}
      {fields.data && shown.length === 0 && (
        <Text c="dimmed">{t('settings.customFields.empty')}</Text>
      )}
      {shown.length > 0 && (
        <Table.ScrollContainer minWidth={520}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('settings.customFields.label')}</Table.Th>
                <Table.Th>{t('settings.customFields.type')}</Table.Th>
                <Table.Th>{t('settings.customFields.key')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((field) => (
                <Table.Tr key={field.id} data-testid="settings-custom-field">
                  <Table.Td>
                    <Group gap="xs">
                      <Text size="sm">{field.label}</Text>
                      {field.required && (
                        <Badge size="xs" color="orange" variant="light">
                          {t('settings.customFields.required')}
                        </Badge>
                      )}
                    </Group>
                    {field.type === 'enum' && (
                      <Text size="xs" c="dimmed">
                        {field.options.join(', ')}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{t(`settings.customFields.types.${field.type}`)}</Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace">
                      {field.key}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <RowActions
                      onEdit={() => setEditing(field)}
                      onDelete={() => remove.mutate(field)}
                      confirmText={t('settings.customFields.confirmDelete', { label: field.label })}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {editing !== null && (
        <CustomFieldEdit
          field={editing === 'new' ? null : editing}
          entity={entity}
          onClose={() => setEditing(null)}
        />
      )}
    </Stack>
  );
}

const LABELS = {
  entity: 'settings.customFields.entity',
  label: 'settings.customFields.label',
  key: 'settings.customFields.key',
  type: 'settings.customFields.type',
  options: 'settings.customFields.options',
  position: 'settings.customFields.position',
} as const;

function CustomFieldEdit({
  field,
  entity,
  onClose,
}: {
  field: CustomField | null;
  entity: Entity;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const create = useCreateCustomField();
  const update = useUpdateCustomField();
  const form = useForm({
    initialValues: {
      entity: field?.entity ?? entity,
      label: field?.label ?? '',
      key: field?.key ?? '',
      type: field?.type ?? 'string',
      options: field?.options ?? ([] as string[]),
      required: field?.required ?? false,
      position: field?.position ?? 0,
    },
    validate: {
      // domain/clients/custom_fields.py LABEL_MAX
      label: rules(required(t, t('settings.required')), maxLength(t, 200)),
      key: (value) => (field || KEY.test(value) ? null : t('settings.codeInvalid')),
      options: (value, values) =>
        values.type === 'enum' && value.length === 0
          ? t('settings.customFields.optionsNeeded')
          : null,
    },
    // A field is checked once it changed, so an untouched one says nothing.
    validateInputOnChange: true,
  });
  const failed = field ? update.error : create.error;

  const submit = form.onSubmit((values) => {
    const onError = (error: NonNullable<typeof failed>) =>
      markRefusedFields(form, error, Object.keys(LABELS), t);
    const options = values.type === 'enum' ? values.options : [];
    if (field) {
      update.mutate(
        {
          field,
          body: {
            label: values.label.trim(),
            options,
            required: values.required,
            position: values.position,
          },
        },
        { onSuccess: onClose, onError },
      );
    } else {
      create.mutate(
        {
          entity: values.entity,
          label: values.label.trim(),
          key: values.key,
          type: values.type,
          options,
          required: values.required,
          position: values.position,
        },
        { onSuccess: onClose, onError },
      );
    }
  });

  return (
    <Modal opened onClose={onClose} title={field ? field.label : t('settings.customFields.add')}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Select
            label={t(LABELS.entity)}
            allowDeselect={false}
            disabled={field !== null}
            data={[
              { value: 'deal', label: t('settings.customFields.entities.deal') },
              { value: 'client', label: t('settings.customFields.entities.client') },
            ]}
            {...form.getInputProps('entity')}
          />
          <TextInput
            label={t(LABELS.label)}
            required
            data-autofocus
            {...form.getInputProps('label')}
          />
          <TextInput
            label={t(LABELS.key)}
            description={field ? t('settings.customFields.keyFixed') : t('settings.codeHint')}
            required
            disabled={field !== null}
            {...form.getInputProps('key')}
          />
          <Select
            label={t(LABELS.type)}
            allowDeselect={false}
            disabled={field !== null}
            data={TYPES.map((type) => ({
              value: type,
              label: t(`settings.customFields.types.${type}`),
            }))}
            {...form.getInputProps('type')}
          />
          {form.values.type === 'enum' && (
            <TagsInput
              label={t(LABELS.options)}
              description={t('settings.customFields.optionsHint')}
              {...form.getInputProps('options')}
            />
          )}
          <NumberInput
            label={t(LABELS.position)}
            min={0}
            max={1000}
            allowDecimal={false}
            {...form.getInputProps('position')}
          />
          <Checkbox
            label={t('settings.customFields.requiredLabel')}
            {...form.getInputProps('required', { type: 'checkbox' })}
          />
          <Refusal error={failed} labels={LABELS} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('settings.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending || update.isPending}>
              {t('settings.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
