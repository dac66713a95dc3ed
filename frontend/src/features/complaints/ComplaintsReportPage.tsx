import { Anchor, Group, Loader, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { errorMessage } from '../../api/problem';
import { LoadError } from '../shell/LoadError';
import { useComplaintReport } from './queries';

function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Per account manager (the complaints' owner): how many complaints came in the period, how
 * many are open, overdue, resolved and rejected, and the median and average time to answer. */
export function ComplaintsReportPage() {
  const { t, i18n } = useTranslation();
  const today = new Date();
  const [from, setFrom] = useState(isoDay(new Date(today.getFullYear(), today.getMonth(), 1)));
  const [to, setTo] = useState(isoDay(today));
  const report = useComplaintReport(from, to);
  const hours = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 });
  const time = (value: number | null) =>
    value === null ? '—' : t('complaints.report.hours', { value: hours.format(value) });

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('complaints.report.title')}</Title>
        <Anchor component={Link} to="/complaints">
          {t('complaints.report.back')}
        </Anchor>
      </Group>
      <Group align="flex-end">
        <TextInput
          type="date"
          label={t('complaints.report.from')}
          value={from}
          onChange={(event) => event.currentTarget.value && setFrom(event.currentTarget.value)}
        />
        <TextInput
          type="date"
          label={t('complaints.report.to')}
          value={to}
          onChange={(event) => event.currentTarget.value && setTo(event.currentTarget.value)}
        />
      </Group>
      {report.isPending ? <Loader aria-label={t('complaints.loading')} /> : null}
      {report.isError ? (
        <LoadError
          message={errorMessage(report.error, t)}
          onRetry={() => void report.refetch()}
          retrying={report.isFetching}
        />
      ) : null}
      {report.data && report.data.items.length === 0 ? (
        <Text c="dimmed">{t('complaints.report.empty')}</Text>
      ) : null}
      {report.data && report.data.items.length > 0 ? (
        <Table.ScrollContainer minWidth={760}>
          <Table striped withTableBorder aria-label={t('complaints.report.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('complaints.report.owner')}</Table.Th>
                <Table.Th ta="right">{t('complaints.report.total')}</Table.Th>
                <Table.Th ta="right">{t('complaints.report.open')}</Table.Th>
                <Table.Th ta="right">{t('complaints.report.overdue')}</Table.Th>
                <Table.Th ta="right">{t('complaints.report.resolved')}</Table.Th>
                <Table.Th ta="right">{t('complaints.report.rejected')}</Table.Th>
                <Table.Th ta="right">{t('complaints.report.median')}</Table.Th>
                <Table.Th ta="right">{t('complaints.report.average')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {report.data.items.map((row) => (
                <Table.Tr key={row.owner_id} data-testid="complaint-report-row">
                  <Table.Td>{row.owner_name}</Table.Td>
                  <Table.Td ta="right">{row.total}</Table.Td>
                  <Table.Td ta="right">{row.open}</Table.Td>
                  <Table.Td ta="right" c={row.overdue > 0 ? 'red' : undefined}>
                    {row.overdue}
                  </Table.Td>
                  <Table.Td ta="right">{row.resolved}</Table.Td>
                  <Table.Td ta="right">{row.rejected}</Table.Td>
                  <Table.Td ta="right">{time(row.median_hours_to_resolve)}</Table.Td>
                  <Table.Td ta="right">{time(row.average_hours_to_resolve)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
    </Stack>
  );
}
