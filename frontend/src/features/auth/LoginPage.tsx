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
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router-dom';
import { errorMessage } from '../../api/problem';
import { LanguageSwitcher } from '../../i18n/LanguageSwitcher';
import { useIsSignedIn } from './authStore';
import { useLogin, type Credentials } from './queries';

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

export function LoginPage() {
  const { t } = useTranslation();
  const location = useLocation();
  const signedIn = useIsSignedIn();
  const login = useLogin();
  const form = useForm<Credentials>({
    initialValues: { email: '', password: '' },
    validate: {
      email: (value) => (/^\S+@\S+$/.test(value.trim()) ? null : t('auth.emailInvalid')),
      password: (value) => (value ? null : t('auth.passwordRequired')),
    },
  });

  if (signedIn) return <Navigate to={redirectTarget(location.state)} replace />;

  return (
    <Box mih="100vh" bg="var(--mantine-color-gray-0)">
      <Group justify="flex-end" p="md">
        <LanguageSwitcher size="xs" />
      </Group>
      <Center px="md" pt="10vh">
        <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={400}>
          <form
            noValidate
            onSubmit={form.onSubmit((values) =>
              login.mutate({ email: values.email.trim(), password: values.password }),
            )}
          >
            <Stack>
              <Title order={2}>{t('auth.title')}</Title>
              {login.isError && (
                <Alert color="red" role="alert">
                  {errorMessage(login.error, t)}
                </Alert>
              )}
              <TextInput
                label={t('auth.email')}
                type="email"
                autoComplete="username"
                required
                {...form.getInputProps('email')}
              />
              <PasswordInput
                label={t('auth.password')}
                autoComplete="current-password"
                required
                {...form.getInputProps('password')}
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
