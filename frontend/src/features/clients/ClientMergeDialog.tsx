import {
  Alert,
  Button,
  Group,
  Loader,
  Modal,
  Radio,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadError } from '../shell/LoadError';
import { problemText } from '../../api/problemText';
import {
  useClients,
  useMergeClients,
  useMergePreview,
  type Client,
  type MergePreview,
} from './queries';

const MOVES = ['contacts', 'deals', 'tasks', 'activities', 'comments', 'attachments'] as const;

/**
 * Merging two clients: the user picks the one that stays, sees what moves from the other and
 * which empty fields it fills, and confirms. Without `otherId` the other client is searched
 * for by name, phone or tax id first.
 */
export function ClientMergeDialog({
  firstId,
  otherId: givenOther = null,
  onClose,
  onMerged,
}: {
  firstId: string;
  otherId?: string | null;
  onClose: () => void;
  onMerged: (survivor: Client) => void;
}) {
  const { t } = useTranslation();
  const [otherId, setOtherId] = useState<string | null>(givenOther);
  const [survivorId, setSurvivorId] = useState(firstId);
  const mergedId = survivorId === firstId ? otherId : firstId;
  const preview = useMergePreview(otherId ? survivorId : null, mergedId);
  const merge = useMergeClients();

  const confirm = () => {
    if (!preview.data || !mergedId) return;
    merge.mutate(
      { survivor: preview.data.survivor, otherId: mergedId },
      {
        onSuccess: (survivor) => {
          notifications.show({
            color: 'green',
            message: t('clientMerge.done', { name: survivor.name }),
          });
          onMerged(survivor);
        },
      },
    );
  };

  return (
    <Modal opened onClose={onClose} title={t('clientMerge.title')} size="xl">
      <Stack data-testid="client-merge">
        {otherId === null ? (
          <OtherPicker exclude={firstId} onPick={setOtherId} />
        ) : preview.isPending ? (
          <Loader size="sm" />
        ) : preview.isError ? (
          <LoadError
            message={problemText(preview.error, t)}
            onRetry={() => void preview.refetch()}
            retrying={preview.isFetching}
          />
        ) : (
          <Comparison
            preview={preview.data}
            survivorId={survivorId}
            onSurvivor={(id) => {
              merge.reset();
              setSurvivorId(id);
            }}
          />
        )}
        {merge.isError ? <Alert color="red">{problemText(merge.error, t)}</Alert> : null}
        <Group justify="end">
          <Button variant="default" onClick={onClose}>
            {t('clientMerge.cancel')}
          </Button>
          <Button
            color="orange"
            disabled={!preview.data}
            loading={merge.isPending}
            onClick={confirm}
          >
            {t('clientMerge.confirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function OtherPicker({ exclude, onPick }: { exclude: string; onPick: (id: string) => void }) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const found = useClients({ q, relationshipType: null, temperature: null });
  const options = (found.data?.pages.flatMap((page) => page.items) ?? [])
    .filter((client) => client.id !== exclude)
    .map((client) => ({ value: client.id, label: client.name }));
  return (
    <Select
      label={t('clientMerge.pickOther')}
      placeholder={t('clients.searchPlaceholder')}
      data={options}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options: all }) => all}
      nothingFoundMessage={
        found.isError
          ? t('errors.loadFailed')
          : found.isFetching
            ? t('clientMerge.searching')
            : t('clients.empty')
      }
      onChange={(value) => value && onPick(value)}
      data-autofocus
    />
  );
}

function Comparison({
  preview,
  survivorId,
  onSurvivor,
}: {
  preview: MergePreview;
  survivorId: string;
  onSurvivor: (id: string) => void;
}) {
  const { t } = useTranslation();
  const { survivor, other } = preview;
  const moving = MOVES.filter((kind) => (preview.moves[kind] ?? 0) > 0);
  return (
    <Stack>
      <Radio.Group
        label={t('clientMerge.keep')}
        value={survivorId}
        onChange={onSurvivor}
        name="survivor"
      >
        <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs">
          {[survivor, other]
            .sort((a, b) => (a.id === survivorId ? -1 : b.id === survivorId ? 1 : 0))
            .map((client) => (
              <Radio
                key={client.id}
                value={client.id}
                label={client.name}
                description={[
                  client.responsible_name,
                  client.inn ? `${t('clients.inn')} ${client.inn}` : null,
                  t('clientMerge.contactCount', { count: client.contacts.length }),
                ]
                  .filter(Boolean)
                  .join(' · ')}
              />
            ))}
        </SimpleGrid>
      </Radio.Group>
      <Text size="sm">
        {t('clientMerge.explain', { other: other.name, survivor: survivor.name })}
      </Text>
      {moving.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('clientMerge.nothingMoves')}
        </Text>
      ) : (
        <Table withTableBorder data-testid="merge-moves">
          <Table.Tbody>
            {moving.map((kind) => (
              <Table.Tr key={kind}>
                <Table.Td>{t(`clientMerge.moves.${kind}`)}</Table.Td>
                <Table.Td ta="right">{preview.moves[kind]}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {preview.filled.length > 0 ? (
        <Text size="sm">
          {t('clientMerge.filled', {
            fields: preview.filled
              .map((field) => t(`clientMerge.field.${field}`, { defaultValue: field }))
              .join(', '),
          })}
        </Text>
      ) : null}
      {survivor.responsible_id !== other.responsible_id ? (
        <Alert color="yellow">
          {t('clientMerge.responsibleKept', {
            name: survivor.responsible_name ?? '—',
            other: other.responsible_name ?? '—',
          })}
        </Alert>
      ) : null}
      <Alert color="orange">{t('clientMerge.irreversible', { name: other.name })}</Alert>
    </Stack>
  );
}
