import {
  Alert,
  Box,
  Button,
  Center,
  Group,
  Paper,
  PasswordInput,
  Stack,
  TextInput,
  Title,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router-dom';
import { ApiError, errorMessage, mapProblemToFields } from '../../api/problem';
import { LanguageSwitcher } from '../../i18n/LanguageSwitcher';
import { useIsSignedIn } from './authStore';
import { useSignIn, type Credentials } from './signIn';

function redirectTarget(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from;
  // Only paths inside the app: never an absolute URL handed in from outside.
  return typeof from === 'string' &&
    from.startsWith('/') &&
    !from.startsWith('//') &&
    from !== '/login'
    ? from
    : '/';
}

type Field = keyof Credentials;
type Problem = 'auth.emailInvalid' | 'auth.passwordRequired';

const RULES: Record<Field, (value: string) => Problem | null> = {
  email: (value) => (/^\S+@\S+$/.test(value.trim()) ? null : 'auth.emailInvalid'),
  password: (value) => (value ? null : 'auth.passwordRequired'),
};

/**
 * The two fields, checked as the user leaves one and, once wrong, as they type. The sign-in
 * page does without @mantine/form: it would add 6 KB to the page's first download.
 */
function useCredentials() {
  const { t } = useTranslation();
  const [values, setValues] = useState<Credentials>({ email: '', password: '' });
  const [problems, setProblems] = useState<Partial<Record<Field, Problem | null>>>({});
  // What the server said of a field (already in the reader's language), until it is edited.
  const [refused, setRefused] = useState<Partial<Record<Field, string>>>({});
  const check = (field: Field, value: string) =>
    setProblems((current) => ({ ...current, [field]: RULES[field](value) }));
  const inputProps = (field: Field) => ({
    value: values[field],
    error: problems[field] ? t(problems[field]) : refused[field],
    onChange: (event: { currentTarget: { value: string } }) => {
      const { value } = event.currentTarget;
      setValues((current) => ({ ...current, [field]: value }));
      setRefused((current) => ({ ...current, [field]: undefined }));
      if (problems[field]) check(field, value);
    },
    onBlur: () => {
      if (values[field]) check(field, values[field]);
    },
  });
  /** True when both fields hold; otherwise each says what is wrong. */
  const validate = () => {
    const found = { email: RULES.email(values.email), password: RULES.password(values.password) };
    setProblems(found);
    return !found.email && !found.password;
  };
  /** Puts a refused sign-in's field errors on the fields; true when any field took one. */
  const refuse = (failure: unknown) => {
    const { fieldErrors } =
      failure instanceof ApiError
        ? mapProblemToFields(failure.problem, ['email', 'password'])
        : { fieldErrors: {} };
    setRefused(fieldErrors);
    return Object.keys(fieldErrors).length > 0;
  };
  return { values, inputProps, validate, refuse };
}

export function LoginPage() {
  const { t } = useTranslation();
  const location = useLocation();
  const signedIn = useIsSignedIn();
  const login = useSignIn();
  const form = useCredentials();
  // A refusal said on its fields is not repeated above the form.
  const [onFields, setOnFields] = useState(false);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (form.validate()) {
      void login
        .signIn({ email: form.values.email.trim(), password: form.values.password })
        .then((failure) => setOnFields(form.refuse(failure)));
    }
  };

  if (signedIn) return <Navigate to={redirectTarget(location.state)} replace />;

  return (
    <Box mih="100vh" bg="var(--mantine-color-gray-0)">
      <Group justify="flex-end" p="md">
        <LanguageSwitcher size="xs" />
      </Group>
      <Center px="md" pt="10vh">
        <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={400}>
          <form noValidate onSubmit={onSubmit}>
            <Stack>
              <Title order={2}>{t('auth.title')}</Title>
              {login.error !== null && !onFields && (
                <Alert color="red" role="alert">
                  {errorMessage(login.error, t)}
                </Alert>
              )}
              <TextInput
                label={t('auth.email')}
                type="email"
                autoComplete="username"
                required
                {...form.inputProps('email')}
              />
              <PasswordInput
                label={t('auth.password')}
                autoComplete="current-password"
                required
                {...form.inputProps('password')}
              />
              <Button type="submit" loading={login.isPending} fullWidth>
                {t('auth.submit')}
              </Button>
            </Stack>
          </form>
        </Paper>
      </Center>
    </Box>
  );
}
