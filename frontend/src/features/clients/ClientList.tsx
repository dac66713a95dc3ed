import {
  Alert,
  Anchor,
  Button,
  Center,
  Group,
  Loader,
  Menu,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { problemText } from '../../api/problemText';
import { UserSelect } from '../activities/UserSelect';
import { seesTeam, useMe } from '../auth/queries';
import { SavedFilters } from '../savedFilters/SavedFilters';
import { holds } from '../settings/sections';
import { LoadError } from '../shell/LoadError';
import { VirtualRows } from '../shell/VirtualRows';
import { RelationshipBadge, TemperatureBadge } from './ClientBadges';
import { ClientCreate } from './ClientCreate';
import { highlightPhone, highlightWords, matchesWords } from './highlight';
import { formatPhone } from './phone';
import {
  RELATIONSHIP_TYPES,
  TEMPERATURES,
  useClientCount,
  useClients,
  useExportClients,
  type Client,
  type ClientFilters,
  type ClientSort,
  type RelationshipType,
  type Temperature,
} from './queries';
import { CallButton } from '../telephony/CallButton';

const SORTS = [
  'name',
  '-name',
  '-created_at',
  'created_at',
  '-updated_at',
  '-last_activity_at',
  'last_activity_at',
  'next_task_at',
  '-next_task_at',
] as const satisfies readonly ClientSort[];
// A sortable header's first click, and its second (the other direction; a third goes back to
// the name). Recent activity and the nearest task come first, as a seller looks for them.
const HEADER_SORTS = {
  name: ['name', '-name'],
  last_activity_at: ['-last_activity_at', 'last_activity_at'],
  next_task_at: ['next_task_at', '-next_task_at'],
  updated_at: ['-updated_at', 'updated_at'],
} as const satisfies Record<string, readonly [ClientSort, ClientSort]>;
type SortableColumn = keyof typeof HEADER_SORTS;
const COLUMNS = 8;

const isOneOf = <T extends string>(list: readonly T[], value: string | null): value is T =>
  value !== null && (list as readonly string[]).includes(value);

/** The list's filters as they stand in the URL (so they can be shared, saved and reloaded). */
function filtersOf(params: URLSearchParams): ClientFilters {
  const relationship = params.get('relationship_type');
  const temperature = params.get('temperature');
  const sort = params.get('sort');
  return {
    q: params.get('q')?.trim() ?? '',
    relationshipType: isOneOf(RELATIONSHIP_TYPES, relationship) ? relationship : null,
    temperature: isOneOf(TEMPERATURES, temperature) ? temperature : null,
    responsibleId: params.get('responsible_id') || null,
    sort: isOneOf(SORTS, sort) ? sort : 'name',
  };
}

export function ClientList() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const me = useMe();
  const filters = filtersOf(params);
  const [search, setSearch] = useState(filters.q);
  const [q] = useDebouncedValue(search.trim(), 300);
  const [creating, { open: openCreate, close: closeCreate }] = useDisclosure(false);

  const setParam = (name: string, value: string | null) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: name === 'q' },
    );

  // The typed search reaches the URL after the debounce; a URL changed from outside (a saved
  // filter, the back button) brings its text into the box.
  useEffect(() => {
    if (q !== filters.q) setParam('q', q || null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q]);
  const [shownQ, setShownQ] = useState(filters.q);
  if (shownQ !== filters.q) {
    setShownQ(filters.q);
    if (search.trim() !== filters.q) setSearch(filters.q);
  }

  const clients = useClients(filters);
  const count = useClientCount(filters);
  const rows = clients.data?.pages.flatMap((page) => page.items) ?? [];
  const exportClients = useExportClients();
  const dateFormat = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' });
  const timeFormat = new Intl.DateTimeFormat(i18n.language, {
    dateStyle: 'short',
    timeStyle: 'short',
  });

  const sortBy = (column: SortableColumn) => {
    const current = filters.sort ?? 'name';
    const [first, second] = HEADER_SORTS[column];
    const next: ClientSort =
      current === first ? second : current === second && column !== 'name' ? 'name' : first;
    setParam('sort', next === 'name' ? null : next);
  };
  const arrow = (column: SortableColumn) => {
    const current = filters.sort ?? 'name';
    const [first, second] = HEADER_SORTS[column];
    if (current !== first && current !== second) return '';
    return current.startsWith('-') ? ' ↓' : ' ↑';
  };
  const sortHeader = (column: SortableColumn, label: string) => {
    const current = filters.sort ?? 'name';
    const active = (HEADER_SORTS[column] as readonly ClientSort[]).includes(current);
    return (
      <Table.Th
        aria-sort={active ? (current.startsWith('-') ? 'descending' : 'ascending') : undefined}
      >
        <UnstyledButton onClick={() => sortBy(column)} fw={700} fz="sm">
          {label}
          {arrow(column)}
        </UnstyledButton>
      </Table.Th>
    );
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Group gap="xs" align="baseline">
          <Title order={2}>{t('clients.title')}</Title>
          {count.data ? (
            <Text c="dimmed" data-testid="client-count">
              {t(count.data.capped ? 'clientList.totalCapped' : 'clientList.total', {
                count: count.data.total,
              })}
            </Text>
          ) : null}
        </Group>
        <Group gap="xs">
          <Button variant="default" component={Link} to="/clients/duplicates">
            {t('clientList.duplicates')}
          </Button>
          {holds(me.data, 'imports:run') && (
            <Button variant="default" component={Link} to="/imports/new?entity=clients">
              {t('imports.open')}
            </Button>
          )}
          <Menu position="bottom-end">
            <Menu.Target>
              <Button variant="default" loading={exportClients.isPending}>
                {t('clientList.export')}
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item onClick={() => exportClients.mutate({ filters, format: 'xlsx' })}>
                {t('clientList.exportXlsx')}
              </Menu.Item>
              <Menu.Item onClick={() => exportClients.mutate({ filters, format: 'csv' })}>
                {t('clientList.exportCsv')}
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
          <Button onClick={openCreate}>{t('clientCreate.open')}</Button>
        </Group>
      </Group>
      <ClientCreate opened={creating} onClose={closeCreate} />
      {exportClients.isError ? (
        <Alert color="red">
          {t('clientList.exportFailed')}: {problemText(exportClients.error, t)}
        </Alert>
      ) : null}
      <Group align="end" wrap="wrap">
        <TextInput
          label={t('clients.search')}
          placeholder={t('clients.searchPlaceholder')}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          type="search"
          style={{ flex: '1 1 16rem' }}
        />
        <Select
          label={t('clients.relationshipFilter')}
          data={RELATIONSHIP_TYPES.map((value) => ({ value, label: t(`relationship.${value}`) }))}
          value={filters.relationshipType}
          onChange={(value: RelationshipType | null) => setParam('relationship_type', value)}
          clearable
          w={170}
        />
        <Select
          label={t('clients.temperatureFilter')}
          data={TEMPERATURES.map((value) => ({ value, label: t(`temperature.${value}`) }))}
          value={filters.temperature}
          onChange={(value: Temperature | null) => setParam('temperature', value)}
          clearable
          w={150}
        />
        {me.data && seesTeam(me.data) && (
          <div style={{ width: 200 }}>
            <UserSelect
              label={t('clients.responsible')}
              value={filters.responsibleId ?? null}
              onChange={(value) => setParam('responsible_id', value)}
              clearable
              ownersOf="clients"
            />
          </div>
        )}
        <Select
          label={t('clientList.sort')}
          data={SORTS.map((value) => ({ value, label: t(`clientList.sorts.${value}`) }))}
          value={filters.sort ?? 'name'}
          onChange={(value) => setParam('sort', value === 'name' ? null : value)}
          allowDeselect={false}
          w={190}
        />
        <SavedFilters
          list="clients"
          query={params.toString()}
          onOpen={(query) => setParams(query)}
        />
      </Group>

      {clients.isPending ? (
        <Center>
          <Loader />
        </Center>
      ) : clients.isError && rows.length === 0 ? (
        // A failed load is not "no clients".
        <LoadError retrying={clients.isFetching} onRetry={() => void clients.refetch()} />
      ) : rows.length === 0 ? (
        <Text c="dimmed">{t('clients.empty')}</Text>
      ) : (
        <VirtualRows
          rows={rows}
          rowKey={(client) => client.id}
          columns={COLUMNS}
          scrollerTestId="client-scroller"
          tableProps={{ miw: 960, 'data-testid': 'client-list', 'data-q': filters.q }}
          hasMore={clients.hasNextPage}
          loadingMore={clients.isFetchingNextPage}
          failed={clients.isFetchNextPageError}
          onMore={() => void clients.fetchNextPage()}
          onOpen={(client) => void navigate(`/clients/${client.id}`)}
          header={
            <Table.Tr>
              {sortHeader('name', t('clients.name'))}
              <Table.Th>{t('clientList.phone')}</Table.Th>
              <Table.Th>{t('clients.responsible')}</Table.Th>
              <Table.Th>{t('clients.relationshipType')}</Table.Th>
              <Table.Th>{t('clients.temperature')}</Table.Th>
              {sortHeader('last_activity_at', t('clientList.lastActivity'))}
              {sortHeader('next_task_at', t('clientList.nextTask'))}
              {sortHeader('updated_at', t('clients.updatedAt'))}
            </Table.Tr>
          }
          renderRow={(client) => (
            <>
              <Table.Td>
                <Anchor
                  component={Link}
                  to={`/clients/${client.id}`}
                  fw={500}
                  onClick={(event) => event.stopPropagation()}
                >
                  {highlightWords(client.name, filters.q)}
                </Anchor>
                {client.legal_name && client.legal_name !== client.name ? (
                  <Text size="xs" c="dimmed">
                    {highlightWords(client.legal_name, filters.q)}
                  </Text>
                ) : null}
                <ContactMatch client={client} q={filters.q} />
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <PhoneCell client={client} q={filters.q} />
              </Table.Td>
              <Table.Td>{client.responsible_name ?? '—'}</Table.Td>
              <Table.Td>
                <RelationshipBadge value={client.relationship_type} />
              </Table.Td>
              <Table.Td>
                <TemperatureBadge value={client.temperature} />
              </Table.Td>
              <Table.Td>
                {client.last_activity_at
                  ? timeFormat.format(new Date(client.last_activity_at))
                  : '—'}
              </Table.Td>
              <Table.Td>
                {client.next_task_title ? (
                  <>
                    <Text size="sm" lineClamp={1}>
                      {client.next_task_title}
                    </Text>
                    {client.next_task_at ? (
                      <Text
                        size="xs"
                        c={new Date(client.next_task_at) < new Date() ? 'red' : 'dimmed'}
                      >
                        {timeFormat.format(new Date(client.next_task_at))}
                      </Text>
                    ) : null}
                  </>
                ) : (
                  <Text size="sm" c="orange">
                    {t('clientList.noTask')}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                {client.updated_at ? dateFormat.format(new Date(client.updated_at)) : ''}
              </Table.Td>
            </>
          )}
        />
      )}

      {clients.hasNextPage ? (
        <Group justify="center">
          <Button
            variant="default"
            loading={clients.isFetchingNextPage}
            onClick={() => void clients.fetchNextPage()}
          >
            {t('clients.loadMore')}
          </Button>
        </Group>
      ) : null}
      {clients.isFetchNextPageError ? (
        <LoadError retrying={clients.isFetching} onRetry={() => void clients.fetchNextPage()} />
      ) : null}
    </Stack>
  );
}

/** When the search matched a contact's name or e-mail rather than the client's name, which. */
function ContactMatch({ client, q }: { client: Client; q: string }) {
  const { t } = useTranslation();
  if (!q || matchesWords(client.name, q) || matchesWords(client.legal_name ?? '', q)) return null;
  const lowered = q.trim().toLowerCase();
  for (const contact of client.contacts) {
    const email = contact.emails.find((address) => address.includes(lowered));
    if (matchesWords(contact.full_name, q) || email) {
      return (
        <Text size="xs" c="dimmed">
          {t('clientList.matchedContact')}: {highlightWords(contact.full_name, q)}
          {email ? (
            <>
              {' · '}
              <mark>{email}</mark>
            </>
          ) : null}
        </Text>
      );
    }
  }
  return null;
}

/** The first phone of the primary (else the first) contact; a matching one when searching. */
function PhoneCell({ client, q }: { client: Client; q: string }) {
  const contacts = [...client.contacts].sort((a, b) => Number(b.is_primary) - Number(a.is_primary));
  const phones = contacts.flatMap((contact) => contact.phones.map((phone) => phone.e164));
  const digits = q.replace(/\D/g, '');
  const wanted =
    digits.length >= 3
      ? phones.find((phone) => phone.includes(digits) || phone.includes(`7${digits.slice(1)}`))
      : undefined;
  const phone = wanted ?? phones[0];
  if (!phone) return <>—</>;
  const text = formatPhone(phone);
  return (
    <Group gap={4} wrap="nowrap">
      <Anchor href={`tel:${phone}`} size="sm" onClick={(event) => event.stopPropagation()}>
        {highlightPhone(text, q)}
      </Anchor>
      <CallButton phone={phone} clientId={client.id} />
    </Group>
  );
}
