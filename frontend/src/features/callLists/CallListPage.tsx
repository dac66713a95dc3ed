import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  Progress,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { errorMessage } from '../../api/problem';
import { useMe } from '../auth/queries';
import { holds } from '../settings/sections';
import { LoadError } from '../shell/LoadError';
import { AgentsTable } from './CallListsPage';
import { STATUS_COLOR } from './labels';
import { BuildSummary, SourcePicker } from './CallListWizard';
import {
  donePercent,
  OUTCOMES,
  useAgents,
  useCallItems,
  useCallList,
  useUpdateCallList,
  type Build,
  type CallList,
  type Outcome,
} from './queries';
import { CallButton } from '../telephony/CallButton';

const NEXT_STATUSES: Record<CallList['status'], CallList['status'][]> = {
  draft: ['active', 'done'],
  active: ['paused', 'done'],
  paused: ['active', 'done'],
  done: ['active'],
};

function Figure({ label, value }: { label: string; value: number }) {
  return (
    <Card withBorder padding="xs">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="lg">
        {value}
      </Text>
    </Card>
  );
}

/** /call-lists/:id: a list's progress, its numbers and, for heads, its telemarketers'
 * figures, status changes and more numbers. */
export function CallListPage() {
  const { t, i18n } = useTranslation();
  const { listId = '' } = useParams();
  const me = useMe();
  const manages = holds(me.data, 'call_lists:manage');
  const list = useCallList(listId);
  const agents = useAgents(listId);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const items = useCallItems(listId, outcome);
  const update = useUpdateCallList();

  if (list.isPending) return <Loader aria-label={t('callLists.loading')} />;
  if (list.isError)
    return (
      <LoadError
        message={errorMessage(list.error, t)}
        onRetry={() => void list.refetch()}
        retrying={list.isFetching}
      />
    );
  const data = list.data;
  const p = data.progress;
  const works = me.data ? data.assignee_ids.includes(me.data.id) : false;
  const moment = new Intl.DateTimeFormat(i18n.language, {
    dateStyle: 'short',
    timeStyle: 'short',
  });

  return (
    <Stack>
      <Group justify="space-between">
        <Group>
          <Title order={2}>{data.name}</Title>
          <Badge color={STATUS_COLOR[data.status]}>{t(`callLists.status.${data.status}`)}</Badge>
        </Group>
        <Group>
          {works && data.status === 'active' && (
            <Button component={Link} to={`/call-lists/${data.id}/work`}>
              {t('callLists.work')}
            </Button>
          )}
          {manages &&
            NEXT_STATUSES[data.status].map((status) => (
              <Button
                key={status}
                variant="light"
                loading={update.isPending}
                onClick={() => update.mutate({ id: data.id, body: { status } })}
              >
                {t(`callLists.to.${status}`)}
              </Button>
            ))}
        </Group>
      </Group>
      {data.description && <Text>{data.description}</Text>}
      {update.error && <Alert color="red">{errorMessage(update.error, t)}</Alert>}
      <Progress
        value={donePercent(p)}
        aria-label={t('callLists.progressOf', { name: data.name })}
      />
      <SimpleGrid cols={{ base: 2, sm: 4, lg: 7 }}>
        <Figure label={t('callLists.total')} value={p.total} />
        <Figure label={t('callLists.done')} value={p.done} />
        <Figure label={t('callLists.due')} value={p.due} />
        <Figure label={t('callLists.waiting')} value={p.waiting} />
        <Figure label={t('callLists.inProgress')} value={p.in_progress} />
        <Figure label={t('callLists.calls')} value={p.calls} />
        <Figure label={t('callLists.qualified')} value={p.qualified} />
      </SimpleGrid>
      {data.build && 'added' in data.build && <BuildSummary build={data.build as Build} />}
      {agents.data && agents.data.items.length > 0 && (
        <Stack gap="xs">
          <Title order={4}>{t('callLists.agentsTitle')}</Title>
          <AgentsTable agents={agents.data.items} caption={t('callLists.agentsTitle')} />
        </Stack>
      )}
      {manages && data.status !== 'done' && (
        <Card withBorder>
          <Title order={4} mb="xs">
            {t('callLists.addNumbers')}
          </Title>
          <SourcePicker listId={data.id} />
        </Card>
      )}
      <Group justify="space-between">
        <Title order={4}>{t('callLists.numbers')}</Title>
        <Select
          placeholder={t('callLists.anyOutcome')}
          data={OUTCOMES.map((o) => ({ value: o, label: t(`callLists.outcome.${o}`) }))}
          value={outcome}
          onChange={setOutcome}
          clearable
          w={220}
        />
      </Group>
      <Table aria-label={t('callLists.numbers')} striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('callLists.phone')}</Table.Th>
            <Table.Th>{t('callLists.client')}</Table.Th>
            <Table.Th>{t('callLists.lastOutcome')}</Table.Th>
            <Table.Th>{t('callLists.attempts')}</Table.Th>
            <Table.Th>{t('callLists.dueAt')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(items.data?.items ?? []).map((item) => (
            <Table.Tr key={item.id}>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  <a href={`tel:${item.phone}`}>{item.phone}</a>
                  <CallButton
                    phone={item.phone}
                    clientId={item.client_id}
                    callListItemId={item.id}
                  />
                </Group>
              </Table.Td>
              <Table.Td>
                {item.client_id ? (
                  <Link to={`/clients/${item.client_id}`}>{item.name ?? '—'}</Link>
                ) : (
                  (item.name ?? '—')
                )}
              </Table.Td>
              <Table.Td>{item.outcome ? t(`callLists.outcome.${item.outcome}`) : '—'}</Table.Td>
              <Table.Td>{item.attempts}</Table.Td>
              <Table.Td>
                {item.status === 'closed'
                  ? t('callLists.closed')
                  : moment.format(new Date(item.due_at))}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
