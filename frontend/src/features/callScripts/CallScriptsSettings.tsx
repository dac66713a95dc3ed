import { Badge, Button, Drawer, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadError } from '../shell/LoadError';
import { type CallScript, useCallScripts } from './queries';
import { ScriptAssignments } from './ScriptAssignments';
import { ScriptEditor } from './ScriptEditor';
import { ScriptReport } from './ScriptReport';

/** Settings › Call scripts: the organisation's scripts, their editor, where they apply and
 * their report. */
export function CallScriptsSettings() {
  const { t } = useTranslation();
  const scripts = useCallScripts();
  const [editing, setEditing] = useState<CallScript | 'new' | null>(null);
  const [assigning, setAssigning] = useState<CallScript | null>(null);
  const [reportOf, setReportOf] = useState<CallScript | null>(null);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('callScripts.title')}</Title>
        <Button onClick={() => setEditing('new')}>{t('callScripts.add')}</Button>
      </Group>
      <Text c="dimmed" size="sm">
        {t('callScripts.intro')}
      </Text>
      {scripts.isPending && <Loader />}
      {scripts.isError && (
        <LoadError onRetry={() => void scripts.refetch()} retrying={scripts.isFetching} />
      )}
      {scripts.data && scripts.data.length === 0 && <Text>{t('callScripts.empty')}</Text>}
      {scripts.data && scripts.data.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('callScripts.name')}</Table.Th>
                <Table.Th>{t('callScripts.steps')}</Table.Th>
                <Table.Th>{t('callScripts.appliesTo')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {scripts.data.map((script) => (
                <Table.Tr key={script.id} data-testid="call-script">
                  <Table.Td>
                    <Group gap="xs">
                      <Text size="sm" fw={500}>
                        {script.name}
                      </Text>
                      {!script.is_active && (
                        <Badge color="gray" variant="light">
                          {t('callScripts.inactive')}
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>{script.steps.length}</Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {t('callScripts.appliesCounts', {
                        stages: script.stage_ids.length,
                        lists: script.call_list_ids.length,
                      })}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" justify="flex-end" wrap="nowrap">
                      <Button size="xs" variant="default" onClick={() => setReportOf(script)}>
                        {t('callScripts.report')}
                      </Button>
                      <Button size="xs" variant="default" onClick={() => setAssigning(script)}>
                        {t('callScripts.assign')}
                      </Button>
                      <Button size="xs" variant="default" onClick={() => setEditing(script)}>
                        {t('callScripts.edit')}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Drawer
        opened={editing !== null}
        onClose={() => setEditing(null)}
        position="right"
        size="xl"
        title={editing === 'new' ? t('callScripts.add') : t('callScripts.edit')}
      >
        {editing !== null && (
          <ScriptEditor
            script={editing === 'new' ? null : editing}
            onClose={() => setEditing(null)}
          />
        )}
      </Drawer>
      <Drawer
        opened={assigning !== null}
        onClose={() => setAssigning(null)}
        position="right"
        size="md"
        title={assigning ? t('callScripts.assignOf', { name: assigning.name }) : ''}
      >
        {assigning && <ScriptAssignments script={assigning} onClose={() => setAssigning(null)} />}
      </Drawer>
      <Drawer
        opened={reportOf !== null}
        onClose={() => setReportOf(null)}
        position="right"
        size="xl"
        title={reportOf ? t('callScripts.reportOf', { name: reportOf.name }) : ''}
      >
        {reportOf && <ScriptReport script={reportOf} />}
      </Drawer>
    </Stack>
  );
}
