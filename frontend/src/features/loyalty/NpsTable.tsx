import { Badge, Loader, ScrollArea, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { shiftPeriod, type PeriodValue } from '../kpi/period';
import { LoadError } from '../shell/LoadError';
import { useNps, type NpsRow } from './queries';

function npsColor(nps: number): string {
  if (nps >= 50) return 'green';
  if (nps >= 0) return 'yellow';
  return 'red';
}

/** The period's last day: the day before the next period starts. */
function lastDay(period: PeriodValue): string {
  const [y = 1970, m = 1, d = 1] = shiftPeriod(period.kind, period.start, 1).split('-').map(Number);
  const day = new Date(y, m - 1, d - 1);
  return `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
}

/** Net promoter score per account manager over the plans' period, with everyone's together. */
export function NpsTable({ period }: { period: PeriodValue }) {
  const { t, i18n } = useTranslation();
  const from = period.start;
  const to = lastDay(period);
  const nps = useNps(from, to);
  const count = new Intl.NumberFormat(i18n.language);
  const tenth = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 });
  const caption = t('loyalty.nps.title');
  const data = nps.data;

  const row = (item: NpsRow, total = false) => (
    <Table.Tr key={total ? 'total' : item.user_id} fw={total ? 700 : undefined}>
      <Table.Td>{total ? t('loyalty.nps.total') : item.name}</Table.Td>
      <Table.Td>{count.format(item.surveys)}</Table.Td>
      <Table.Td>{count.format(item.answers)}</Table.Td>
      <Table.Td>{count.format(item.promoters)}</Table.Td>
      <Table.Td>{count.format(item.passives)}</Table.Td>
      <Table.Td>{count.format(item.detractors)}</Table.Td>
      <Table.Td>
        {item.nps === null ? (
          '—'
        ) : (
          <Badge variant="light" color={npsColor(Number(item.nps))}>
            {tenth.format(Number(item.nps))}
          </Badge>
        )}
      </Table.Td>
    </Table.Tr>
  );

  return (
    <Stack gap="xs">
      <Title order={3} size="h4">
        {caption}
      </Title>
      <Text size="sm" c="dimmed">
        {t('loyalty.nps.hint')}
      </Text>
      {nps.isPending && <Loader size="sm" />}
      {nps.isError && <LoadError onRetry={() => void nps.refetch()} retrying={nps.isFetching} />}
      {data && data.items.length === 0 && <Text c="dimmed">{t('loyalty.nps.empty')}</Text>}
      {data && data.items.length > 0 && (
        <ScrollArea type="auto" offsetScrollbars>
          <Table striped withTableBorder aria-label={caption}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('loyalty.nps.name')}</Table.Th>
                <Table.Th>{t('loyalty.nps.surveys')}</Table.Th>
                <Table.Th>{t('loyalty.nps.answers')}</Table.Th>
                <Table.Th>{t('loyalty.nps.promoters')}</Table.Th>
                <Table.Th>{t('loyalty.nps.passives')}</Table.Th>
                <Table.Th>{t('loyalty.nps.detractors')}</Table.Th>
                <Table.Th>{t('loyalty.nps.score')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.items.map((item) => row(item))}
              {data.total && row(data.total, true)}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      )}
    </Stack>
  );
}
