import { Badge, Loader, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { LoadError } from '../shell/LoadError';
import { type RuleRun, useDealRuleRuns, useRuleRuns } from './queries';

const STATUS_COLOR: Record<RuleRun['status'], string> = {
  done: 'green',
  skipped: 'gray',
  failed: 'red',
};

function RunTable({ runs, showRule }: { runs: RuleRun[]; showRule: boolean }) {
  const { t, i18n } = useTranslation();
  const format = new Intl.DateTimeFormat(i18n.language, {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  if (runs.length === 0) return <Text c="dimmed">{t('automation.noRuns')}</Text>;
  return (
    <Table.ScrollContainer minWidth={520}>
      <Table data-testid="automation-runs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('automation.runAt')}</Table.Th>
            {showRule && <Table.Th>{t('automation.rule')}</Table.Th>}
            <Table.Th>{t('automation.runEvent')}</Table.Th>
            <Table.Th>{t('automation.runResult')}</Table.Th>
            <Table.Th>{t('automation.runActions')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {runs.map((run) => (
            <Table.Tr key={run.id}>
              <Table.Td>{format.format(new Date(run.at))}</Table.Td>
              {showRule && <Table.Td>{run.rule_name ?? '—'}</Table.Td>}
              <Table.Td>
                <Text size="sm">{run.event_name}</Text>
                {!showRule && run.deal_id && (
                  <Text size="xs">
                    <Link to={`/deals/${run.deal_id}`}>{t('automation.openDeal')}</Link>
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Badge color={STATUS_COLOR[run.status]}>
                  {t(`automation.status.${run.status}`)}
                </Badge>
                {run.reason && (
                  <Text size="xs" c={run.status === 'failed' ? 'red' : 'dimmed'}>
                    {run.reason}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                {run.actions.map((line) => (
                  <Text key={line} size="xs">
                    {line}
                  </Text>
                ))}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** A rule's log: every run, newest first. */
export function RuleRunLog({ ruleId }: { ruleId: string }) {
  const runs = useRuleRuns(ruleId);
  if (runs.isPending) return <Loader size="sm" />;
  if (runs.isError)
    return <LoadError onRetry={() => void runs.refetch()} retrying={runs.isFetching} />;
  return <RunTable runs={runs.data} showRule={false} />;
}

/** The deal card's list of the automation rules that ran on it. */
export function DealRuleRuns({ dealId }: { dealId: string }) {
  const { t } = useTranslation();
  const runs = useDealRuleRuns(dealId);
  if (runs.isPending) return <Loader size="sm" />;
  // A line, not a second retry button beside the card's own: the log is secondary here.
  if (runs.isError) return <Text c="red">{t('automation.runsFailed')}</Text>;
  return <RunTable runs={runs.data} showRule />;
}
