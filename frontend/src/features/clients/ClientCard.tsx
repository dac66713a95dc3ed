import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Center,
  Grid,
  Group,
  List,
  Loader,
  Modal,
  Select,
  SimpleGrid,
  Stack,
  Table,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../../api/problem';
import { problemText } from '../../api/problemText';
import { UserSelect } from '../activities/UserSelect';
import { WorkPanel } from '../activities/WorkPanel';
import { WorkTimeline } from '../activities/WorkTimeline';
import { DealConflictModal } from '../deals/DealConflictModal';
import { DealCreate } from '../deals/DealCreate';
import { InlineField } from '../deals/InlineField';
import { ComplaintsPanel } from '../complaints/ComplaintsPanel';
import { KarmaPanel } from '../karma/KarmaPanel';
import { formatMoney } from '../deals/money';
import { LoadError } from '../shell/LoadError';
import { RelationshipBadge, TemperatureBadge } from './ClientBadges';
import { ClientMergeDialog } from './ClientMergeDialog';
import { ContactEditor } from './ContactEditor';
import { formatPhone } from './phone';
import {
  TEXT_FIELDS,
  clientChanges,
  clientFieldLabel,
  clientPatch,
  clientValue,
  type ClientFieldName,
  type CustomField,
} from './clientFields';
import {
  CLIENT_KINDS,
  TEMPERATURES,
  clientKeys,
  duplicateCandidates,
  fetchClient,
  useClient,
  useClientDeals,
  useClientCustomFields,
  useClientTimeline,
  useDeleteContact,
  useUpdateClient,
  type Client,
  type ClientUpdate,
  type Contact,
  type DuplicateCandidate,
} from './queries';
import { CallButton } from '../telephony/CallButton';

const STATUS_COLORS = { open: 'blue', won: 'green', lost: 'red' } as const;

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
    const status = client.error instanceof ApiError ? client.error.status : 0;
    return (
      <Stack>
        {status === 404 ? (
          <Text c="dimmed">{t('clientPage.notFound')}</Text>
        ) : (
          <LoadError retrying={client.isFetching} onRetry={() => void client.refetch()} />
        )}
        <Anchor component={Link} to="/clients">
          ← {t('clients.back')}
        </Anchor>
      </Stack>
    );
  }
  return <ClientDetails key={client.data.id} client={client.data} />;
}

interface Conflict {
  fresh: Client;
  patch: ClientUpdate | null;
}

function ClientDetails({ client }: { client: Client }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const update = useUpdateClient();
  const customFields = useClientCustomFields();
  const definitions = customFields.data ?? [];
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [duplicates, setDuplicates] = useState<{
    candidates: DuplicateCandidate[];
    patch: ClientUpdate;
  } | null>(null);
  const [merging, setMerging] = useState<{ otherId: string | null } | null>(null);
  const [creatingDeal, { open: openDeal, close: closeDeal }] = useDisclosure(false);

  /** A refused write: 412 opens the conflict dialog, 409 the duplicates; else a message. */
  const refused = async (error: unknown, patch: ClientUpdate | null) => {
    if (error instanceof ApiError && error.status === 412) {
      const fresh = await fetchClient(client.id).catch(() => null);
      if (fresh) {
        setConflict({ fresh, patch });
        return;
      }
    }
    const candidates = duplicateCandidates(error);
    if (candidates.length > 0 && patch) {
      setDuplicates({ candidates, patch });
      return;
    }
    notifications.show({
      color: 'red',
      title: t('errors.title'),
      message: problemText(error, t, (field) => clientFieldLabel(field, t, definitions)),
    });
  };

  const save = async (patch: ClientUpdate): Promise<boolean> => {
    try {
      await update.mutateAsync({ client, body: patch });
      setDuplicates(null);
      return true;
    } catch (error) {
      await refused(error, patch);
      return false;
    }
  };

  const reload = () => {
    if (conflict) queryClient.setQueryData(clientKeys.detail(client.id), conflict.fresh);
    setConflict(null);
  };
  const overwrite = async () => {
    if (!conflict?.patch) return;
    const { fresh, patch } = conflict;
    setConflict(null);
    try {
      await update.mutateAsync({ client: fresh, body: patch });
    } catch (error) {
      await refused(error, patch);
    }
  };

  const field = (name: ClientFieldName, display: ReactNode, definition?: CustomField) => (
    <ClientInlineField
      key={name}
      name={name}
      client={client}
      display={display}
      definition={definition}
      definitions={definitions}
      save={save}
    />
  );

  return (
    <Stack>
      <Anchor component={Link} to="/clients" size="sm">
        ← {t('clients.back')}
      </Anchor>
      <Group align="start" justify="space-between">
        <Stack gap={4} style={{ flex: '1 1 20rem' }}>
          {field(
            'name',
            <Title order={2} component="span" role="heading" aria-level={2}>
              {client.name}
            </Title>,
          )}
          <Group gap="xs">
            <RelationshipBadge value={client.relationship_type} />
            <TemperatureBadge value={client.temperature} />
          </Group>
        </Stack>
        <Group gap="xs">
          <Button variant="default" onClick={() => setMerging({ otherId: null })}>
            {t('clientMerge.open')}
          </Button>
          <Button onClick={openDeal}>{t('dealCreate.open')}</Button>
        </Group>
      </Group>
      <DealCreate clientId={client.id} opened={creatingDeal} onClose={closeDeal} />

      {duplicates ? (
        <DuplicateWarning
          candidates={duplicates.candidates}
          saving={update.isPending}
          onSaveAnyway={() => void save({ ...duplicates.patch, confirm_duplicate: true })}
          onMerge={(otherId) => setMerging({ otherId })}
          onClose={() => setDuplicates(null)}
        />
      ) : null}

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack>
            <Card withBorder>
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
                {field('responsible_id', client.responsible_name ?? '—')}
                {field('temperature', t(`temperature.${client.temperature}`))}
                {field('kind', t(`clientKind.${client.kind}`))}
                {field(
                  'segment_tags',
                  client.segment_tags.length > 0 ? (
                    <Group gap={4} component="span">
                      {client.segment_tags.map((tag) => (
                        <Badge key={tag} variant="light" component="span">
                          {tag}
                        </Badge>
                      ))}
                    </Group>
                  ) : (
                    '—'
                  ),
                )}
                {field('source_channel', client.source.channel ?? '—')}
                {field('source_campaign', client.source.campaign ?? '—')}
                {TEXT_FIELDS.map((name) => field(name, client[name] ?? '—'))}
                {definitions.map((definition) =>
                  field(
                    `custom:${definition.key}`,
                    clientValue(`custom:${definition.key}`, client) || '—',
                    definition,
                  ),
                )}
              </SimpleGrid>
              <div style={{ marginTop: 'var(--mantine-spacing-md)' }}>
                {field(
                  'notes',
                  client.notes ? (
                    <span style={{ whiteSpace: 'pre-wrap' }}>{client.notes}</span>
                  ) : (
                    '—'
                  ),
                )}
              </div>
            </Card>

            <ClientContacts client={client} />

            <Title order={3}>{t('clientPage.deals')}</Title>
            <ClientDeals clientId={client.id} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack>
            <WorkPanel subject={{ clientId: client.id }} />
            <KarmaPanel clientId={client.id} />
            <ComplaintsPanel clientId={client.id} />
            <Title order={3}>{t('clients.timeline')}</Title>
            <ClientTimeline clientId={client.id} />
          </Stack>
        </Grid.Col>
      </Grid>

      {conflict ? (
        <DealConflictModal
          title={t('clientPage.conflictTitle')}
          text={t('clientPage.conflictText')}
          changes={clientChanges(client, conflict.fresh, t, definitions)}
          onReload={reload}
          onOverwrite={conflict.patch ? () => void overwrite() : undefined}
          overwriting={update.isPending}
          onClose={reload}
        />
      ) : null}
      {merging ? (
        <ClientMergeDialog
          firstId={client.id}
          otherId={merging.otherId}
          onClose={() => setMerging(null)}
          onMerged={(survivor) => {
            setMerging(null);
            setDuplicates(null);
            if (survivor.id !== client.id) void navigate(`/clients/${survivor.id}`);
          }}
        />
      ) : null}
    </Stack>
  );
}

function ClientInlineField({
  name,
  client,
  display,
  definition,
  definitions,
  save,
}: {
  name: ClientFieldName;
  client: Client;
  display: ReactNode;
  definition?: CustomField;
  definitions: CustomField[];
  save: (patch: ClientUpdate) => Promise<boolean>;
}) {
  const { t } = useTranslation();
  const label = clientFieldLabel(name, t, definitions);
  return (
    <InlineField<ClientUpdate>
      label={label}
      display={display}
      initial={clientValue(name, client)}
      testId={`client-field-${name}`}
      toPatch={(value) => clientPatch(name, value, client, t, definition)}
      save={save}
      editor={({ value, onChange, error }) => (
        <ClientFieldInput
          name={name}
          label={label}
          definition={definition}
          value={value}
          onChange={onChange}
          error={error}
        />
      )}
    />
  );
}

function ClientFieldInput({
  name,
  label,
  definition,
  value,
  onChange,
  error,
}: {
  name: ClientFieldName;
  label: string;
  definition?: CustomField;
  value: string;
  onChange: (value: string) => void;
  error: string | null;
}) {
  const { t } = useTranslation();
  if (name === 'responsible_id') {
    return (
      <UserSelect
        label={label}
        value={value || null}
        onChange={(next) => onChange(next ?? '')}
        error={error}
      />
    );
  }
  const options =
    name === 'temperature'
      ? TEMPERATURES.map((item) => ({ value: item, label: t(`temperature.${item}`) }))
      : name === 'kind'
        ? CLIENT_KINDS.map((item) => ({ value: item, label: t(`clientKind.${item}`) }))
        : definition?.type === 'enum'
          ? definition.options
          : null;
  if (options) {
    return (
      <Select
        label={label}
        data={options}
        value={value || null}
        onChange={(next) => onChange(next ?? '')}
        allowDeselect={!(name === 'temperature' || name === 'kind')}
        clearable={definition?.type === 'enum' && !definition.required}
        error={error}
        autoFocus
      />
    );
  }
  if (name === 'segment_tags') {
    return (
      <TagsInput
        label={label}
        value={value ? value.split('\n') : []}
        onChange={(tags) => onChange(tags.join('\n'))}
        maxTags={50}
        error={error}
        autoFocus
      />
    );
  }
  if (name === 'notes') {
    return (
      <Textarea
        label={label}
        value={value}
        onChange={(event) => onChange(event.currentTarget.value)}
        autosize
        minRows={3}
        error={error}
        autoFocus
      />
    );
  }
  const numeric = ['inn', 'kpp', 'ogrn', 'edrpou'].includes(name);
  return (
    <TextInput
      label={label}
      type={definition?.type === 'date' ? 'date' : 'text'}
      inputMode={
        numeric || definition?.type === 'number' || definition?.type === 'money'
          ? 'decimal'
          : undefined
      }
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      error={error}
      autoFocus
    />
  );
}

function DuplicateWarning({
  candidates,
  saving,
  onSaveAnyway,
  onMerge,
  onClose,
}: {
  candidates: DuplicateCandidate[];
  saving: boolean;
  onSaveAnyway: () => void;
  onMerge: (otherId: string) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Alert
      color="yellow"
      role="alert"
      title={t('clientPage.duplicateTitle')}
      withCloseButton
      onClose={onClose}
    >
      <Stack gap="xs">
        <List size="sm">
          {candidates.map((candidate) => (
            <List.Item key={candidate.id}>
              <Group gap="xs">
                <Anchor component={Link} to={`/clients/${candidate.client_id ?? candidate.id}`}>
                  {candidate.name}
                </Anchor>
                <Text size="sm" span c="dimmed">
                  {candidate.reasons.map((reason) => t(`duplicateReason.${reason}`)).join(', ')}
                </Text>
                <Button
                  size="compact-xs"
                  variant="light"
                  onClick={() => onMerge(candidate.client_id ?? candidate.id)}
                >
                  {t('clientMerge.open')}
                </Button>
              </Group>
            </List.Item>
          ))}
        </List>
        <Group>
          <Button size="xs" variant="light" color="yellow" loading={saving} onClick={onSaveAnyway}>
            {t('clientPage.saveAnyway')}
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}

function ClientContacts({ client }: { client: Client }) {
  const { t } = useTranslation();
  const remove = useDeleteContact(client.id);
  const [editing, setEditing] = useState<{ contact: Contact | null } | null>(null);

  const [removing, setRemoving] = useState<Contact | null>(null);
  const confirmRemove = () => {
    if (!removing) return;
    remove.mutate(removing, {
      onSuccess: () => setRemoving(null),
      onError: (error) => {
        setRemoving(null);
        notifications.show({
          color: 'red',
          title: t('errors.title'),
          message: problemText(error, t),
        });
      },
    });
  };

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={3}>{t('clients.contacts')}</Title>
        <Button size="xs" variant="light" onClick={() => setEditing({ contact: null })}>
          {t('clientPage.addContact')}
        </Button>
      </Group>
      {client.contacts.length === 0 ? (
        <Text c="dimmed">{t('clients.noContacts')}</Text>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {client.contacts.map((contact) => (
            <Card key={contact.id} withBorder data-testid="client-contact">
              <Group gap="xs" justify="space-between" wrap="nowrap">
                <Group gap="xs">
                  <Text fw={500}>{contact.full_name}</Text>
                  {contact.is_primary ? (
                    <Badge size="xs" variant="outline">
                      {t('clients.primary')}
                    </Badge>
                  ) : null}
                </Group>
                <Group gap={4} wrap="nowrap">
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    onClick={() => setEditing({ contact })}
                    aria-label={t('clientPage.editContactOf', { name: contact.full_name })}
                  >
                    {t('clientPage.edit')}
                  </Button>
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    color="red"
                    onClick={() => setRemoving(contact)}
                    aria-label={t('clientPage.removeContactOf', { name: contact.full_name })}
                  >
                    {t('clientPage.remove')}
                  </Button>
                </Group>
              </Group>
              {contact.position ? (
                <Text size="sm" c="dimmed">
                  {contact.position}
                </Text>
              ) : null}
              {contact.phones.map((phone) => (
                <Group key={phone.e164} gap={4} wrap="nowrap">
                  <Anchor href={`tel:${phone.e164}`} size="sm">
                    {formatPhone(phone.e164)}
                  </Anchor>
                  <CallButton phone={phone.e164} clientId={client.id} />
                </Group>
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
      <Modal
        opened={removing !== null}
        onClose={() => setRemoving(null)}
        title={t('clientPage.removeContactTitle')}
      >
        <Stack>
          <Text size="sm">
            {t('clientPage.removeContactText', { name: removing?.full_name ?? '' })}
          </Text>
          <Group justify="end">
            <Button variant="default" onClick={() => setRemoving(null)}>
              {t('deals.cancel')}
            </Button>
            <Button color="red" loading={remove.isPending} onClick={confirmRemove}>
              {t('clientPage.removeContact')}
            </Button>
          </Group>
        </Stack>
      </Modal>
      {editing ? (
        <ContactEditor
          clientId={client.id}
          contact={editing.contact}
          onClose={() => setEditing(null)}
        />
      ) : null}
    </Stack>
  );
}

function ClientDeals({ clientId }: { clientId: string }) {
  const { t, i18n } = useTranslation();
  const deals = useClientDeals(clientId);
  if (deals.isPending) return <Loader size="sm" />;
  if (deals.isError) {
    return <LoadError retrying={deals.isFetching} onRetry={() => void deals.refetch()} />;
  }
  if (deals.data.length === 0) return <Text c="dimmed">{t('clientPage.noDeals')}</Text>;
  return (
    <Table.ScrollContainer minWidth={420}>
      <Table highlightOnHover data-testid="client-deals">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('clientPage.dealTitle')}</Table.Th>
            <Table.Th>{t('dealPage.stage')}</Table.Th>
            <Table.Th ta="right">{t('clientPage.dealAmount')}</Table.Th>
            <Table.Th>{t('dealPage.status')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {deals.data.map((deal) => (
            <Table.Tr key={deal.id}>
              <Table.Td>
                <Anchor component={Link} to={`/deals/${deal.id}`}>
                  {deal.title}
                </Anchor>
              </Table.Td>
              <Table.Td>{deal.stage_name}</Table.Td>
              <Table.Td ta="right">
                {formatMoney(deal.amount, deal.currency, i18n.language)}
              </Table.Td>
              <Table.Td>
                <Badge color={STATUS_COLORS[deal.status]} variant="light">
                  {t(`dealPage.statusName.${deal.status}`)}
                </Badge>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function ClientTimeline({ clientId }: { clientId: string }) {
  const { t } = useTranslation();
  const timeline = useClientTimeline(clientId);
  const items = timeline.data?.pages.flatMap((page) => page.items) ?? [];

  if (timeline.isPending) return <Loader size="sm" />;
  if (timeline.isError && items.length === 0) {
    return <LoadError retrying={timeline.isFetching} onRetry={() => void timeline.refetch()} />;
  }
  if (items.length === 0) return <Text c="dimmed">{t('clients.noTimeline')}</Text>;
  return (
    <Stack>
      {/* Each deal's item names the deal and links to its page. */}
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
