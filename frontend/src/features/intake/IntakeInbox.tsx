import {
  Alert,
  Badge,
  Button,
  Code,
  Drawer,
  Group,
  Loader,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadError } from '../shell/LoadError';
import { errorMessage } from '../../api/problem';
import { type InboxFilter, type InboxItem, useInbox, useRetryInboxItem } from './queries';

const FILTERS: readonly InboxFilter[] = [
  'all',
  'dead',
  'rejected',
  'ignored',
  'pending',
  'processed',
];
const RETRYABLE = new Set(['dead', 'rejected', 'ignored']);
const STATE_COLOR: Record<InboxItem['state'], string> = {
  pending: 'blue',
  processed: 'green',
  ignored: 'gray',
  rejected: 'orange',
  dead: 'red',
};

function who(item: InboxItem): string {
  const lead = (item.lead ?? {}) as Record<string, unknown>;
  const parts = [lead.name, lead.phone ?? lead.phone_raw, lead.email ?? lead.email_raw];
  return parts.filter((part): part is string => typeof part === 'string' && part !== '').join(', ');
}

/** Admin screen: every stored inbound request, the dead letters among them, and their retry. */
export function IntakeInbox() {
  const { t, i18n } = useTranslation();
  const [filter, setFilter] = useState<InboxFilter>('all');
  const [open, setOpen] = useState<InboxItem | null>(null);
  const inbox = useInbox(filter);
  const retry = useRetryInboxItem();
  const items = inbox.data?.pages.flatMap((page) => page.items) ?? [];
  const when = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'medium' });

  const onRetry = (item: InboxItem) =>
    retry.mutate(item.id, {
      onSuccess: () => notifications.show({ color: 'green', message: t('intake.retried') }),
      onError: (error) => notifications.show({ color: 'red', message: errorMessage(error, t) }),
    });

  return (
    <Stack>
      <Title order={3}>{t('intake.inboxTitle')}</Title>
      <Text c="dimmed" size="sm">
        {t('intake.inboxIntro')}
      </Text>
      <SegmentedControl
        aria-label={t('intake.filter')}
        value={filter}
        onChange={(value) => setFilter(value)}
        data={FILTERS.map((value) => ({ value, label: t(`intake.filters.${value}`) }))}
      />
      {inbox.isPending && <Loader aria-label={t('intake.loading')} />}
      {inbox.isError && (
        <LoadError
          message={errorMessage(inbox.error, t)}
          onRetry={() => void inbox.refetch()}
          retrying={inbox.isFetching}
        />
      )}
      {inbox.isSuccess && items.length === 0 && <Text>{t('intake.empty')}</Text>}
      {items.length > 0 && (
        <Table data-testid="intake-inbox">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('intake.received')}</Table.Th>
              <Table.Th>{t('intake.source')}</Table.Th>
              <Table.Th>{t('intake.state')}</Table.Th>
              <Table.Th>{t('intake.who')}</Table.Th>
              <Table.Th>{t('intake.reason')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((item) => (
              <Table.Tr key={item.id}>
                <Table.Td>{when.format(new Date(item.received_at))}</Table.Td>
                <Table.Td>
                  {t(`intake.sources.${item.source}`)} · {item.provider}
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Badge
                    color={STATE_COLOR[item.state]}
                    variant="light"
                    tt="none"
                    styles={{ label: { overflow: 'visible' } }}
                  >
                    {t(`intake.filters.${item.state}`)}
                  </Badge>
                  {item.attempts > 0 && (
                    <Text size="xs" c="dimmed">
                      {t('intake.attempts', { count: item.attempts })}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{who(item) || '—'}</Table.Td>
                <Table.Td>
                  <Text size="sm" lineClamp={2}>
                    {item.last_error ?? ''}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Button size="xs" variant="light" onClick={() => setOpen(item)}>
                      {t('intake.details')}
                    </Button>
                    {RETRYABLE.has(item.state) && (
                      <Button
                        size="xs"
                        loading={retry.isPending && retry.variables === item.id}
                        onClick={() => onRetry(item)}
                      >
                        {t('intake.retry')}
                      </Button>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {inbox.hasNextPage && (
        <Button
          variant="default"
          loading={inbox.isFetchingNextPage}
          onClick={() => void inbox.fetchNextPage()}
        >
          {t('intake.more')}
        </Button>
      )}
      <Drawer
        opened={open !== null}
        onClose={() => setOpen(null)}
        position="right"
        size="xl"
        title={t('intake.details')}
      >
        {open && (
          <Stack gap="xs" data-testid="intake-item">
            <Text size="sm">
              {open.content_type ?? '—'} · {t('intake.bytes', { count: open.body_size })} ·{' '}
              {open.remote_addr ?? '—'}
            </Text>
            {open.last_error && <Alert color="orange">{open.last_error}</Alert>}
            <Title order={4}>{t('intake.lead')}</Title>
            <Code block>{JSON.stringify(open.lead ?? null, null, 2)}</Code>
            <Title order={4}>{t('intake.body')}</Title>
            <Code block>{open.body_text}</Code>
            {open.body_truncated && (
              <Text size="xs" c="dimmed">
                {t('intake.truncated')}
              </Text>
            )}
            <Title order={4}>{t('intake.headers')}</Title>
            <Code block>{JSON.stringify(open.headers, null, 2)}</Code>
          </Stack>
        )}
      </Drawer>
    </Stack>
  );
}
