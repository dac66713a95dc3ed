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
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const form = useForm({
    initialValues: { name: '' },
    validateInputOnChange: true,
    validate: {
      // domain/funnels/model.py LOSS_REASON_NAME_MAX
      name: rules(required(t, t('settings.required')), maxLength(t, 200)),
    },
  });
  const add = form.onSubmit((values) =>
    save.mutate(
      { reason: null, body: { name: values.name.trim() } },
      {
        onSuccess: () => form.reset(),
        onError: (error) => markRefusedFields(form, error, ['name'], t),
      },
    ),
  );
  const rename = (reason: LossReason) => {
    if (!renaming?.name.trim()) return;
    save.mutate(
      { reason, body: { name: renaming.name.trim() } },
      { onSuccess: () => setRenaming(null) },
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
                  {renaming?.id === reason.id ? (
                    <TextInput
                      size="xs"
                      aria-label={t('settings.lossReasons.name')}
                      value={renaming.name}
                      onChange={(event) =>
                        setRenaming({ id: reason.id, name: event.currentTarget.value })
                      }
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
                  {renaming?.id === reason.id ? (
                    <Button size="xs" onClick={() => rename(reason)}>
                      {t('settings.save')}
                    </Button>
                  ) : (
                    <Button
                      size="xs"
                      variant="default"
                      onClick={() => setRenaming({ id: reason.id, name: reason.name })}
                    >
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
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    onClick={() => {
                      if (
                        window.confirm(
                          t('settings.lossReasons.confirmDelete', { name: reason.name }),
                        )
                      )
                        remove.mutate(reason);
                    }}
                  >
                    {t('settings.delete')}
                  </Button>
                </Group>
              </Group>
            )}
          </SortableList>
        </>
      )}
    </Stack>
  );
}
