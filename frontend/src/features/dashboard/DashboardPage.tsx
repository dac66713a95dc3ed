import { Grid, Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { seesTeam, useMe } from '../auth/queries';
import { holds } from '../settings/sections';
import {
  AbcWidget,
  FunnelWidget,
  LeaderboardWidget,
  LossReasonsWidget,
  MarketingWidget,
  NpsWidget,
  PlanWidget,
  SleepingWidget,
  WorkTimeWidget,
} from './DashboardWidgets';
import { DashboardFilterBar } from './DashboardFilterBar';
import { planPeriod, useDashboardFilters } from './filters';
import { useDashboardFulfilment } from './queries';

/**
 * /dashboard: the head of sales' morning view. Plan against fact and forecast, the leaderboard,
 * the funnel, loss reasons, sources, ABC classes, NPS, sleeping clients and when the team works,
 * each a widget of its own over the filters in the URL (those its report supports), each
 * opening the list behind its figures.
 */
export function DashboardPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [filters, update] = useDashboardFilters();
  const period = planPeriod(filters);
  const team = me.data ? seesTeam(me.data) : false;
  const marketing = holds(me.data, 'reports:read') || holds(me.data, 'marketing:manage');
  // The plan widget's own query (the same key, one request): it says what turnover counts, so
  // the leaderboard's rows open the same list as the plan's.
  const fulfilment = useDashboardFulfilment(period, filters.departmentId);

  return (
    <Stack>
      <Title order={2}>{t('dashboard.title')}</Title>
      <DashboardFilterBar filters={filters} update={update} team={team} />
      <Grid align="stretch">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <PlanWidget period={period} departmentId={filters.departmentId} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6, lg: 4 }}>
          <LeaderboardWidget
            period={period}
            linksTo={(userId) => team || userId === me.data?.id}
            basis={fulfilment.data}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6, lg: 4 }}>
          <SleepingWidget />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <FunnelWidget filters={filters} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6, lg: 4 }}>
          <LossReasonsWidget filters={filters} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6, lg: 4 }}>
          <AbcWidget filters={filters} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6, lg: 4 }}>
          <NpsWidget filters={filters} />
        </Grid.Col>
        {marketing && (
          <Grid.Col span={12}>
            <MarketingWidget filters={filters} />
          </Grid.Col>
        )}
        <Grid.Col span={12}>
          <WorkTimeWidget filters={filters} />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
