import {
  Anchor,
  Badge,
  Button,
  Center,
  Group,
  Loader,
  Menu,
  Progress,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useUserName } from '../clients/queries';
import { LoadError } from '../shell/LoadError';
import { STATUS_COLOR } from './labels';
import { busy, IMPORT_ENTITIES, useImports, type SpreadsheetImport } from './queries';

function Who({ id }: { id: string | null }) {
  const name = useUserName(id ?? undefined);
  return <Text size="sm">{id ? (name.data ?? '…') : '—'}</Text>;
}

/** /imports: the organisation's spreadsheet imports, newest first: who, when, which file, how
 * far it got and what it did; a row opens the import where it stands. */
export function ImportList() {
  const { t, i18n } = useTranslation();
  const imports = useImports();
  const items = imports.data?.pages.flatMap((page) => page.items) ?? [];
  const moment = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'short' });

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('imports.historyTitle')}</Title>
        <Menu position="bottom-end">
          <Menu.Target>
            <Button>{t('imports.new')}</Button>
          </Menu.Target>
          <Menu.Dropdown>
            {IMPORT_ENTITIES.map((entity) => (
              <Menu.Item key={entity} component={Link} to={`/imports/new?entity=${entity}`}>
                {t(`imports.entity.${entity}`)}
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
      </Group>
      {imports.isPending && (
        <Center>
          <Loader aria-label={t('imports.loading')} />
        </Center>
      )}
      {imports.isError && items.length === 0 && (
        <LoadError onRetry={() => void imports.refetch()} retrying={imports.isFetching} />
      )}
      {imports.isSuccess && items.length === 0 && <Text c="dimmed">{t('imports.empty')}</Text>}
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={760}>
          <Table highlightOnHover data-testid="import-list">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('imports.when')}</Table.Th>
                <Table.Th>{t('imports.who')}</Table.Th>
                <Table.Th>{t('imports.file')}</Table.Th>
                <Table.Th>{t('imports.what')}</Table.Th>
                <Table.Th>{t('imports.status')}</Table.Th>
                <Table.Th>{t('imports.counts')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((item) => (
                <Table.Tr key={item.id} data-testid="import-row">
                  <Table.Td>{moment.format(new Date(item.created_at))}</Table.Td>
                  <Table.Td>
                    <Who id={item.created_by} />
                  </Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={`/imports/${item.id}`} size="sm">
                      {item.filename}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{t(`imports.entity.${item.entity}`)}</Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLOR[item.status]} variant="light">
                      {t(`imports.statusName.${item.status}`)}
                    </Badge>
                    {busy(item.status) && (
                      <Progress
                        value={item.progress}
                        size="sm"
                        mt={4}
                        aria-label={t('imports.progress')}
                      />
                    )}
                  </Table.Td>
                  <Table.Td>
                    <CountsText item={item} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {imports.hasNextPage && (
        <Group>
          <Button
            variant="subtle"
            onClick={() => void imports.fetchNextPage()}
            loading={imports.isFetchingNextPage}
          >
            {t('imports.more')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

function CountsText({ item }: { item: SpreadsheetImport }) {
  const { t } = useTranslation();
  const counts = item.result ?? item.dry_run;
  if (!counts) return <Text size="sm">—</Text>;
  return (
    <Text size="sm">
      {t(item.result ? 'imports.countsLine' : 'imports.dryRunLine', {
        created: counts.created,
        updated: counts.updated,
        duplicates: counts.duplicates,
        errors: counts.errors,
      })}
    </Text>
  );
}
