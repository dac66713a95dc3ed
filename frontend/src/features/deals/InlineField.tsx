import { ActionIcon, Box, Button, Group, Stack, Text } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { DealUpdate } from './dealQueries';

/**
 * One field of a record's page (a deal, a client): shown as text with a pencil; edited in
 * place, saved with Enter or the button, left with Escape. `toPatch` turns the input into the
 * PATCH body or a message.
 */
export function InlineField<Patch = DealUpdate>({
  label,
  display,
  initial,
  editor,
  toPatch,
  save,
  disabled = false,
  testId,
}: {
  label: string;
  display: ReactNode;
  initial: string;
  editor: (props: {
    value: string;
    onChange: (value: string) => void;
    error: string | null;
  }) => ReactNode;
  toPatch: (value: string) => { patch: Patch } | { error: string };
  /** Sends the patch; resolves true when saved (false: refused, shown elsewhere). */
  save: (patch: Patch) => Promise<boolean>;
  disabled?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const start = () => {
    setValue(initial);
    setError(null);
    setEditing(true);
  };
  const submit = async () => {
    const result = toPatch(value);
    if ('error' in result) {
      setError(result.error);
      return;
    }
    setSaving(true);
    const saved = await save(result.patch).finally(() => setSaving(false));
    if (saved) setEditing(false);
  };

  if (!editing) {
    return (
      <Box data-testid={testId}>
        <Text size="xs" c="dimmed">
          {label}
        </Text>
        <Group gap={4} wrap="nowrap" align="center">
          <Text style={{ overflowWrap: 'anywhere' }}>{display}</Text>
          {disabled ? null : (
            <ActionIcon
              variant="subtle"
              size="sm"
              aria-label={t('dealPage.edit', { field: label })}
              onClick={start}
            >
              ✎
            </ActionIcon>
          )}
        </Group>
      </Box>
    );
  }
  return (
    <Stack
      gap={4}
      data-testid={testId}
      onKeyDown={(event) => {
        if (event.key === 'Escape') setEditing(false);
        const target = event.target as HTMLElement;
        // Enter in a select chooses an option; in a plain input it saves.
        if (
          event.key === 'Enter' &&
          target.tagName === 'INPUT' &&
          !target.hasAttribute('aria-haspopup')
        ) {
          event.preventDefault();
          void submit();
        }
      }}
    >
      {editor({
        value,
        onChange: (next) => {
          setValue(next);
          setError(null);
        },
        error,
      })}
      <Group gap="xs">
        <Button size="xs" onClick={() => void submit()} loading={saving}>
          {t('dealPage.save')}
        </Button>
        <Button size="xs" variant="default" onClick={() => setEditing(false)}>
          {t('deals.cancel')}
        </Button>
      </Group>
    </Stack>
  );
}
