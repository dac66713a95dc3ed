import { Alert, Button, Center, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** Shown when a route fails to render, most often a page chunk missing after a new deploy. */
export function RouteErrorPage() {
  const { t } = useTranslation();
  return (
    <Center p="xl">
      <Stack align="center">
        <Alert color="red" role="alert">
          {t('errors.loadFailed')}
        </Alert>
        <Button variant="light" onClick={() => window.location.reload()}>
          {t('errors.reload')}
        </Button>
      </Stack>
    </Center>
  );
}
