import {
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  Loader,
  Modal,
  Paper,
  Rating,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { errorMessage } from '../../api/problem';
import { UserSelect } from '../activities/UserSelect';
import { useMe } from '../auth/queries';
import { useUserName } from '../clients/queries';
import { holds } from '../settings/sections';
import { CallRecordingPlayer } from './CallRecordingPlayer';
import { talkTime } from './format';
import { type Call, type CallFilters, type CallResult, useCalls, useReviewCall } from './queries';

const RESULTS: readonly CallResult[] = [
  'answered',
  'missed',
  'busy',
  'no_answer',
  'cancelled',
  'failed',
  'in_progress',
];
const REVIEWED: readonly CallFilters['reviewed'][] = ['all', 'no', 'yes'];

function Person({ id }: { id: string | null }) {
  const name = useUserName(id ?? undefined);
  if (!id) return <Text size="sm">—</Text>;
  return <Text size="sm">{name.data ?? '…'}</Text>;
}

function ReviewDialog({ call, onClose }: { call: Call; onClose: () => void }) {
  const { t } = useTranslation();
  const review = useReviewCall();
  const [score, setScore] = useState(call.review?.score ?? 0);
  const [comment, setComment] = useState(call.review?.comment ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const save = () => {
    if (score < 1) {
      setProblem(t('calls.noScore'));
      return;
    }
    review.mutate(
      { callId: call.id, score, comment },
      {
        onSuccess: () => {
          notifications.show({ color: 'green', message: t('calls.saved') });
          onClose();
        },
        onError: (error) => setProblem(errorMessage(error, t)),
      },
    );
  };
  return (
    <Modal opened onClose={onClose} title={t('calls.dialogTitle')}>
      <Stack>
        {call.recording_available ? <CallRecordingPlayer callId={call.id} /> : null}
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            {t('calls.score')}
          </Text>
          <Rating value={score} onChange={setScore} aria-label={t('calls.score')} />
        </Stack>
        <Textarea
          label={t('calls.comment')}
          value={comment}
          onChange={(event) => setComment(event.currentTarget.value)}
          maxLength={2000}
          autosize
          minRows={3}
        />
        {problem ? (
          <Alert color="red" role="alert">
            {problem}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button onClick={save} loading={review.isPending}>
            {t('calls.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function ReviewCell({
  call,
  mayReview,
  onReview,
}: {
  call: Call;
  mayReview: boolean;
  onReview: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Stack gap={2}>
      {call.review ? (
        <>
          <Rating value={call.review.score} readOnly size="sm" aria-label={t('calls.review')} />
          {call.review.comment ? (
            <Text size="xs" style={{ whiteSpace: 'pre-wrap' }}>
              {call.review.comment}
            </Text>
          ) : null}
        </>
      ) : null}
      {mayReview && call.result !== 'in_progress' ? (
        <Button size="compact-xs" variant="light" onClick={onReview}>
          {call.review ? t('calls.rerate') : t('calls.rate')}
        </Button>
      ) : null}
    </Stack>
  );
}

/** Call review: the calls of the people whose deals the caller sees, with their recordings; a
 * head scores them (1–5) with a comment. */
export function CallsPage() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const [filters, setFilters] = useState<CallFilters>({
    reviewed: 'all',
    result: null,
    ownerId: null,
    withRecording: false,
  });
  const [reviewing, setReviewing] = useState<Call | null>(null);
  const calls = useCalls(filters);
  const mayReview = holds(me.data, 'calls:review');
  const items = calls.data?.pages.flatMap((page) => page.items) ?? [];
  const when = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'short' });

  return (
    <Stack>
      <Title order={2}>{t('calls.title')}</Title>
      <Text c="dimmed">{t('calls.intro')}</Text>
      <Paper withBorder p="sm">
        <Group align="flex-end">
          <SegmentedControl
            value={filters.reviewed}
            onChange={(value) => setFilters({ ...filters, reviewed: value })}
            data={REVIEWED.map((value) => ({ value, label: t(`calls.reviewed.${value}`) }))}
          />
          <Select
            label={t('calls.result')}
            placeholder={t('calls.anyResult')}
            clearable
            value={filters.result}
            onChange={(value) => setFilters({ ...filters, result: value })}
            data={RESULTS.map((value) => ({ value, label: t(`calls.results.${value}`) }))}
          />
          <UserSelect
            label={t('calls.owner')}
            value={filters.ownerId}
            onChange={(ownerId) => setFilters({ ...filters, ownerId })}
            clearable
            ownersOf="deals"
          />
          <Checkbox
            label={t('calls.withRecording')}
            checked={filters.withRecording}
            onChange={(event) =>
              setFilters({ ...filters, withRecording: event.currentTarget.checked })
            }
          />
        </Group>
      </Paper>
      {calls.isError ? (
        <Alert color="red" role="alert">
          {errorMessage(calls.error, t)}
        </Alert>
      ) : null}
      {calls.isPending ? (
        <Loader />
      ) : items.length === 0 ? (
        <Text c="dimmed">{t('calls.noCalls')}</Text>
      ) : (
        <Table striped aria-label={t('calls.tableLabel')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('calls.when')}</Table.Th>
              <Table.Th>{t('calls.number')}</Table.Th>
              <Table.Th>{t('calls.owner')}</Table.Th>
              <Table.Th>{t('calls.result')}</Table.Th>
              <Table.Th>{t('calls.talk')}</Table.Th>
              <Table.Th>{t('telephony.recording')}</Table.Th>
              <Table.Th>{t('calls.review')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((call) => (
              <Table.Tr key={call.id}>
                <Table.Td>
                  <Text size="sm">{when.format(new Date(call.started_at))}</Text>
                  <Text size="xs" c="dimmed">
                    {t(`calls.directions.${call.direction}`)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Stack gap={0}>
                    <Text size="sm">{call.client_number ?? '—'}</Text>
                    <Group gap="xs">
                      {call.client_id ? (
                        <Anchor component={Link} to={`/clients/${call.client_id}`} size="xs">
                          {t('calls.clientLink')}
                        </Anchor>
                      ) : null}
                      {call.deal_id ? (
                        <Anchor component={Link} to={`/deals/${call.deal_id}`} size="xs">
                          {t('calls.dealLink')}
                        </Anchor>
                      ) : null}
                    </Group>
                  </Stack>
                </Table.Td>
                <Table.Td>
                  <Person id={call.employee_id} />
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" color={call.result === 'answered' ? 'green' : 'gray'}>
                    {t(`calls.results.${call.result}`)}
                  </Badge>
                </Table.Td>
                <Table.Td>{talkTime(call.talk_seconds)}</Table.Td>
                <Table.Td style={{ minWidth: 220 }}>
                  {call.recording_available ? <CallRecordingPlayer callId={call.id} /> : '—'}
                </Table.Td>
                <Table.Td>
                  <ReviewCell
                    call={call}
                    mayReview={mayReview}
                    onReview={() => setReviewing(call)}
                  />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {calls.hasNextPage ? (
        <Group justify="center">
          <Button
            variant="default"
            loading={calls.isFetchingNextPage}
            onClick={() => void calls.fetchNextPage()}
          >
            {t('calls.loadMore')}
          </Button>
        </Group>
      ) : null}
      {reviewing ? <ReviewDialog call={reviewing} onClose={() => setReviewing(null)} /> : null}
    </Stack>
  );
}
