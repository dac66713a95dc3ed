import { Alert, Button, Group, Select, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { errorMessage, mapProblemToFields } from '../../api/problem';
import { maxLength, phone, required, rules } from '../../forms/rules';
import { setServerErrors } from '../../forms/serverErrors';
import { LANGUAGES, type Language } from '../../i18n';
import type { CurrentUser } from '../auth/queries';
import { TimeZoneSelect } from '../shell/TimeZoneSelect';
import { useUpdateMe, type ProfileUpdate } from './queries';

interface ProfileValues {
  full_name: string;
  phone: string;
  language: Language;
  time_zone: string;
}

const FIELDS = [
  'full_name',
  'phone',
  'language',
  'time_zone',
] as const satisfies readonly (keyof ProfileValues)[];

function valuesOf(user: CurrentUser): ProfileValues {
  return {
    full_name: user.full_name,
    phone: user.phone ?? '',
    language: user.language,
    time_zone: user.time_zone,
  };
}

export function ProfileEdit({ user }: { user: CurrentUser }) {
  const { t } = useTranslation();
  const update = useUpdateMe({ inlineErrors: true });
  const form = useForm<ProfileValues>({
    initialValues: valuesOf(user),
    validateInputOnChange: true,
    validate: {
      // api/schemas/users.py ProfileUpdate: a name of at most 200, a phone of at most 32.
      full_name: rules(required(t, t('profile.fullNameRequired')), maxLength(t, 200)),
      phone: rules(phone(t), maxLength(t, 32)),
    },
  });

  const problem = update.error ? mapProblemToFields(update.error.problem, FIELDS) : null;
  const formLevelErrors =
    update.error && problem
      ? Object.keys(problem.fieldErrors).length === 0
        ? [errorMessage(update.error, t), ...problem.otherErrors]
        : problem.otherErrors
      : [];

  const submit = form.onSubmit((values) => {
    // PATCH only what the user changed: the server applies the fields that were sent.
    const changes: ProfileUpdate = {};
    if (form.isDirty('full_name')) changes.full_name = values.full_name.trim();
    if (form.isDirty('phone')) changes.phone = values.phone.trim() || null;
    if (form.isDirty('language')) changes.language = values.language;
    if (form.isDirty('time_zone')) changes.time_zone = values.time_zone;
    update.mutate(changes, {
      onSuccess: (saved) => {
        form.setInitialValues(valuesOf(saved));
        form.setValues(valuesOf(saved));
        // Said in the language just saved, which the UI switches to right after.
        notifications.show({
          color: 'green',
          message: t('profile.saved', { lng: saved.language }),
        });
      },
      onError: (error) => setServerErrors(form, error, FIELDS),
    });
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack maw={480}>
        {formLevelErrors.length > 0 && (
          <Alert color="red" role="alert">
            {formLevelErrors.map((message) => (
              <div key={message}>{message}</div>
            ))}
          </Alert>
        )}
        <TextInput label={t('profile.email')} value={user.email} readOnly variant="filled" />
        <TextInput label={t('profile.role')} value={user.role_name} readOnly variant="filled" />
        <TextInput
          label={t('profile.fullName')}
          required
          autoComplete="name"
          {...form.getInputProps('full_name')}
        />
        <TextInput
          label={t('profile.phone')}
          type="tel"
          autoComplete="tel"
          {...form.getInputProps('phone')}
        />
        <Select
          label={t('profile.language')}
          data={LANGUAGES.map((language) => ({
            value: language,
            label: t(`language.${language}`),
          }))}
          allowDeselect={false}
          {...form.getInputProps('language')}
        />
        <TimeZoneSelect label={t('profile.timeZone')} {...form.getInputProps('time_zone')} />
        <Group>
          <Button type="submit" loading={update.isPending} disabled={!form.isDirty()}>
            {t('profile.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
