import {
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  Progress,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { errorMessage } from '../../api/problem';
import { useMe } from '../auth/queries';
import { holds } from '../settings/sections';
import { useUsers } from '../settings/queries';
import { LoadError } from '../shell/LoadError';
import { CallListWizard } from './CallListWizard';
import { STATUS_COLOR } from './labels';
import { donePercent, OUTCOMES, useAgents, useCallLists, type Agent } from './queries';

/** Per telemarketer: calls, numbers closed, outcomes and qualified leads. */
export function AgentsTable({ agents, caption }: { agents: Agent[]; caption: string }) {
  const { t } = useTranslation();
  const users = useUsers();
  const nameOf = (id: string) => users.data?.find((u) => u.id === id)?.full_name ?? '—';
  return (
    <Table striped aria-label={caption}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('callLists.telemarketer')}</Table.Th>
          <Table.Th>{t('callLists.calls')}</Table.Th>
          <Table.Th>{t('callLists.done')}</Table.Th>
          {OUTCOMES.map((o) => (
            <Table.Th key={o}>{t(`callLists.outcome.${o}`)}</Table.Th>
          ))}
          <Table.Th>{t('callLists.qualified')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {agents.map((a) => (
          <Table.Tr key={a.user_id}>
            <Table.Td>{nameOf(a.user_id)}</Table.Td>
            <Table.Td>{a.calls}</Table.Td>
            <Table.Td>{a.done}</Table.Td>
            {OUTCOMES.map((o) => (
              <Table.Td key={o}>{a.by_outcome[o] ?? 0}</Table.Td>
            ))}
            <Table.Td>{a.qualified}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** /call-lists: the caller's lists with their progress; heads create lists and see every
 * telemarketer's figures. */
export function CallListsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const manages = holds(me.data, 'call_lists:manage');
  const lists = useCallLists();
  const agents = useAgents(null, { enabled: manages });
  const [wizard, setWizard] = useState(false);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('callLists.title')}</Title>
        {manages && <Button onClick={() => setWizard(true)}>{t('callLists.new')}</Button>}
      </Group>
      {lists.isPending && <Loader aria-label={t('callLists.loading')} />}
      {lists.isError && (
        <LoadError
          message={errorMessage(lists.error, t)}
          onRetry={() => void lists.refetch()}
          retrying={lists.isFetching}
        />
      )}
      {lists.data && lists.data.items.length === 0 && (
        <Text c="dimmed">{manages ? t('callLists.emptyHead') : t('callLists.empty')}</Text>
      )}
      {lists.data && lists.data.items.length > 0 && (
        <Table aria-label={t('callLists.title')} highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('callLists.name')}</Table.Th>
              <Table.Th>{t('callLists.statusLabel')}</Table.Th>
              <Table.Th w="30%">{t('callLists.progress')}</Table.Th>
              <Table.Th>{t('callLists.due')}</Table.Th>
              <Table.Th>{t('callLists.qualified')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {lists.data.items.map((list) => (
              <Table.Tr key={list.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/call-lists/${list.id}`}>
                    {list.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Badge color={STATUS_COLOR[list.status]}>
                    {t(`callLists.status.${list.status}`)}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Progress
                    value={donePercent(list.progress)}
                    aria-label={t('callLists.progressOf', { name: list.name })}
                  />
                  <Text size="xs" c="dimmed">
                    {t('callLists.doneOf', {
                      done: list.progress.done,
                      total: list.progress.total,
                    })}
                  </Text>
                </Table.Td>
                <Table.Td>{list.progress.due}</Table.Td>
                <Table.Td>{list.progress.qualified}</Table.Td>
                <Table.Td>
                  {list.status === 'active' &&
                    me.data &&
                    list.assignee_ids.includes(me.data.id) && (
                      <Button
                        component={Link}
                        to={`/call-lists/${list.id}/work`}
                        size="xs"
                        variant="light"
                      >
                        {t('callLists.work')}
                      </Button>
                    )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {manages && agents.data && agents.data.items.length > 0 && (
        <Stack gap="xs">
          <Title order={4}>{t('callLists.agentsTitle')}</Title>
          <AgentsTable agents={agents.data.items} caption={t('callLists.agentsTitle')} />
        </Stack>
      )}
      {manages && <CallListWizard opened={wizard} onClose={() => setWizard(false)} />}
    </Stack>
  );
}
