import { Alert, Button, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** A load that failed, said so (never shown as "nothing found"), with a way to try again. */
export function LoadError({ onRetry, retrying }: { onRetry: () => void; retrying: boolean }) {
  const { t } = useTranslation();
  return (
    <Alert color="red" variant="light">
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm">{t('errors.loadFailed')}</Text>
        <Button size="xs" variant="default" loading={retrying} onClick={onRetry}>
          {t('errors.retry')}
        </Button>
      </Group>
    </Alert>
  );
}
