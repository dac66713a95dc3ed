import { Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** Stands in for a section whose feature has not been built yet. */
export function PlaceholderPage({ title }: { title: string }) {
  const { t } = useTranslation();
  return (
    <Stack>
      <Title order={2}>{title}</Title>
      <Text c="dimmed">{t('placeholder.comingSoon')}</Text>
    </Stack>
  );
}
