import { Badge, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { type ScriptRecord, useScriptRuns } from './queries';

/** The scripted calls saved on the record, newest first. */
export function ScriptRunList({ record }: { record: ScriptRecord }) {
  const { t, i18n } = useTranslation();
  const runs = useScriptRuns(record);
  if (!runs.data?.length) return null;
  const moment = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'short' });
  return (
    <Stack gap={4} data-testid="script-runs">
      <Text size="sm" fw={500}>
        {t('callScripts.pastRuns')}
      </Text>
      {runs.data.map((run) => (
        <Group key={run.id} gap="xs" wrap="nowrap">
          <Text size="xs" c="dimmed">
            {moment.format(new Date(run.finished_at))}
          </Text>
          <Text size="xs">
            {run.script_name}
            {run.user_name ? ` · ${run.user_name}` : ''}
          </Text>
          <Badge size="xs" variant="light">
            {t(`callScripts.outcome.${run.outcome}`)}
          </Badge>
        </Group>
      ))}
    </Stack>
  );
}
