import { Badge, Button, Group, Loader, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { maxLength, required, rules } from '../../forms/rules';
import { LoadError } from '../shell/LoadError';
import { markRefusedFields } from './formHelpers';
import { Refusal } from './Refusal';
import {
  type LossReason,
  useDeleteLossReason,
  useLossReasons,
  useReorderLossReasons,
  useSaveLossReason,
} from './queries';
import { SortableList } from './SortableList';
import { DeleteButton } from './RowActions';

/**
 * Why deals are lost: the reasons a seller picks from, in the order offered (drag to change
 * it); a used one is retired, not deleted.
 */
export function LossReasonSettings() {
  const { t } = useTranslation();
  const reasons = useLossReasons();
  const save = useSaveLossReason();
  const remove = useDeleteLossReason();
  const reorder = useReorderLossReasons();
  // The reason being renamed; its new name is in renameForm, checked the same way.
  const [renaming, setRenaming] = useState<string | null>(null);
  const nameRules = {
    // domain/funnels/model.py LOSS_REASON_NAME_MAX
    name: rules(required(t, t('settings.required')), maxLength(t, 200)),
  };
  const form = useForm({
    initialValues: { name: '' },
    validateInputOnChange: true,
    validate: nameRules,
  });
  const renameForm = useForm({
    initialValues: { name: '' },
    validateInputOnChange: true,
    validate: nameRules,
  });
  const startRenaming = (reason: LossReason) => {
    renameForm.setValues({ name: reason.name });
    renameForm.clearErrors();
    setRenaming(reason.id);
  };
  const add = form.onSubmit((values) =>
    save.mutate(
      { reason: null, body: { name: values.name.trim() } },
      {
        onSuccess: () => form.reset(),
        onError: (error) => markRefusedFields(form, error, ['name'], t),
      },
    ),
  );
  // An empty or too long name is said under the box, not silently ignored.
  const rename = (reason: LossReason) => {
    if (renameForm.validate().hasErrors) return;
    save.mutate(
      { reason, body: { name: renameForm.values.name.trim() } },
      {
        onSuccess: () => setRenaming(null),
        onError: (error) => markRefusedFields(renameForm, error, ['name'], t),
      },
    );
  };

  return (
    <Stack>
      <Title order={3}>{t('settings.lossReasons.title')}</Title>
      <form onSubmit={add} noValidate>
        <Group align="flex-start">
          <TextInput
            aria-label={t('settings.lossReasons.name')}
            placeholder={t('settings.lossReasons.name')}
            {...form.getInputProps('name')}
          />
          <Button type="submit" loading={save.isPending && save.variables.reason === null}>
            {t('settings.lossReasons.add')}
          </Button>
        </Group>
      </form>
      <Refusal
        error={save.error ?? remove.error ?? reorder.error}
        labels={{ name: 'settings.lossReasons.name' }}
      />
      {reasons.isPending && <Loader />}
      {reasons.isError && (
        <LoadError onRetry={() => void reasons.refetch()} retrying={reasons.isFetching} />
      )}
      {reasons.data?.length === 0 && <Text c="dimmed">{t('settings.lossReasons.empty')}</Text>}
      {reasons.data && reasons.data.length > 0 && (
        <>
          <Text size="xs" c="dimmed">
            {t('settings.lossReasons.order.hint')}
          </Text>
          <SortableList
            items={reasons.data}
            texts="settings.lossReasons.order"
            testId="settings-loss-reasons"
            rowTestId="settings-loss-reason"
            onReorder={(ids) => reorder.mutate(ids)}
          >
            {(reason, _index, handle) => (
              <Group justify="space-between" wrap="nowrap">
                <Group gap="sm" wrap="nowrap">
                  {handle}
                  {renaming === reason.id ? (
                    <TextInput
                      size="xs"
                      aria-label={t('settings.lossReasons.name')}
                      {...renameForm.getInputProps('name')}
                      onKeyDown={(event) => {
                        if (event.key === 'Enter') rename(reason);
                        if (event.key === 'Escape') setRenaming(null);
                      }}
                      autoFocus
                    />
                  ) : (
                    <Text size="sm" c={reason.is_active ? undefined : 'dimmed'}>
                      {reason.name}
                    </Text>
                  )}
                  {!reason.is_active && <Badge color="gray">{t('settings.inactive')}</Badge>}
                </Group>
                <Group gap="xs" justify="flex-end" wrap="nowrap">
                  {renaming === reason.id ? (
                    <Button size="xs" onClick={() => rename(reason)}>
                      {t('settings.save')}
                    </Button>
                  ) : (
                    <Button size="xs" variant="default" onClick={() => startRenaming(reason)}>
                      {t('settings.rename')}
                    </Button>
                  )}
                  <Button
                    size="xs"
                    variant="subtle"
                    onClick={() => save.mutate({ reason, body: { is_active: !reason.is_active } })}
                  >
                    {reason.is_active ? t('settings.deactivate') : t('settings.activate')}
                  </Button>
                  <DeleteButton
                    onDelete={() => remove.mutate(reason)}
                    confirmText={t('settings.lossReasons.confirmDelete', { name: reason.name })}
                  />
                </Group>
              </Group>
            )}
          </SortableList>
        </>
      )}
    </Stack>
  );
}
