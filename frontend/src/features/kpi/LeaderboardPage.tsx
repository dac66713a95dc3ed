import {
  Anchor,
  Box,
  Button,
  Center,
  Group,
  Loader,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useEffect, useRef, useState, type CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { LoadError } from '../shell/LoadError';
import { currentPeriod, periodLabel } from './period';
import { PeriodPicker } from './PeriodPicker';
import { type Leaderboard, useLeaderboard } from './queries';

/** How the board is shown: on the page, full screen by the Fullscreen API, or (where the
 * browser refuses it) as a fixed layer over the whole window. */
type Mode = 'page' | 'fullscreen' | 'overlay';

const WALL_REFRESH = 60_000;

/** Everyone with a turnover plan, ranked by its fulfilment: names, percentages and, for a
 * month, karma; never amounts. A full-screen mode shows it large on a sales floor's screen. */
export function LeaderboardPage() {
  const { t, i18n } = useTranslation();
  const [period, setPeriod] = useState(currentPeriod);
  const [mode, setMode] = useState<Mode>('page');
  const wall = useRef<HTMLDivElement>(null);
  const board = useLeaderboard(period.kind, period.start, {
    refetchInterval: mode === 'page' ? false : WALL_REFRESH,
  });

  // Esc (or the browser's own exit) ends the Fullscreen API's mode; the layer listens itself.
  useEffect(() => {
    if (mode === 'page') return undefined;
    const onChange = () => {
      if (!document.fullscreenElement) setMode('page');
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setMode('page');
    };
    if (mode === 'fullscreen') document.addEventListener('fullscreenchange', onChange);
    else window.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('fullscreenchange', onChange);
      window.removeEventListener('keydown', onKey);
    };
  }, [mode]);

  const enter = () => {
    const element = wall.current;
    // Asked in the click itself: browsers grant full screen to a user's gesture only.
    const request = element?.requestFullscreen?.bind(element);
    if (!request || document.fullscreenEnabled === false) {
      setMode('overlay');
      return;
    }
    setMode('fullscreen');
    request().catch(() => setMode('overlay'));
  };
  const leave = () => {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    setMode('page');
  };

  const label = periodLabel(period.kind, period.start, i18n.language);
  const onWall = mode !== 'page';
  const layer: CSSProperties | undefined = onWall
    ? {
        background: 'var(--mantine-color-body)',
        overflow: 'auto',
        padding: 'var(--mantine-spacing-xl)',
        ...(mode === 'overlay' ? { position: 'fixed', inset: 0, zIndex: 1000 } : {}),
      }
    : undefined;

  return (
    <Box ref={wall} style={layer} data-testid="leaderboard-wall" data-mode={mode}>
      {onWall ? (
        <Stack gap="lg">
          <Group justify="space-between" wrap="nowrap" align="flex-start">
            <Stack gap={0}>
              <Title order={1} fz={48}>
                {t('kpi.leaderboardTitle')}
              </Title>
              <Text fz={28} c="dimmed" data-testid="wall-period">
                {label}
              </Text>
            </Stack>
            <Button variant="default" onClick={leave}>
              {t('kpi.wall.leave')}
            </Button>
          </Group>
          <BoardBody board={board} wall />
          {board.data && (
            <Text size="sm" c="dimmed">
              {t('kpi.wall.updated', {
                time: new Intl.DateTimeFormat(i18n.language, { timeStyle: 'short' }).format(
                  board.dataUpdatedAt,
                ),
              })}
            </Text>
          )}
        </Stack>
      ) : (
        <Stack>
          <Group justify="space-between" wrap="wrap">
            <Title order={2}>{t('kpi.leaderboardTitle')}</Title>
            <Group gap="md">
              <Anchor component={Link} to="/karma">
                {t('kpi.karmaLink')}
              </Anchor>
              <Anchor component={Link} to="/plans">
                {t('kpi.plansLink')}
              </Anchor>
            </Group>
          </Group>
          <Text size="sm" c="dimmed">
            {t('kpi.leaderboardHint')}
          </Text>
          <Group justify="space-between" wrap="wrap">
            <PeriodPicker value={period} onChange={setPeriod} />
            <Button variant="light" onClick={enter}>
              {t('kpi.wall.enter')}
            </Button>
          </Group>
          <BoardBody board={board} />
        </Stack>
      )}
    </Box>
  );
}

function BoardBody({
  board,
  wall = false,
}: {
  board: ReturnType<typeof useLeaderboard>;
  wall?: boolean;
}) {
  const { t } = useTranslation();
  if (board.isPending) {
    return (
      <Center>
        <Loader />
      </Center>
    );
  }
  if (board.isError) {
    return <LoadError retrying={board.isFetching} onRetry={() => void board.refetch()} />;
  }
  if (board.data.items.length === 0) {
    return (
      <Text c="dimmed" fz={wall ? 28 : undefined}>
        {t('kpi.leaderboardEmpty')}
      </Text>
    );
  }
  return <BoardTable data={board.data} wall={wall} />;
}

function BoardTable({ data, wall }: { data: Leaderboard; wall: boolean }) {
  const { t, i18n } = useTranslation();
  const points = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 2 });
  // Karma is a month's: other periods have none, and the column is left out.
  const withKarma = data.items.some((entry) => entry.karma !== null && entry.karma !== undefined);
  const size = wall ? { fz: 32, verticalSpacing: 'md' as const } : {};
  return (
    <Table striped withTableBorder aria-label={t('kpi.leaderboardTitle')} {...size}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('kpi.rank')}</Table.Th>
          <Table.Th>{t('kpi.name')}</Table.Th>
          <Table.Th>{t('kpi.fulfilment')}</Table.Th>
          {withKarma && <Table.Th>{t('kpi.karma')}</Table.Th>}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {data.items.map((entry) => (
          <Table.Tr key={entry.user_id}>
            <Table.Td>{entry.rank}</Table.Td>
            <Table.Td>{entry.name}</Table.Td>
            <Table.Td>{t('kpi.percent', { percent: entry.percent })}</Table.Td>
            {withKarma && (
              <Table.Td>
                {entry.karma === null || entry.karma === undefined
                  ? '—'
                  : points.format(Number(entry.karma))}
              </Table.Td>
            )}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
