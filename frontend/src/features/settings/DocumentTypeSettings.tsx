import { Badge, Button, Group, Loader, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { LoadError } from '../shell/LoadError';
import { markRefusedFields } from './formHelpers';
import { Refusal } from './Refusal';
import {
  useDocumentTypes,
  useReorderDocumentTypes,
  useSaveDocumentType,
  useSetDocumentTypeActive,
} from './queries';
import { SortableList } from './SortableList';
import { maxLength, required, rules } from '../../forms/rules';

const CODE = /^[a-z][a-z0-9_]*$/;

/** Kinds of files attached to deals and clients, in the order offered (drag to change it);
 * a stage may require one. */
export function DocumentTypeSettings() {
  const { t } = useTranslation();
  const types = useDocumentTypes();
  const save = useSaveDocumentType();
  const setActive = useSetDocumentTypeActive();
  const reorder = useReorderDocumentTypes();
  const form = useForm({
    initialValues: { name: '', code: '' },
    validate: {
      // domain/attachments/model.py DOCUMENT_TYPE_NAME_MAX; api/schemas: a code of 64 at most
      name: rules(required(t, t('settings.required')), maxLength(t, 200)),
      code: rules(
        (value: string) => (CODE.test(value) ? null : t('settings.codeInvalid')),
        maxLength(t, 64),
      ),
    },
    // A field is checked once it changed, so an untouched one says nothing.
    validateInputOnChange: true,
  });
  const add = form.onSubmit((values) =>
    save.mutate(
      {
        type: null,
        body: { name: values.name.trim(), code: values.code, position: types.data?.length ?? 0 },
      },
      {
        onSuccess: () => form.reset(),
        onError: (error) => markRefusedFields(form, error, ['name', 'code'], t),
      },
    ),
  );

  return (
    <Stack>
      <Title order={3}>{t('settings.documentTypes.title')}</Title>
      <form onSubmit={add} noValidate>
        <Group align="flex-start">
          <TextInput label={t('settings.documentTypes.name')} {...form.getInputProps('name')} />
          <TextInput
            label={t('settings.documentTypes.code')}
            description={t('settings.codeHint')}
            {...form.getInputProps('code')}
          />
          <Button type="submit" mt={24} loading={save.isPending}>
            {t('settings.documentTypes.add')}
          </Button>
        </Group>
      </form>
      <Refusal
        error={save.error ?? setActive.error ?? reorder.error}
        labels={{ name: 'settings.documentTypes.name', code: 'settings.documentTypes.code' }}
      />
      {types.isPending && <Loader />}
      {types.isError && (
        <LoadError onRetry={() => void types.refetch()} retrying={types.isFetching} />
      )}
      {types.data && (
        <>
          <Text size="xs" c="dimmed">
            {t('settings.documentTypes.order.hint')}
          </Text>
          <SortableList
            items={types.data}
            texts="settings.documentTypes.order"
            testId="settings-document-types"
            rowTestId="settings-document-type"
            onReorder={(ids) => reorder.mutate(ids)}
          >
            {(type, _index, handle) => (
              <Group justify="space-between" wrap="nowrap">
                <Group gap="sm" wrap="nowrap">
                  {handle}
                  <div>
                    <Text size="sm" c={type.is_active ? undefined : 'dimmed'}>
                      {type.name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {type.code}
                    </Text>
                  </div>
                  {!type.is_active && <Badge color="gray">{t('settings.inactive')}</Badge>}
                </Group>
                <Button
                  size="xs"
                  variant="subtle"
                  onClick={() => setActive.mutate({ type, active: !type.is_active })}
                >
                  {type.is_active ? t('settings.deactivate') : t('settings.activate')}
                </Button>
              </Group>
            )}
          </SortableList>
        </>
      )}
    </Stack>
  );
}
