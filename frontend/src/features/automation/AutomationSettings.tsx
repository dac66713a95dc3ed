import {
  Button,
  Drawer,
  Group,
  Loader,
  Modal,
  Stack,
  Switch,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/problem';
import { useFunnels } from '../deals/queries';
import { LoadError } from '../shell/LoadError';
import { DryRunResult } from './DryRunResult';
import {
  type AutomationRule,
  useAutomationRules,
  useDeleteRule,
  useDryRun,
  useToggleRule,
} from './queries';
import { RuleEditor } from './RuleEditor';
import { RuleRunLog } from './RuleRunLog';
import { actionsSummary, triggerSummary } from './ruleText';

/** Settings › Automation: the organisation's rules, their switches, log and dry run. */
export function AutomationSettings() {
  const { t, i18n } = useTranslation();
  const rules = useAutomationRules();
  const funnels = useFunnels();
  const toggle = useToggleRule();
  const remove = useDeleteRule();
  const dryRun = useDryRun();
  const [editing, setEditing] = useState<AutomationRule | 'new' | null>(null);
  const [logOf, setLogOf] = useState<AutomationRule | null>(null);
  const [dryRunOf, setDryRunOf] = useState<AutomationRule | null>(null);
  const stageNames = useMemo(
    () =>
      new Map((funnels.data ?? []).flatMap((f) => f.stages.map((s) => [s.id, s.name] as const))),
    [funnels.data],
  );
  const format = new Intl.DateTimeFormat(i18n.language, {
    dateStyle: 'medium',
    timeStyle: 'short',
  });

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('automation.title')}</Title>
        <Button onClick={() => setEditing('new')}>{t('automation.add')}</Button>
      </Group>
      <Text c="dimmed" size="sm">
        {t('automation.intro')}
      </Text>
      {rules.isPending && <Loader />}
      {rules.isError && (
        <LoadError onRetry={() => void rules.refetch()} retrying={rules.isFetching} />
      )}
      {rules.data && rules.data.length === 0 && <Text>{t('automation.empty')}</Text>}
      {rules.data && rules.data.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('automation.enabled')}</Table.Th>
                <Table.Th>{t('automation.name')}</Table.Th>
                <Table.Th>{t('automation.when')}</Table.Th>
                <Table.Th>{t('automation.lastRun')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rules.data.map((rule) => (
                <Table.Tr key={rule.id} data-testid="automation-rule">
                  <Table.Td>
                    <Switch
                      aria-label={t('automation.enabledOf', { name: rule.name })}
                      checked={rule.is_enabled}
                      onChange={(e) =>
                        toggle.mutate(
                          { rule, enabled: e.currentTarget.checked },
                          {
                            onError: (error) =>
                              notifications.show({ color: 'red', message: errorMessage(error, t) }),
                          },
                        )
                      }
                    />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {rule.name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {actionsSummary(rule.actions, t)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {triggerSummary(rule.trigger, (id) => stageNames.get(id), t)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {rule.last_run_at ? format.format(new Date(rule.last_run_at)) : '—'}
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" justify="flex-end" wrap="nowrap">
                      <Button size="xs" variant="default" onClick={() => setLogOf(rule)}>
                        {t('automation.log')}
                      </Button>
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() => {
                          setDryRunOf(rule);
                          dryRun.mutate({ ruleId: rule.id });
                        }}
                      >
                        {t('automation.dryRun')}
                      </Button>
                      <Button size="xs" variant="default" onClick={() => setEditing(rule)}>
                        {t('automation.edit')}
                      </Button>
                      <Button
                        size="xs"
                        color="red"
                        variant="subtle"
                        onClick={() => {
                          if (window.confirm(t('automation.confirmDelete'))) remove.mutate(rule.id);
                        }}
                      >
                        {t('automation.delete')}
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
        title={editing === 'new' ? t('automation.add') : t('automation.edit')}
      >
        {editing !== null && (
          <RuleEditor rule={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
        )}
      </Drawer>
      <Drawer
        opened={logOf !== null}
        onClose={() => setLogOf(null)}
        position="right"
        size="xl"
        title={logOf ? t('automation.logOf', { name: logOf.name }) : ''}
      >
        {logOf && <RuleRunLog ruleId={logOf.id} />}
      </Drawer>
      <Modal
        opened={dryRunOf !== null}
        onClose={() => setDryRunOf(null)}
        size="lg"
        title={dryRunOf ? t('automation.dryRunOf', { name: dryRunOf.name }) : ''}
      >
        {dryRun.isPending && <Loader size="sm" />}
        {dryRun.isError && <Text c="red">{errorMessage(dryRun.error, t)}</Text>}
        {dryRun.data && <DryRunResult deals={dryRun.data.items} />}
      </Modal>
    </Stack>
  );
}
