import { Anchor, Stack, Text, Timeline } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { CallRecordingPlayer } from '../telephony/CallRecordingPlayer';
import { decodeMentions } from './mentions';
import type { TimelineItem } from './queries';

const MOVES = ['created', 'moved', 'won', 'lost', 'reopened'] as const;
const KINDS = ['call', 'meeting', 'email', 'note'] as const;
const RELATIONSHIPS = ['cold', 'potential', 'current', 'permanent'] as const;
const CALL_DIRECTIONS = ['inbound', 'outbound', 'internal'] as const;
const CALL_RESULTS = [
  'in_progress',
  'answered',
  'missed',
  'busy',
  'no_answer',
  'cancelled',
  'failed',
] as const;
const REASONS = [
  'deal_created',
  'deal_won',
  'deal_lost',
  'deal_reopened',
  'deal_client_changed',
  'merge',
  'activity',
  'inbound_request',
] as const;

/** Why the relationship type changed, in words: the server keeps a code ("activity: call"). */
function reasonText(reason: unknown, t: TFunction): string | null {
  if (typeof reason !== 'string' || !reason) return null;
  const [code = '', detail = ''] = reason.split(':').map((part) => part.trim());
  if (!isOneOf(REASONS, code)) return null;
  if (code === 'activity') {
    return t('work.reason.activity', {
      kind: isOneOf(KINDS, detail) ? t(`activityKind.${detail}`) : t('timelineKind.activity'),
    });
  }
  if (code === 'inbound_request') {
    return detail
      ? t('work.reason.inboundRequestVia', { channel: detail })
      : t('work.reason.inbound_request');
  }
  return t(`work.reason.${code}`);
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const isOneOf = <T extends string>(list: readonly T[], value: unknown): value is T =>
  typeof value === 'string' && (list as readonly string[]).includes(value);

/** A call's length as m:ss (or h:mm:ss). */
function callDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** A call's source and its recording: played here once the CRM has stored it, else a link
 * when the PBX gave one. */
function CallDetails({ id, data }: { id: string; data: TimelineItem['data'] }) {
  const { t } = useTranslation();
  const source = text(data.source);
  const campaign = text(data.campaign);
  const url = text(data.recording_url);
  const recording = text(data.recording_id);
  if (data.recording_available === true) {
    return (
      <Stack gap={4}>
        {source ? (
          <Text size="sm">
            {t('telephony.fromSource', { source: campaign ? `${source} / ${campaign}` : source })}
          </Text>
        ) : null}
        <CallRecordingPlayer callId={id} />
      </Stack>
    );
  }
  if (!source && !url && !recording) return null;
  return (
    <Text size="sm">
      {source
        ? t('telephony.fromSource', { source: campaign ? `${source} / ${campaign}` : source })
        : null}
      {source && (url || recording) ? ' · ' : null}
      {url ? (
        <Anchor href={url} target="_blank" rel="noreferrer" size="sm">
          {t('telephony.recording')}
        </Anchor>
      ) : recording ? (
        `${t('telephony.recording')}: ${recording}`
      ) : null}
    </Text>
  );
}

/** What happened, in words: "Звонок (исходящий)", "Переговоры → Договор", never raw codes. */
function headline(item: TimelineItem, t: TFunction): string {
  const data = item.data;
  switch (item.kind) {
    case 'activity': {
      const kind = isOneOf(KINDS, data.kind)
        ? t(`activityKind.${data.kind}`)
        : t('timelineKind.activity');
      const direction =
        data.direction === 'inbound' || data.direction === 'outbound'
          ? ` (${t(`direction.${data.direction}`)})`
          : '';
      return item.title ? `${kind}${direction}: ${item.title}` : `${kind}${direction}`;
    }
    case 'task':
      return `${t('timelineKind.task')}: ${item.title ?? ''}${data.done_at ? ` · ${t('work.done')}` : ''}`;
    case 'stage_move': {
      const move = isOneOf(MOVES, data.move) ? data.move : 'moved';
      const from = text(data.from_stage);
      const to = text(data.to_stage);
      if (move === 'moved' && from && to) return `${from} → ${to}`;
      return t(`work.move.${move}`, { stage: to ?? from ?? '' });
    }
    case 'relationship': {
      const from = isOneOf(RELATIONSHIPS, data.from_type)
        ? t(`relationship.${data.from_type}`)
        : '—';
      const to = isOneOf(RELATIONSHIPS, data.to_type) ? t(`relationship.${data.to_type}`) : '—';
      return t('work.relationshipChanged', { from, to });
    }
    case 'comment':
      return t('timelineKind.comment');
    case 'complaint': {
      const kind = text(data.complaint_kind);
      const status = text(data.to_status);
      return t('complaints.timeline', {
        kind: kind ? t(`complaints.kind.${kind}`, { defaultValue: kind }) : '',
        status: status ? t(`complaints.status.${status}`, { defaultValue: status }) : '',
      });
    }
    case 'call_script': {
      const outcome = text(data.outcome);
      return t('callScripts.timeline', {
        script: item.title ?? '',
        outcome: outcome ? t(`callScripts.outcome.${outcome}`, { defaultValue: outcome }) : '—',
      });
    }
    case 'call': {
      const direction = isOneOf(CALL_DIRECTIONS, data.direction)
        ? t(`telephony.direction.${data.direction}`)
        : '—';
      const result = isOneOf(CALL_RESULTS, data.result)
        ? t(`telephony.result.${data.result}`)
        : '—';
      const seconds = typeof data.talk_seconds === 'number' ? data.talk_seconds : null;
      const headline = t('telephony.timeline', {
        direction,
        number: text(data.client_number) ?? '—',
        result,
      });
      return seconds ? `${headline} · ${callDuration(seconds)}` : headline;
    }
    default:
      return item.title ?? '';
  }
}

/** Tasks, activities, comments and stage moves, newest first; on a client's timeline each
 * deal's item links to the deal. */
export function WorkTimeline({
  items,
  actorName,
  linkDeals = false,
}: {
  items: TimelineItem[];
  actorName?: (id: string) => string | undefined;
  linkDeals?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const format = new Intl.DateTimeFormat(i18n.language, {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  return (
    <Timeline bulletSize={14} lineWidth={2} data-testid="work-timeline">
      {items.map((item) => {
        const who = item.actor_name ?? (item.actor_id ? actorName?.(item.actor_id) : undefined);
        // A relationship item's body is the server's reason code: it is said in words instead.
        const body =
          item.kind === 'relationship'
            ? reasonText(item.data.reason ?? item.body, t)
            : item.kind === 'comment' && item.body
              ? decodeMentions(item.body)
              : item.body;
        return (
          <Timeline.Item key={`${item.kind}-${item.id}-${item.at}`} title={headline(item, t)}>
            <Text size="xs" c="dimmed">
              {format.format(new Date(item.at))}
              {who ? ` · ${who}` : ''}
              {linkDeals && item.deal_id ? (
                <>
                  {' · '}
                  <Anchor
                    component={Link}
                    to={`/deals/${item.deal_id}`}
                    size="xs"
                    underline="always"
                  >
                    {item.deal_title
                      ? t('work.ofDeal', { title: item.deal_title })
                      : t('work.openDeal')}
                  </Anchor>
                </>
              ) : null}
            </Text>
            {item.kind === 'call' ? <CallDetails id={item.id} data={item.data} /> : null}
            {body ? (
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {item.kind === 'activity' ? `${t('work.result')}: ${body}` : body}
              </Text>
            ) : null}
          </Timeline.Item>
        );
      })}
    </Timeline>
  );
}
