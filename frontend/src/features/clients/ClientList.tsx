import {
  Anchor,
  Button,
  Center,
  Group,
  Loader,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { LoadError } from '../shell/LoadError';
import { RelationshipBadge, TemperatureBadge } from './ClientBadges';
import { ClientCreate } from './ClientCreate';
import {
  RELATIONSHIP_TYPES,
  TEMPERATURES,
  useClients,
  type RelationshipType,
  type Temperature,
} from './queries';

export function ClientList() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [relationshipType, setRelationshipType] = useState<RelationshipType | null>(null);
  const [temperature, setTemperature] = useState<Temperature | null>(null);
  const clients = useClients({ q, relationshipType, temperature });
  const rows = clients.data?.pages.flatMap((page) => page.items) ?? [];
  const dateFormat = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' });
  const [creating, { open: openCreate, close: closeCreate }] = useDisclosure(false);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('clients.title')}</Title>
        <Button onClick={openCreate}>{t('clientCreate.open')}</Button>
      </Group>
      <ClientCreate opened={creating} onClose={closeCreate} />
      <Group align="end">
        <TextInput
          label={t('clients.search')}
          placeholder={t('clients.searchPlaceholder')}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          type="search"
          miw={280}
        />
        <Select
          label={t('clients.relationshipFilter')}
          data={RELATIONSHIP_TYPES.map((value) => ({ value, label: t(`relationship.${value}`) }))}
          value={relationshipType}
          onChange={setRelationshipType}
          clearable
        />
        <Select
          label={t('clients.temperatureFilter')}
          data={TEMPERATURES.map((value) => ({ value, label: t(`temperature.${value}`) }))}
          value={temperature}
          onChange={setTemperature}
          clearable
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
        <Table highlightOnHover striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('clients.name')}</Table.Th>
              <Table.Th>{t('clients.relationshipType')}</Table.Th>
              <Table.Th>{t('clients.temperature')}</Table.Th>
              <Table.Th>{t('clients.updatedAt')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((client) => (
              <Table.Tr
                key={client.id}
                onClick={() => void navigate(`/clients/${client.id}`)}
                style={{ cursor: 'pointer' }}
              >
                <Table.Td>
                  <Anchor
                    component={Link}
                    to={`/clients/${client.id}`}
                    fw={500}
                    onClick={(event) => event.stopPropagation()}
                  >
                    {client.name}
                  </Anchor>
                  {client.legal_name && client.legal_name !== client.name ? (
                    <Text size="xs" c="dimmed">
                      {client.legal_name}
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td>
                  <RelationshipBadge value={client.relationship_type} />
                </Table.Td>
                <Table.Td>
                  <TemperatureBadge value={client.temperature} />
                </Table.Td>
                <Table.Td>
                  {client.updated_at ? dateFormat.format(new Date(client.updated_at)) : ''}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
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
