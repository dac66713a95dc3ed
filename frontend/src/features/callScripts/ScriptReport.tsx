import { Badge, Group, Loader, Stack, Table, Text, TextInput } from '@mantine/core';
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/problem';
import { LoadError } from '../shell/LoadError';
import { SCRIPT_OUTCOMES, type CallScript, useScriptReport } from './queries';

function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Per step, the runs of the period that reached it; per answer, how the runs that chose it
 * ended. */
export function ScriptReport({ script, today = new Date() }: { script: CallScript; today?: Date }) {
  const { t } = useTranslation();
  const [from, setFrom] = useState(() =>
    isoDay(new Date(today.getFullYear(), today.getMonth(), today.getDate() - 30)),
  );
  const [to, setTo] = useState(() => isoDay(today));
  const report = useScriptReport(script.id, from, to);

  return (
    <Stack>
      <Group>
        <TextInput
          type="date"
          label={t('callScripts.from')}
          value={from}
          onChange={(e) => setFrom(e.currentTarget.value)}
        />
        <TextInput
          type="date"
          label={t('callScripts.to')}
          value={to}
          onChange={(e) => setTo(e.currentTarget.value)}
        />
      </Group>
      {report.isPending && <Loader size="sm" />}
      {report.isError && (
        <LoadError
          message={errorMessage(report.error, t)}
          onRetry={() => void report.refetch()}
          retrying={report.isFetching}
        />
      )}
      {report.data && (
        <>
          <Group gap="xs">
            <Text fw={500}>{t('callScripts.runs', { count: report.data.runs })}</Text>
            {SCRIPT_OUTCOMES.filter((o) => report.data.by_outcome[o]).map((o) => (
              <Badge key={o} variant="light">
                {t(`callScripts.outcome.${o}`)}: {report.data.by_outcome[o]}
              </Badge>
            ))}
          </Group>
          <Table.ScrollContainer minWidth={640}>
            <Table aria-label={t('callScripts.report')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('callScripts.stepOrAnswer')}</Table.Th>
                  <Table.Th>{t('callScripts.reachedOrChosen')}</Table.Th>
                  {SCRIPT_OUTCOMES.map((o) => (
                    <Table.Th key={o}>{t(`callScripts.outcome.${o}`)}</Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {report.data.steps.map((step, i) => (
                  <Fragment key={step.step_id}>
                    <Table.Tr data-testid="report-step">
                      <Table.Td>
                        <Text fw={600} size="sm">
                          {i + 1}. {step.text}
                        </Text>
                      </Table.Td>
                      <Table.Td>{step.reached}</Table.Td>
                      {SCRIPT_OUTCOMES.map((o) => (
                        <Table.Td key={o} />
                      ))}
                    </Table.Tr>
                    {step.answers.map((answer) => (
                      <Table.Tr key={`${step.step_id}:${answer.answer_id}`}>
                        <Table.Td pl="xl">
                          <Text size="sm">→ {answer.text}</Text>
                        </Table.Td>
                        <Table.Td>{answer.chosen}</Table.Td>
                        {SCRIPT_OUTCOMES.map((o) => (
                          <Table.Td key={o}>{answer.by_outcome[o] ?? 0}</Table.Td>
                        ))}
                      </Table.Tr>
                    ))}
                  </Fragment>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Stack>
  );
}
