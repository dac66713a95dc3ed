import {
  Alert,
  Anchor,
  Button,
  Card,
  Group,
  Loader,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { errorMessage } from '../../api/problem';
import { CallButton } from '../telephony/CallButton';
import { ClientRecordings } from '../telephony/ClientRecordings';
import { CallScriptPanel } from '../callScripts/CallScriptPanel';
import type { ScriptOutcome } from '../callScripts/queries';
import { LoadError } from '../shell/LoadError';
import {
  callListKeys,
  donePercent,
  useCallList,
  useNextItem,
  useRecordOutcome,
  type CallItemCard,
  type Outcome,
} from './queries';

const OUTCOME_COLOR: Record<Outcome, string> = {
  no_answer: 'gray',
  call_back: 'blue',
  wrong_number: 'orange',
  not_interested: 'red',
  interested: 'green',
};

/** A datetime-local value an hour from now, in the browser's time. */
function inAnHour(now = new Date()): string {
  const later = new Date(now.getTime() + 60 * 60 * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${later.getFullYear()}-${pad(later.getMonth() + 1)}-${pad(later.getDate())}T${pad(
    later.getHours(),
  )}:${pad(later.getMinutes())}`;
}

/** /call-lists/:id/work: the telemarketer's screen. "Next" hands them a number (held for them
 * alone), the card shows who it is and the latest activities, an outcome closes it or
 * schedules it again; a call-back asks for its time. */
export function CallListWork() {
  const { t, i18n } = useTranslation();
  const { listId = '' } = useParams();
  const list = useCallList(listId);
  const next = useNextItem(listId);
  const record = useRecordOutcome(listId);
  const current = useQuery<CallItemCard | null>({
    queryKey: callListKeys.current(listId),
    queryFn: () => null,
    enabled: false,
    initialData: null,
  });
  const [callBack, setCallBack] = useState<string | null>(null);
  const [note, setNote] = useState('');
  // The outcome the call script ended with, preset for the telemarketer to confirm.
  const [preset, setPreset] = useState<Outcome | null>(null);
  const asked = useRef(false);
  const card = current.data;
  const moment = new Intl.DateTimeFormat(i18n.language, {
    dateStyle: 'short',
    timeStyle: 'short',
  });

  // Opening the screen picks up the number the caller holds (or the next one).
  const { mutate: takeNext } = next;
  useEffect(() => {
    if (list.data?.status === 'active' && !asked.current) {
      asked.current = true;
      takeNext();
    }
  }, [list.data?.status, takeNext]);

  const submit = (outcome: Outcome) => {
    if (!card) return;
    if (outcome === 'call_back' && callBack === null) {
      setCallBack(inAnHour());
      return;
    }
    record.mutate(
      {
        itemId: card.item.id,
        outcome,
        callBackAt: outcome === 'call_back' && callBack ? new Date(callBack).toISOString() : null,
        note,
      },
      {
        onSuccess: () => {
          setCallBack(null);
          setNote('');
          setPreset(null);
        },
      },
    );
  };

  const scriptEnded = (outcome: ScriptOutcome) => {
    const mapped = outcome === 'no_decision' ? null : outcome;
    setPreset(mapped);
    if (mapped === 'call_back' && callBack === null) setCallBack(inAnHour());
  };

  if (list.isPending) return <Loader aria-label={t('callLists.loading')} />;
  if (list.isError)
    return (
      <LoadError
        message={errorMessage(list.error, t)}
        onRetry={() => void list.refetch()}
        retrying={list.isFetching}
      />
    );

  return (
    <Stack maw={720}>
      <Group justify="space-between">
        <Title order={2}>{list.data.name}</Title>
        <Anchor component={Link} to={`/call-lists/${listId}`}>
          {t('callLists.doneOf', {
            done: list.data.progress.done,
            total: list.data.progress.total,
          })}{' '}
          ({donePercent(list.data.progress)}%)
        </Anchor>
      </Group>
      {list.data.status !== 'active' && <Alert color="yellow">{t('callLists.notActive')}</Alert>}
      {next.error && <Alert color="red">{errorMessage(next.error, t)}</Alert>}
      {record.error && <Alert color="red">{errorMessage(record.error, t)}</Alert>}
      {card ? (
        <Card withBorder aria-label={t('callLists.current')}>
          <Stack gap="xs">
            <Text fw={700} size="xl">
              {card.client_name ?? card.item.name ?? t('callLists.unknownClient')}
            </Text>
            <Group gap="xs">
              <Anchor href={`tel:${card.item.phone}`} size="xl">
                {card.item.phone}
              </Anchor>
              <CallButton
                phone={card.item.phone}
                clientId={card.item.client_id}
                callListItemId={card.item.id}
              />
            </Group>
            {card.item.attempts > 0 && (
              <Text size="sm" c="dimmed">
                {t('callLists.attemptsSoFar', { count: card.item.attempts })}
              </Text>
            )}
            {card.item.client_id && (
              <Anchor component={Link} to={`/clients/${card.item.client_id}`} size="sm">
                {t('callLists.openClient')}
              </Anchor>
            )}
            <ClientRecordings clientId={card.item.client_id} />
            <Title order={5}>{t('callLists.lastActivities')}</Title>
            {card.activities.length === 0 && (
              <Text size="sm" c="dimmed">
                {t('callLists.noActivities')}
              </Text>
            )}
            {card.activities.map((a) => (
              <Text size="sm" key={`${a.occurred_at}-${a.subject}`}>
                {moment.format(new Date(a.occurred_at))} · {a.subject ?? a.kind}
              </Text>
            ))}
            <CallScriptPanel
              key={card.item.id}
              record={{ callListItemId: card.item.id }}
              onFinished={scriptEnded}
            />
            {preset && (
              <Alert color="blue">
                {t('callScripts.presetHint', { outcome: t(`callLists.outcome.${preset}`) })}
              </Alert>
            )}
            <Textarea
              label={t('callLists.note')}
              value={note}
              onChange={(event) => setNote(event.currentTarget.value)}
              autosize
              minRows={2}
            />
            {callBack !== null && (
              <TextInput
                type="datetime-local"
                label={t('callLists.callBackAt')}
                value={callBack}
                onChange={(event) => setCallBack(event.currentTarget.value)}
                w={260}
              />
            )}
            <Group gap="xs">
              {(
                ['interested', 'not_interested', 'no_answer', 'call_back', 'wrong_number'] as const
              ).map((outcome) => (
                <Button
                  key={outcome}
                  color={OUTCOME_COLOR[outcome]}
                  variant={(preset ?? 'interested') === outcome ? 'filled' : 'light'}
                  loading={record.isPending && record.variables?.outcome === outcome}
                  onClick={() => submit(outcome)}
                >
                  {callBack !== null && outcome === 'call_back'
                    ? t('callLists.saveCallBack')
                    : t(`callLists.outcome.${outcome}`)}
                </Button>
              ))}
            </Group>
          </Stack>
        </Card>
      ) : (
        !next.isPending && (
          <Text c="dimmed">
            {next.isIdle ? t('callLists.pressNext') : t('callLists.nothingDue')}
          </Text>
        )
      )}
      {record.isSuccess && !card && record.data.item.outcome === 'interested' && (
        <Alert color="green">{t('callLists.leadHanded')}</Alert>
      )}
      <Group>
        <Button
          onClick={() => next.mutate()}
          loading={next.isPending}
          disabled={Boolean(card) || list.data.status !== 'active'}
        >
          {t('callLists.next')}
        </Button>
      </Group>
    </Stack>
  );
}
