import {
  Anchor,
  Badge,
  Button,
  Card,
  Center,
  Group,
  Loader,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { WorkPanel } from '../activities/WorkPanel';
import { WorkTimeline } from '../activities/WorkTimeline';
import { DealCreate } from '../deals/DealCreate';
import { RelationshipBadge, TemperatureBadge } from './ClientBadges';
import { useClient, useClientTimeline, useUserName, type Client } from './queries';

const LEGAL_FIELDS = ['legal_name', 'inn', 'kpp', 'ogrn', 'edrpou', 'sector'] as const;
const LEGAL_LABELS = {
  legal_name: 'clients.legalName',
  inn: 'clients.inn',
  kpp: 'clients.kpp',
  ogrn: 'clients.ogrn',
  edrpou: 'clients.edrpou',
  sector: 'clients.sector',
} as const satisfies Record<(typeof LEGAL_FIELDS)[number], string>;

export function ClientCard() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const client = useClient(id);

  if (client.isPending) {
    return (
      <Center>
        <Loader />
      </Center>
    );
  }
  if (!client.data) {
    return <Text c="dimmed">{t('errors.loadFailed')}</Text>;
  }
  return <ClientDetails client={client.data} />;
}

function ClientDetails({ client }: { client: Client }) {
  const { t } = useTranslation();
  const responsible = useUserName(client.responsible_id);
  const [creatingDeal, { open: openDeal, close: closeDeal }] = useDisclosure(false);
  return (
    <Stack>
      <Anchor component={Link} to="/clients" size="sm">
        ← {t('clients.back')}
      </Anchor>
      <Group>
        <Title order={2}>{client.name}</Title>
        <RelationshipBadge value={client.relationship_type} />
        <TemperatureBadge value={client.temperature} />
        <Button ml="auto" onClick={openDeal}>
          {t('dealCreate.open')}
        </Button>
      </Group>
      <DealCreate clientId={client.id} opened={creatingDeal} onClose={closeDeal} />

      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        {LEGAL_FIELDS.filter((field) => client[field]).map((field) => (
          <div key={field}>
            <Text size="xs" c="dimmed">
              {t(LEGAL_LABELS[field])}
            </Text>
            <Text>{client[field]}</Text>
          </div>
        ))}
        <div>
          <Text size="xs" c="dimmed">
            {t('clients.responsible')}
          </Text>
          <Text>{responsible.data ?? '—'}</Text>
        </div>
      </SimpleGrid>
      {client.notes ? (
        <div>
          <Text size="xs" c="dimmed">
            {t('clients.notes')}
          </Text>
          <Text style={{ whiteSpace: 'pre-wrap' }}>{client.notes}</Text>
        </div>
      ) : null}

      <Title order={3}>{t('clients.contacts')}</Title>
      {client.contacts.length === 0 ? (
        <Text c="dimmed">{t('clients.noContacts')}</Text>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          {client.contacts.map((contact) => (
            <Card key={contact.id} withBorder>
              <Group gap="xs">
                <Text fw={500}>{contact.full_name}</Text>
                {contact.is_primary ? (
                  <Badge size="xs" variant="outline">
                    {t('clients.primary')}
                  </Badge>
                ) : null}
              </Group>
              {contact.position ? (
                <Text size="sm" c="dimmed">
                  {contact.position}
                </Text>
              ) : null}
              {contact.phones.map((phone) => (
                <Anchor key={phone.e164} href={`tel:${phone.e164}`} size="sm" display="block">
                  {phone.raw || phone.e164}
                </Anchor>
              ))}
              {contact.emails.map((email) => (
                <Anchor key={email} href={`mailto:${email}`} size="sm" display="block">
                  {email}
                </Anchor>
              ))}
            </Card>
          ))}
        </SimpleGrid>
      )}

      <WorkPanel subject={{ clientId: client.id }} />

      <Title order={3}>{t('clients.timeline')}</Title>
      <ClientTimeline clientId={client.id} />
    </Stack>
  );
}

function ClientTimeline({ clientId }: { clientId: string }) {
  const { t } = useTranslation();
  const timeline = useClientTimeline(clientId);
  const items = timeline.data?.pages.flatMap((page) => page.items) ?? [];

  if (timeline.isPending) return <Loader size="sm" />;
  if (items.length === 0) return <Text c="dimmed">{t('clients.noTimeline')}</Text>;
  return (
    <Stack>
      {/* Each deal's item links to the deal page. */}
      <WorkTimeline items={items} linkDeals />
      {timeline.hasNextPage ? (
        <Group>
          <Button
            variant="default"
            loading={timeline.isFetchingNextPage}
            onClick={() => void timeline.fetchNextPage()}
          >
            {t('clients.loadMore')}
          </Button>
        </Group>
      ) : null}
    </Stack>
  );
}
