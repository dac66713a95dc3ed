import {
  ActionIcon,
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { ApiError, mapProblemToFields } from '../../api/problem';
import { problemText } from '../../api/problemText';
import { useSaveContact, type Contact, type ContactUpdate } from './queries';

const MAX_VALUES = 20;

interface Values {
  full_name: string;
  position: string;
  phones: string[];
  emails: string[];
  is_primary: boolean;
}

/** The form's fields by the paths the server names in a 422 (`phones.1`, `emails.0`). */
function fieldsOf(values: Values): string[] {
  return [
    'full_name',
    'position',
    'is_primary',
    ...values.phones.map((_, index) => `phones.${index}`),
    ...values.emails.map((_, index) => `emails.${index}`),
  ];
}

/**
 * Adds a contact to a client or edits one: name, position, any number of phones (the server
 * stores them in E.164 and answers with the normalised number) and e-mails.
 */
export function ContactEditor({
  clientId,
  contact,
  onClose,
}: {
  clientId: string;
  /** null: a new contact. */
  contact: Contact | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const save = useSaveContact(clientId);
  const form = useForm<Values>({
    initialValues: {
      full_name: contact?.full_name ?? '',
      position: contact?.position ?? '',
      phones: contact?.phones.length
        ? contact.phones.map((phone) => phone.raw || phone.e164)
        : [''],
      emails: contact?.emails.length ? [...contact.emails] : [''],
      is_primary: contact?.is_primary ?? false,
    },
    validate: {
      full_name: (value) => (value.trim() ? null : t('clientPage.contactNameRequired')),
    },
  });
  const duplicate = save.error instanceof ApiError && save.error.status === 409;

  const submit = (values: Values, confirmDuplicate = false) => {
    const phones = values.phones.map((phone) => phone.trim()).filter(Boolean);
    const emails = values.emails.map((email) => email.trim()).filter(Boolean);
    const body: ContactUpdate = {
      full_name: values.full_name.trim(),
      position: values.position.trim() || null,
      // Kept in the order typed; a kept number goes back as it was written.
      phones: phones.map((number) => {
        const kept = contact?.phones.find((phone) => (phone.raw || phone.e164) === number);
        return { number, kind: kept?.kind ?? 'mobile' };
      }),
      emails,
      is_primary: values.is_primary,
      confirm_duplicate: confirmDuplicate,
    };
    save.mutate(
      { contact, body },
      {
        onSuccess: () => {
          notifications.show({ color: 'green', message: t('clientPage.contactSaved') });
          onClose();
        },
        onError: (error) => {
          if (!(error instanceof ApiError) || error.status !== 422) return;
          const mapped = mapProblemToFields(error.problem, fieldsOf(values), { nested: true });
          form.setErrors(
            Object.fromEntries(
              Object.keys(mapped.fieldErrors).map((field) => [field, t('clientPage.invalidValue')]),
            ),
          );
        },
      },
    );
  };

  const list = (name: 'phones' | 'emails') => (
    <Stack gap={6}>
      {form.values[name].map((_, index) => (
        <Group key={index} gap="xs" align="start" wrap="nowrap">
          <TextInput
            style={{ flex: 1 }}
            label={index === 0 ? t(`clientPage.${name}`) : undefined}
            aria-label={`${t(`clientPage.${name}`)} ${index + 1}`}
            type={name === 'phones' ? 'tel' : 'email'}
            placeholder={name === 'phones' ? '+7 912 345-67-89' : 'name@example.com'}
            autoComplete="off"
            {...form.getInputProps(`${name}.${index}`)}
          />
          <ActionIcon
            variant="subtle"
            color="gray"
            mt={index === 0 ? 28 : 4}
            aria-label={t('clientPage.removeValue')}
            onClick={() => form.removeListItem(name, index)}
            disabled={form.values[name].length === 1 && !form.values[name][0]}
          >
            ✕
          </ActionIcon>
        </Group>
      ))}
      <Group>
        <Button
          variant="subtle"
          size="xs"
          disabled={form.values[name].length >= MAX_VALUES}
          onClick={() => form.insertListItem(name, '')}
        >
          {t(name === 'phones' ? 'clientPage.addPhone' : 'clientPage.addEmail')}
        </Button>
      </Group>
    </Stack>
  );

  return (
    <Modal
      opened
      onClose={onClose}
      title={contact ? t('clientPage.editContact') : t('clientPage.addContact')}
    >
      <form onSubmit={form.onSubmit((values) => submit(values))} noValidate>
        <Stack>
          {save.isError && !duplicate && form.isValid() ? (
            <Alert color="red" role="alert">
              {problemText(save.error, t, (field) =>
                t(`clientPage.field.${field.split('.')[0]}`, { defaultValue: field }),
              )}
            </Alert>
          ) : null}
          {duplicate ? (
            <Alert color="yellow" role="alert" title={t('clientPage.contactDuplicate')}>
              <Stack gap="xs">
                <Text size="sm">{t('clientPage.contactDuplicateText')}</Text>
                <Group>
                  <Button
                    size="xs"
                    color="yellow"
                    variant="light"
                    loading={save.isPending}
                    onClick={() => submit(form.values, true)}
                  >
                    {t('clientPage.saveAnyway')}
                  </Button>
                </Group>
              </Stack>
            </Alert>
          ) : null}
          <TextInput
            label={t('clientPage.contactName')}
            required
            data-autofocus
            {...form.getInputProps('full_name')}
          />
          <TextInput label={t('clientPage.position')} {...form.getInputProps('position')} />
          {list('phones')}
          {list('emails')}
          <Checkbox
            label={t('clientPage.primaryContact')}
            {...form.getInputProps('is_primary', { type: 'checkbox' })}
          />
          <Group justify="end">
            <Button variant="default" onClick={onClose}>
              {t('deals.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('dealPage.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
