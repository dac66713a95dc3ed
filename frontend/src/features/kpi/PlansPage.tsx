import {
  Anchor,
  Badge,
  Button,
  Center,
  Group,
  Loader,
  ScrollArea,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useMe } from '../auth/queries';
import { formatMoney } from '../deals/money';
import { holds } from '../settings/sections';
import { NpsTable } from '../loyalty/NpsTable';
import { LoadError } from '../shell/LoadError';
import { METRICS, MONEY_METRICS } from './metrics';
import { currentPeriod } from './period';
import { PlanFormModal } from './PlanFormModal';
import { PeriodPicker } from './PeriodPicker';
import { useFulfilment, type MetricFulfilment, type SubjectFulfilment } from './queries';

function percentColor(percent: number): string {
  if (percent >= 100) return 'green';
  if (percent >= 70) return 'yellow';
  return 'red';
}

/** Plan against fact for the chosen period: a row per employee and per department the
 * caller sees (a seller their own, a head their department's, an admin everyone's). */
export function PlansPage() {
  const { t } = useTranslation();
  const [period, setPeriod] = useState(currentPeriod);
  const fulfilment = useFulfilment(period.kind, period.start);
  const me = useMe();
  const [editing, setEditing] = useState(false);
  const data = fulfilment.data;
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={2}>{t('kpi.title')}</Title>
        <Group gap="sm">
          <Anchor component={Link} to="/plans/leaderboard">
            {t('kpi.leaderboardLink')}
          </Anchor>
          {holds(me.data, 'kpi:manage') && data && (
            <Button onClick={() => setEditing(true)}>{t('kpi.setPlan')}</Button>
          )}
        </Group>
      </Group>
      {editing && data && (
        <PlanFormModal period={period} fulfilment={data} onClose={() => setEditing(false)} />
      )}
      <PeriodPicker value={period} onChange={setPeriod} />
      {fulfilment.isPending ? (
        <Center>
          <Loader />
        </Center>
      ) : fulfilment.isError || !data ? (
        <LoadError retrying={fulfilment.isFetching} onRetry={() => void fulfilment.refetch()} />
      ) : (
        <>
          <Text size="sm" c="dimmed">
            {t(`kpi.basis.${data.basis}`, { currency: data.currency })}
          </Text>
          <FulfilmentTable
            caption={t('kpi.employees')}
            rows={data.employees}
            currency={data.currency}
          />
          {data.departments.length > 0 && (
            <FulfilmentTable
              caption={t('kpi.departments')}
              rows={data.departments}
              currency={data.currency}
            />
          )}
          <NpsTable period={period} />
        </>
      )}
    </Stack>
  );
}

function FulfilmentTable({
  caption,
  rows,
  currency,
}: {
  caption: string;
  rows: SubjectFulfilment[];
  currency: string;
}) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs">
      <Title order={3} size="h4">
        {caption}
      </Title>
      {rows.length === 0 ? (
        <Text c="dimmed">{t('kpi.empty')}</Text>
      ) : (
        <ScrollArea type="auto" offsetScrollbars>
          <Table striped withTableBorder aria-label={caption}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('kpi.name')}</Table.Th>
                {METRICS.map((metric) => (
                  <Table.Th key={metric}>{t(`kpi.metric.${metric}`)}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={row.id}>
                  <Table.Td>{row.name}</Table.Td>
                  {METRICS.map((metric) => (
                    <Table.Td key={metric}>
                      <MetricCell
                        value={row.metrics.find((m) => m.metric === metric)}
                        currency={currency}
                      />
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      )}
    </Stack>
  );
}

function MetricCell({ value, currency }: { value?: MetricFulfilment; currency: string }) {
  const { t, i18n } = useTranslation();
  if (!value) return null;
  const show = (amount: string | number) =>
    MONEY_METRICS.has(value.metric)
      ? formatMoney(amount, currency, i18n.language)
      : new Intl.NumberFormat(i18n.language).format(Number(amount));
  return (
    <Stack gap={2}>
      <Text size="sm">
        {value.plan === null
          ? show(value.fact)
          : t('kpi.factOfPlan', { fact: show(value.fact), plan: show(value.plan) })}
      </Text>
      {value.percent !== null && (
        <Badge variant="light" color={percentColor(Number(value.percent))} w="fit-content">
          {t('kpi.percent', { percent: value.percent })}
        </Badge>
      )}
      {value.forecast !== null && Number(value.forecast) > 0 && (
        <Text size="xs" c="dimmed">
          {t('kpi.forecast', { amount: show(value.forecast) })}
        </Text>
      )}
    </Stack>
  );
}
