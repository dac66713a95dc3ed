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
import { email, maxLength, phone, required, rules } from '../../forms/rules';
import { setServerErrors } from '../../forms/serverErrors';
import { useSaveContact, type Contact, type ContactUpdate } from './queries';

const MAX_VALUES = 20;
// domain/clients/model.py CONTACT_NAME_MAX, POSITION_MAX; api/schemas/contacts.py PhoneIn
const NAME_MAX = 300;
const POSITION_MAX = 200;
const PHONE_MAX = 64;

interface Values {
  full_name: string;
  position: string;
  phones: string[];
  emails: string[];
  is_primary: boolean;
}

const FIELDS = ['full_name', 'position', 'is_primary'] as const;
const LIST_PATHS = (['phones', 'emails'] as const).flatMap((name) =>
  Array.from({ length: MAX_VALUES }, (_, index) => `${name}.${index}`),
);

/**
 * The paths the server names in a 422 (`phones.1`) by the input that holds them: empty inputs
 * are not sent, so the second number sent may be the third input.
 */
function sentPaths(values: Values): Record<string, string> {
  const paths: Record<string, string> = {};
  for (const name of ['phones', 'emails'] as const) {
    let sent = 0;
    values[name].forEach((value, index) => {
      if (value.trim()) paths[`${name}.${sent++}`] = `${name}.${index}`;
    });
  }
  return paths;
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
    validateInputOnChange: true,
    // By path, as the inputs are named: Mantine's rule records cannot reach a list of strings.
    validate: (values) => ({
      full_name: rules(
        required(t, t('clientPage.contactNameRequired')),
        maxLength(t, NAME_MAX),
      )(values.full_name),
      position: maxLength(t, POSITION_MAX)(values.position),
      ...Object.fromEntries(
        values.phones.map((value, index) => [
          `phones.${index}`,
          rules(phone(t), maxLength(t, PHONE_MAX))(value),
        ]),
      ),
      ...Object.fromEntries(
        values.emails.map((value, index) => [`emails.${index}`, email(t)(value)]),
      ),
    }),
  });
  const duplicate = save.error instanceof ApiError && save.error.status === 409;
  // A refusal naming an input is said under it; what names none, above the form.
  const problem =
    save.error instanceof ApiError && !duplicate
      ? mapProblemToFields(save.error.problem, [...FIELDS, ...LIST_PATHS], { nested: true })
      : null;
  const formLevelErrors =
    save.isError && !duplicate
      ? !problem || Object.keys(problem.fieldErrors).length === 0
        ? [
            problemText(save.error, t, (field) =>
              t(`clientPage.field.${field.split('.')[0]}`, { defaultValue: field }),
            ),
            ...(problem?.otherErrors ?? []),
          ]
        : problem.otherErrors
      : [];

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
          setServerErrors(form, error, FIELDS, {
            nested: true,
            rename: sentPaths(values),
            uncoded: t('clientPage.invalidValue'),
          });
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
          {formLevelErrors.length > 0 ? (
            <Alert color="red" role="alert">
              {formLevelErrors.map((message) => (
                <div key={message}>{message}</div>
              ))}
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
