import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  Modal,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { problemText } from '../../api/problemText';
import { useMe } from '../auth/queries';
import { formatMoney } from '../deals/money';
import { periodLabel, periodStart, shiftPeriod } from '../kpi/period';
import { holds } from '../settings/sections';
import { LoadError } from '../shell/LoadError';
import {
  type EmployeeKarma,
  type MonthKarma,
  useCloseMonth,
  useDownloadStatement,
  useKarmaPeriods,
  useMonthKarma,
} from './employeeQueries';

const MONTH = /^\d{4}-\d{2}-01$/;

/** /karma: each employee's karma and bonus for a month (live while it is open, frozen once
 * closed); karma:manage closes a month that is over and downloads its bonus statement. */
export function EmployeeKarmaPage() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const [search, setSearch] = useSearchParams();
  const current = periodStart('month', new Date());
  const asked = search.get('month') ?? '';
  const month = MONTH.test(asked) && asked <= current ? asked : current;
  const karma = useMonthKarma(month);
  const periods = useKarmaPeriods();
  const close = useCloseMonth();
  const download = useDownloadStatement();
  const [confirming, setConfirming] = useState(false);

  const manage = holds(me.data, 'karma:manage');
  const readsStatement = manage || holds(me.data, 'reports:read');
  // A month can be closed once it is over: from the first day of the next one.
  const over = month < current;
  const label = (start: string) => periodLabel('month', start, i18n.language);
  const go = (start: string) => {
    close.reset();
    download.reset();
    setSearch(
      (params) => {
        const next = new URLSearchParams(params);
        if (start === current) next.delete('month');
        else next.set('month', start);
        return next;
      },
      { replace: true },
    );
  };
  const confirmClose = () =>
    close.mutate(month, {
      onSuccess: () =>
        notifications.show({
          color: 'green',
          message: t('employeeKarma.closedNow', { month: label(month) }),
        }),
      onSettled: () => setConfirming(false),
    });
  const data = karma.data;
  const closed = data?.closed ?? null;

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={2}>{t('employeeKarma.title')}</Title>
        <Anchor component={Link} to="/plans/leaderboard">
          {t('kpi.leaderboardTitle')}
        </Anchor>
      </Group>
      <Text size="sm" c="dimmed">
        {t('employeeKarma.intro')}
      </Text>
      <Group gap={4} wrap="nowrap">
        <ActionIcon
          variant="subtle"
          aria-label={t('employeeKarma.previousMonth')}
          onClick={() => go(shiftPeriod('month', month, -1))}
        >
          ‹
        </ActionIcon>
        <Text fw={500} miw={160} ta="center" data-testid="karma-month">
          {label(month)}
        </Text>
        <ActionIcon
          variant="subtle"
          aria-label={t('employeeKarma.nextMonth')}
          disabled={month >= current}
          onClick={() => go(shiftPeriod('month', month, 1))}
        >
          ›
        </ActionIcon>
      </Group>
      {periods.data && periods.data.length > 0 && (
        <Group gap="xs" wrap="wrap" role="group" aria-label={t('employeeKarma.closedMonths')}>
          <Text size="sm" c="dimmed">
            {t('employeeKarma.closedMonths')}:
          </Text>
          {periods.data.map((period) => (
            <Button
              key={period.month}
              size="compact-xs"
              variant={period.month === month ? 'filled' : 'light'}
              aria-pressed={period.month === month}
              onClick={() => go(period.month)}
            >
              {label(period.month)}
            </Button>
          ))}
        </Group>
      )}
      {karma.isPending && <Loader aria-label={t('employeeKarma.loading')} />}
      {karma.isError && (
        <LoadError
          message={problemText(karma.error, t)}
          onRetry={() => void karma.refetch()}
          retrying={karma.isFetching}
        />
      )}
      {data && (
        <>
          <Alert
            color={closed ? 'gray' : 'blue'}
            variant="light"
            data-testid="karma-month-state"
            title={
              closed
                ? t('employeeKarma.closed', {
                    date: new Intl.DateTimeFormat(i18n.language, {
                      dateStyle: 'long',
                      timeStyle: 'short',
                    }).format(new Date(closed.closed_at)),
                  })
                : t('employeeKarma.open')
            }
          >
            {closed ? t('employeeKarma.closedHint') : t('employeeKarma.openHint')}
          </Alert>
          <Group gap="sm" wrap="wrap">
            {manage && !closed && (
              <Button color="red" disabled={!over} onClick={() => setConfirming(true)}>
                {t('employeeKarma.close')}
              </Button>
            )}
            {manage && !closed && !over && (
              <Text size="sm" c="dimmed">
                {t('employeeKarma.closeAfterEnd')}
              </Text>
            )}
            {closed && readsStatement && (
              <Button
                variant="light"
                loading={download.isPending}
                onClick={() => download.mutate(month)}
              >
                {t('employeeKarma.download')}
              </Button>
            )}
          </Group>
          {close.isError && (
            <Alert color="red" role="alert" data-testid="karma-close-error">
              {problemText(close.error, t)}
            </Alert>
          )}
          {download.isError && (
            <Alert color="red" role="alert">
              {problemText(download.error, t)}
            </Alert>
          )}
          <MonthTable data={data} language={i18n.language} />
        </>
      )}
      <Modal
        opened={confirming}
        onClose={() => setConfirming(false)}
        title={t('employeeKarma.confirmTitle', { month: label(month) })}
      >
        <Stack>
          <Text size="sm">{t('employeeKarma.confirmText')}</Text>
          {data && (
            <Text size="sm">
              {t('employeeKarma.rate', {
                rate: formatMoney(data.bonus_per_point, data.currency, i18n.language),
              })}
            </Text>
          )}
          <Group justify="end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              {t('employeeKarma.cancel')}
            </Button>
            <Button color="red" loading={close.isPending} onClick={confirmClose}>
              {t('employeeKarma.confirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

/** Ranks as a competition does: equal karma, equal place. The rows come best first. */
function ranks(items: readonly EmployeeKarma[]): number[] {
  return items.map(
    (item) => items.findIndex((other) => Number(other.score) === Number(item.score)) + 1,
  );
}

function MonthTable({ data, language }: { data: MonthKarma; language: string }) {
  const { t } = useTranslation();
  const points = new Intl.NumberFormat(language, { maximumFractionDigits: 2 });
  const percent = new Intl.NumberFormat(language, { maximumFractionDigits: 1 });
  if (data.items.length === 0) return <Text c="dimmed">{t('employeeKarma.empty')}</Text>;
  const places = ranks(data.items);
  return (
    <>
      <Table.ScrollContainer minWidth={900}>
        <Table striped withTableBorder aria-label={t('employeeKarma.title')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('kpi.rank')}</Table.Th>
              <Table.Th miw={240}>{t('employeeKarma.employee')}</Table.Th>
              <Table.Th ta="right">{t('employeeKarma.facts.won_deals')}</Table.Th>
              <Table.Th ta="right">{t('employeeKarma.facts.upsells')}</Table.Th>
              <Table.Th ta="right">{t('employeeKarma.facts.promoters')}</Table.Th>
              <Table.Th ta="right">{t('employeeKarma.facts.detractors')}</Table.Th>
              <Table.Th ta="right">{t('employeeKarma.facts.overdue_tasks')}</Table.Th>
              <Table.Th ta="right">{t('employeeKarma.facts.plan_percent')}</Table.Th>
              <Table.Th ta="right">{t('employeeKarma.score')}</Table.Th>
              <Table.Th ta="right">{t('employeeKarma.bonus')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.items.map((row, index) => (
              <Table.Tr key={row.user_id} data-testid="karma-row">
                <Table.Td>{places[index]}</Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="wrap">
                    <Text size="sm">{row.name}</Text>
                    {row.is_head && (
                      <Badge
                        size="xs"
                        variant="light"
                        style={{ flexShrink: 0 }}
                        data-testid="karma-head"
                      >
                        {t('employeeKarma.head')}
                      </Badge>
                    )}
                  </Group>
                  {row.is_head && (
                    <Text size="xs" c="dimmed">
                      {t('employeeKarma.headHint', { own: points.format(Number(row.own_score)) })}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td ta="right">{row.facts.won_deals}</Table.Td>
                <Table.Td ta="right">{row.facts.upsells}</Table.Td>
                <Table.Td ta="right">{row.facts.promoters}</Table.Td>
                <Table.Td ta="right">{row.facts.detractors}</Table.Td>
                <Table.Td ta="right">{row.facts.overdue_tasks}</Table.Td>
                <Table.Td ta="right">
                  {row.facts.plan_percent === null
                    ? '—'
                    : t('kpi.percent', { percent: percent.format(Number(row.facts.plan_percent)) })}
                </Table.Td>
                <Table.Td ta="right" fw={700} data-testid="karma-score">
                  {points.format(Number(row.score))}
                </Table.Td>
                <Table.Td ta="right">{formatMoney(row.bonus, data.currency, language)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Text size="xs" c="dimmed">
        {t('employeeKarma.bonusHint', {
          rate: formatMoney(data.bonus_per_point, data.currency, language),
        })}
      </Text>
    </>
  );
}
