import { Anchor, Button, Center, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { LoadError } from '../shell/LoadError';
import { ClientMergeDialog } from './ClientMergeDialog';
import { useDuplicates, useUserName, type DuplicatePair } from './queries';

/** Pairs of clients that look like one (a shared phone, e-mail, tax id or a similar name),
 * each with a button that opens the merge dialog. */
export function ClientDuplicates() {
  const { t } = useTranslation();
  const duplicates = useDuplicates();
  const pairs = duplicates.data?.pages.flatMap((page) => page.items) ?? [];
  const [merging, setMerging] = useState<DuplicatePair | null>(null);

  return (
    <Stack>
      <Anchor component={Link} to="/clients" size="sm">
        ← {t('clients.back')}
      </Anchor>
      <Title order={2}>{t('clientList.duplicatesTitle')}</Title>
      {duplicates.isPending ? (
        <Center>
          <Loader />
        </Center>
      ) : duplicates.isError && pairs.length === 0 ? (
        <LoadError retrying={duplicates.isFetching} onRetry={() => void duplicates.refetch()} />
      ) : pairs.length === 0 ? (
        <Text c="dimmed">{t('clientList.noDuplicates')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped data-testid="duplicate-pairs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('clientList.first')}</Table.Th>
                <Table.Th>{t('clientList.second')}</Table.Th>
                <Table.Th>{t('clientList.why')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {pairs.map((pair) => (
                <Table.Tr key={`${pair.first.id}-${pair.second.id}`}>
                  <Table.Td>
                    <ClientRefCell
                      id={pair.first.id}
                      name={pair.first.name}
                      owner={pair.first.responsible_id}
                    />
                  </Table.Td>
                  <Table.Td>
                    <ClientRefCell
                      id={pair.second.id}
                      name={pair.second.name}
                      owner={pair.second.responsible_id}
                    />
                  </Table.Td>
                  <Table.Td>
                    {pair.reasons.map((reason) => t(`duplicateReason.${reason}`)).join(', ')}
                  </Table.Td>
                  <Table.Td>
                    <Button size="xs" variant="light" onClick={() => setMerging(pair)}>
                      {t('clientMerge.open')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {duplicates.hasNextPage ? (
        <Group justify="center">
          <Button
            variant="default"
            loading={duplicates.isFetchingNextPage}
            onClick={() => void duplicates.fetchNextPage()}
          >
            {t('clients.loadMore')}
          </Button>
        </Group>
      ) : null}
      {merging ? (
        <ClientMergeDialog
          firstId={merging.first.id}
          otherId={merging.second.id}
          onClose={() => setMerging(null)}
          onMerged={() => setMerging(null)}
        />
      ) : null}
    </Stack>
  );
}

function ClientRefCell({ id, name, owner }: { id: string; name: string; owner: string }) {
  const ownerName = useUserName(owner);
  return (
    <>
      <Anchor component={Link} to={`/clients/${id}`}>
        {name}
      </Anchor>
      <Text size="xs" c="dimmed">
        {ownerName.data ?? ''}
      </Text>
    </>
  );
}
