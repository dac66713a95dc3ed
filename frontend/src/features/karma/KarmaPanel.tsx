import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  NumberInput,
  Stack,
  Switch,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, mapProblemToFields } from '../../api/problem';
import { problemText } from '../../api/problemText';
import { useMe } from '../auth/queries';
import { holds } from '../settings/sections';
import { LoadError } from '../shell/LoadError';
import {
  useAdjustKarma,
  useClientKarma,
  useClientKarmaEntries,
  usePublicConflict,
  type KarmaEntry,
} from './queries';

// ECharts comes with the chart only, after the score is on screen.
const KarmaChart = lazy(async () => ({ default: (await import('./KarmaChart')).KarmaChart }));

function usePoints() {
  const { i18n } = useTranslation();
  const format = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 2 });
  return (value: string | number) => format.format(Number(value));
}

/** A client's karma: the score (or its sector's average as expected), its history, the latest
 * entries (a manual adjustment with its reason and author); a manual adjustment for
 * karma:manage holders and the public-conflict flag. */
export function KarmaPanel({ clientId }: { clientId: string }) {
  const { t } = useTranslation();
  const karma = useClientKarma(clientId);
  const me = useMe();
  const points = usePoints();
  const conflict = usePublicConflict(clientId);

  if (karma.isPending) return <Loader size="sm" />;
  if (karma.isError) {
    return <LoadError onRetry={() => void karma.refetch()} retrying={karma.isFetching} />;
  }
  const view = karma.data;
  const canWrite = holds(me.data, 'clients:write');
  return (
    <Card withBorder data-testid="client-karma">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3}>{t('karma.title')}</Title>
          {view.score !== null ? (
            <Badge
              size="xl"
              variant="light"
              color={Number(view.score) < 0 ? 'red' : 'green'}
              data-testid="karma-score"
            >
              {points(view.score)}
            </Badge>
          ) : null}
        </Group>
        {view.score === null ? (
          <Text c="dimmed" data-testid="karma-expected">
            {view.expected !== null
              ? t('karma.expected', { value: points(view.expected) })
              : t('karma.noEntries')}
          </Text>
        ) : null}
        {view.history.length > 1 ? (
          <Suspense fallback={<Loader size="sm" aria-label={t('karma.loadingChart')} />}>
            <KarmaChart
              title={t('karma.chartTitle')}
              points={view.history.map((p) => ({ day: p.day, score: Number(p.score) }))}
            />
          </Suspense>
        ) : null}
        <KarmaEntries clientId={clientId} />
        <Switch
          label={t('karma.publicConflict')}
          description={view.public_conflict?.note ?? undefined}
          checked={view.public_conflict !== null}
          disabled={!canWrite || conflict.isPending}
          onChange={(event) => conflict.mutate({ on: event.currentTarget.checked })}
        />
        {holds(me.data, 'karma:manage') ? <KarmaAdjustment clientId={clientId} /> : null}
      </Stack>
    </Card>
  );
}

function KarmaEntries({ clientId }: { clientId: string }) {
  const { t, i18n } = useTranslation();
  const entries = useClientKarmaEntries(clientId);
  const points = usePoints();
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' });
  if (entries.isPending) return <Loader size="sm" />;
  if (entries.isError) {
    return <LoadError onRetry={() => void entries.refetch()} retrying={entries.isFetching} />;
  }
  if (entries.data.length === 0) return null;
  const label = (entry: KarmaEntry) => t(`karma.kind.${entry.kind}`);
  return (
    <Stack gap={4} data-testid="karma-entries">
      <Text fw={600} size="sm">
        {t('karma.recent')}
      </Text>
      {entries.data.map((entry) => (
        <Group key={entry.id} justify="space-between" wrap="nowrap" data-testid="karma-entry">
          <Stack gap={0}>
            <Text size="sm">
              {label(entry)}
              {entry.reason ? `: ${entry.reason}` : ''}
            </Text>
            <Text size="xs" c="dimmed">
              {date.format(new Date(entry.occurred_at))}
              {entry.created_by_name
                ? ` · ${t('karma.adjustedBy', { name: entry.created_by_name })}`
                : ''}
            </Text>
          </Stack>
          <Text size="sm" fw={600} c={Number(entry.points) < 0 ? 'red' : 'green'}>
            {Number(entry.points) > 0 ? '+' : ''}
            {points(entry.points)}
          </Text>
        </Group>
      ))}
    </Stack>
  );
}

function KarmaAdjustment({ clientId }: { clientId: string }) {
  const { t } = useTranslation();
  const adjust = useAdjustKarma(clientId);
  const [points, setPoints] = useState<number | string>('');
  const [reason, setReason] = useState('');
  const mapped = mapProblemToFields(
    adjust.error instanceof ApiError ? adjust.error.problem : null,
    ['points', 'reason'],
  );
  const fieldError = (name: 'points' | 'reason') => mapped.fieldErrors[name];
  const submit = () =>
    adjust.mutate(
      { points: String(points), reason },
      {
        onSuccess: () => {
          setPoints('');
          setReason('');
        },
      },
    );
  const generalError = !adjust.isError
    ? null
    : mapped.otherErrors.length > 0
      ? mapped.otherErrors.join('; ')
      : fieldError('points') || fieldError('reason')
        ? null
        : problemText(adjust.error, t);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Stack gap="xs">
        <Text fw={600} size="sm">
          {t('karma.adjustTitle')}
        </Text>
        <NumberInput
          label={t('karma.points')}
          value={points}
          onChange={setPoints}
          decimalScale={2}
          error={fieldError('points')}
        />
        <Textarea
          label={t('karma.reason')}
          value={reason}
          onChange={(event) => setReason(event.currentTarget.value)}
          autosize
          minRows={1}
          error={fieldError('reason')}
        />
        {generalError ? <Alert color="red">{generalError}</Alert> : null}
        <Group justify="end">
          <Button type="submit" loading={adjust.isPending} disabled={points === ''}>
            {t('karma.adjust')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
