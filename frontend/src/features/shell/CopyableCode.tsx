import { Button, Code, CopyButton, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** A value to paste elsewhere (an integration's URL, login or password) with its copy button. */
export function CopyableCode({ value, testId }: { value: string; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Group gap="xs" wrap="nowrap">
      <Code style={{ wordBreak: 'break-all' }} data-testid={testId}>
        {value}
      </Code>
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Button
            size="compact-xs"
            variant="light"
            onClick={copy}
            color={copied ? 'teal' : undefined}
          >
            {copied ? t('shell.copied') : t('shell.copy')}
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}
