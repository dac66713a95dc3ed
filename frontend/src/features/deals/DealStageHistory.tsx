import { Loader, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LoadError } from '../shell/LoadError';
import { formatDuration } from './dealFields';
import { useStageHistory } from './dealQueries';

/** Every stay of the deal in a stage, oldest first, with how long it lasted. */
export function DealStageHistory({ dealId }: { dealId: string }) {
  const { t, i18n } = useTranslation();
  const history = useStageHistory(dealId);
  const format = new Intl.DateTimeFormat(i18n.language, {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  if (history.isPending) return <Loader size="sm" />;
  if (history.isError)
    return <LoadError onRetry={() => void history.refetch()} retrying={history.isFetching} />;
  if (history.data.stays.length === 0) return <Text c="dimmed">{t('dealPage.noStays')}</Text>;
  return (
    <Table.ScrollContainer minWidth={420}>
      <Table data-testid="stage-history">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('dealPage.stage')}</Table.Th>
            <Table.Th>{t('dealPage.entered')}</Table.Th>
            <Table.Th>{t('dealPage.left')}</Table.Th>
            <Table.Th>{t('dealPage.timeInStage')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {history.data.stays.map((stay) => (
            <Table.Tr key={`${stay.stage_id}-${stay.entered_at}`}>
              <Table.Td>{stay.stage_name ?? '—'}</Table.Td>
              <Table.Td>{format.format(new Date(stay.entered_at))}</Table.Td>
              <Table.Td>
                {stay.left_at ? format.format(new Date(stay.left_at)) : t('dealPage.stillThere')}
              </Table.Td>
              <Table.Td>{formatDuration(stay.seconds, t)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
