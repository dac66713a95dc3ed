import { Center, Loader, Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useMe } from '../auth/queries';
import { LoadError } from '../shell/LoadError';
import { ProfileEdit } from './ProfileEdit';

export function ProfilePage() {
  const { t } = useTranslation();
  const me = useMe();
  return (
    <Stack>
      <Title order={2}>{t('profile.title')}</Title>
      {me.data ? (
        // Keyed by the user so the form starts over if another user signs in.
        <ProfileEdit key={me.data.id} user={me.data} />
      ) : me.isError ? (
        <LoadError onRetry={() => void me.refetch()} retrying={me.isFetching} />
      ) : (
        <Center py="xl">
          <Loader aria-label={t('app.loading')} />
        </Center>
      )}
    </Stack>
  );
}
