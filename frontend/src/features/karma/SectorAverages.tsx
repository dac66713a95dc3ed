import { Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LoadError } from '../shell/LoadError';
import { useKarmaSectors } from './queries';

/** The average karma per sector: a new client of a sector starts at its average. */
export function SectorAverages() {
  const { t, i18n } = useTranslation();
  const sectors = useKarmaSectors();
  const number = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 2 });
  return (
    <Stack gap="xs">
      <Title order={3}>{t('karma.sectors.title')}</Title>
      <Text c="dimmed" size="sm">
        {t('karma.sectors.intro')}
      </Text>
      {sectors.isPending ? (
        <Loader size="sm" />
      ) : sectors.isError ? (
        <LoadError retrying={sectors.isFetching} onRetry={() => void sectors.refetch()} />
      ) : sectors.data.length === 0 ? (
        <Text c="dimmed">{t('karma.sectors.empty')}</Text>
      ) : (
        <Table striped withTableBorder aria-label={t('karma.sectors.title')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('karma.sectors.sector')}</Table.Th>
              <Table.Th>{t('karma.sectors.clients')}</Table.Th>
              <Table.Th>{t('karma.sectors.average')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sectors.data.map((row) => (
              <Table.Tr key={row.sector ?? ''}>
                <Table.Td>{row.sector ?? t('karma.sectors.none')}</Table.Td>
                <Table.Td>{number.format(row.clients)}</Table.Td>
                <Table.Td>{number.format(Number(row.average))}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
