import { Alert, Button, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/**
 * A load that failed, said so (never shown as "nothing found"), with a way to try again.
 * `message` says why when the screen knows better than "could not load" (e.g. a 403).
 */
export function LoadError({
  onRetry,
  retrying,
  message,
}: {
  onRetry: () => void;
  retrying: boolean;
  message?: string;
}) {
  const { t } = useTranslation();
  return (
    <Alert color="red" variant="light">
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm">{message ?? t('errors.loadFailed')}</Text>
        <Button size="xs" variant="default" loading={retrying} onClick={onRetry}>
          {t('errors.retry')}
        </Button>
      </Group>
    </Alert>
  );
}
