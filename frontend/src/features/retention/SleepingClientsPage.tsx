import {
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { errorMessage } from '../../api/problem';
import { UserSelect } from '../activities/UserSelect';
import { seesTeam, useMe } from '../auth/queries';
import { type RelationshipType, RELATIONSHIP_TYPES } from '../clients/queries';
import { LoadError } from '../shell/LoadError';
import {
  type RetentionSettings,
  SEGMENT_MAX_LENGTH,
  type SleepingFilters,
  useRetentionSettings,
  useSleepingClients,
} from './queries';
import { RetentionTabs } from './RetentionTabs';

function filtersOf(params: URLSearchParams): SleepingFilters {
  return {
    segment: params.get('segment')?.trim() || null,
    responsibleId: params.get('responsible_id') || null,
  };
}

/**
 * Current and permanent clients who have bought nothing (no won deal) for longer than their
 * limit, longest asleep first: the ones a daily job gives their responsible a reactivation task
 * for.
 */
export function SleepingClientsPage() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const me = useMe();
  const settings = useRetentionSettings();
  const [search, setSearch] = useState(filters.segment ?? '');
  const [segment] = useDebouncedValue(search.trim(), 300);

  const setParam = (name: string, value: string | null) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: true },
    );

  // The typed segment reaches the address after the debounce; an address changed from outside
  // (the back button, a link) brings its segment into the box.
  useEffect(() => {
    if (segment !== (filters.segment ?? '')) setParam('segment', segment || null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [segment]);
  const [shownSegment, setShownSegment] = useState(filters.segment);
  if (shownSegment !== filters.segment) {
    setShownSegment(filters.segment);
    if (search.trim() !== (filters.segment ?? '')) setSearch(filters.segment ?? '');
  }

  const clients = useSleepingClients(filters);
  const rows = clients.data?.pages.flatMap((page) => page.items) ?? [];
  // Every page repeats the count; the latest one is the freshest.
  const total = clients.data?.pages.at(-1)?.total;
  const days = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' });
  const numbers = new Intl.NumberFormat(i18n.language);
  const relationship = (value: string) =>
    RELATIONSHIP_TYPES.includes(value as RelationshipType)
      ? t(`relationship.${value as RelationshipType}`)
      : value;

  return (
    <Stack>
      <Title order={2}>{t('retention.title')}</Title>
      <RetentionTabs current="sleeping" />
      <SleepingRule settings={settings.data} />
      <Group align="flex-end" wrap="wrap">
        <TextInput
          label={t('retention.sleeping.segment')}
          placeholder={t('retention.sleeping.segmentPlaceholder')}
          value={search}
          maxLength={SEGMENT_MAX_LENGTH}
          onChange={(event) => setSearch(event.currentTarget.value)}
          type="search"
          w={240}
        />
        {me.data && seesTeam(me.data) && (
          <div style={{ width: 240 }}>
            <UserSelect
              label={t('retention.sleeping.responsible')}
              value={filters.responsibleId}
              onChange={(value) => setParam('responsible_id', value)}
              clearable
              ownersOf="clients"
            />
          </div>
        )}
      </Group>
      {clients.isPending && <Loader aria-label={t('retention.loading')} />}
      {clients.isError && !clients.isFetchNextPageError && (
        <LoadError
          message={errorMessage(clients.error, t)}
          onRetry={() => void clients.refetch()}
          retrying={clients.isFetching}
        />
      )}
      {clients.isSuccess && rows.length === 0 && (
        <Text c="dimmed">
          {filters.segment || filters.responsibleId
            ? t('retention.sleeping.emptyFiltered')
            : t('retention.sleeping.empty')}
        </Text>
      )}
      {rows.length > 0 && total !== undefined && (
        <Text size="sm" data-testid="sleeping-total">
          {t('retention.sleeping.total', {
            shown: numbers.format(rows.length),
            count: numbers.format(total),
          })}
        </Text>
      )}
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table striped withTableBorder aria-label={t('retention.sleeping.tableLabel')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('retention.client')}</Table.Th>
                <Table.Th>{t('retention.sleeping.relationship')}</Table.Th>
                <Table.Th>{t('retention.sleeping.segments')}</Table.Th>
                <Table.Th>{t('retention.sleeping.responsible')}</Table.Th>
                <Table.Th>{t('retention.sleeping.lastPurchase')}</Table.Th>
                <Table.Th ta="right">{t('retention.sleeping.daysWithout')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((client) => (
                <Table.Tr key={client.client_id} data-testid="sleeping-row">
                  <Table.Td>
                    <Anchor component={Link} to={`/clients/${client.client_id}`}>
                      {client.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{relationship(client.relationship_type)}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {client.segment_tags.map((tag) => (
                        <Badge key={tag} variant="light" color="gray">
                          {tag}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>{client.responsible_name ?? ''}</Table.Td>
                  <Table.Td>{days.format(new Date(client.last_purchase_at))}</Table.Td>
                  <Table.Td ta="right">
                    {t('retention.sleeping.daysOf', {
                      days: numbers.format(client.days_without_purchase),
                      limit: numbers.format(client.sleeping_days),
                    })}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {clients.hasNextPage && (
        <Group justify="center">
          <Button
            variant="default"
            loading={clients.isFetchingNextPage}
            onClick={() => void clients.fetchNextPage()}
          >
            {t('retention.showMore')}
          </Button>
        </Group>
      )}
      {clients.isFetchNextPageError && (
        <LoadError retrying={clients.isFetching} onRetry={() => void clients.fetchNextPage()} />
      )}
    </Stack>
  );
}

/** The rule the list follows, with the organisation's own days when they are read. */
function SleepingRule({ settings }: { settings: RetentionSettings | undefined }) {
  const { t } = useTranslation();
  const segments = Object.entries(settings?.sleeping_days_by_segment ?? {});
  return (
    <Stack gap={4}>
      <Text size="sm" c="dimmed" data-testid="sleeping-rule">
        {settings
          ? t('retention.sleeping.hint', { days: settings.sleeping_days })
          : t('retention.sleeping.hintGeneral')}
      </Text>
      {segments.length > 0 && (
        <Text size="sm" c="dimmed">
          {t('retention.sleeping.segmentDays', {
            list: segments
              .map(([name, days]) => t('retention.sleeping.segmentDay', { name, days }))
              .join(', '),
          })}
        </Text>
      )}
    </Stack>
  );
}
