import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  Modal,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { errorMessage } from '../../api/problem';
import { UserSelect } from '../activities/UserSelect';
import { useMe } from '../auth/queries';
import { holds } from '../settings/sections';
import {
  type AssigneeView,
  clock,
  type Lead,
  type LeadFilters,
  type LeadStatus,
  useAssignLead,
  useLeadAction,
  useLeadCounts,
  useLeads,
} from './leads';
import { CallScriptPanel } from '../callScripts/CallScriptPanel';
import { CallButton } from '../telephony/CallButton';
import { ClientRecordings } from '../telephony/ClientRecordings';

const STATUSES: readonly LeadStatus[] = ['open', 'closed', 'spam'];
const ASSIGNEES: readonly AssigneeView[] = ['all', 'none', 'me'];
const KINDS: readonly LeadFilters['kind'][] = ['all', 'form', 'telephony', 'api'];

/** The current time, moving every second: waiting times and deadlines count on screen. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}

function isFree(lead: Lead): boolean {
  return lead.assignee_id === null || lead.assignment === 'fallback';
}

/** The telemarketer's inbox: new leads and missed calls, waiting and counting down. */
export function LeadInbox() {
  const { t } = useTranslation();
  const me = useMe();
  const [filters, setFilters] = useState<LeadFilters>({
    status: 'open',
    assignee: 'all',
    kind: 'all',
  });
  const [assigning, setAssigning] = useState<Lead | null>(null);
  // One clock for the whole list: every card's waiting time and deadline move together.
  const now = useNow();
  const leads = useLeads(filters);
  const counts = useLeadCounts(true);
  const items = leads.data?.pages.flatMap((page) => page.items) ?? [];
  const canAssign = leads.data?.pages[0]?.can_assign ?? false;
  const seesDeadLetters = holds(me.data, 'intake:manage');

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <Title order={2}>{t('leads.title')}</Title>
        {seesDeadLetters && (
          <Anchor component={Link} to="/settings/intake-inbox" size="sm">
            {t('leads.deadLetters')}
          </Anchor>
        )}
      </Group>
      <Text c="dimmed" size="sm">
        {t('leads.intro')}
      </Text>
      {counts.data && (
        <Group gap="xs" data-testid="lead-counts">
          <Badge variant="light" color="blue" tt="none">
            {t('leads.counts.unassigned', { count: counts.data.unassigned })}
          </Badge>
          <Badge variant="light" color="green" tt="none">
            {t('leads.counts.mine', { count: counts.data.mine })}
          </Badge>
          {counts.data.overdue > 0 && (
            <Badge variant="light" color="red" tt="none">
              {t('leads.counts.overdue', { count: counts.data.overdue })}
            </Badge>
          )}
        </Group>
      )}
      <Group gap="sm" align="flex-end" wrap="wrap">
        <SegmentedControl
          aria-label={t('leads.filters.status')}
          value={filters.status}
          onChange={(value) => setFilters({ ...filters, status: value })}
          data={STATUSES.map((value) => ({ value, label: t(`leads.status.${value}`) }))}
        />
        <SegmentedControl
          aria-label={t('leads.filters.assignee')}
          value={filters.assignee}
          onChange={(value) => setFilters({ ...filters, assignee: value })}
          data={ASSIGNEES.map((value) => ({ value, label: t(`leads.assignee.${value}`) }))}
        />
        <Select
          label={t('leads.filters.kind')}
          value={filters.kind}
          onChange={(value) => setFilters({ ...filters, kind: value ?? 'all' })}
          data={KINDS.map((value) => ({ value, label: t(`leads.kind.${value}`) }))}
          allowDeselect={false}
          w={180}
        />
      </Group>
      {leads.isPending && <Loader aria-label={t('leads.loading')} />}
      {leads.isError && (
        <Alert color="red" title={t('leads.loadError')}>
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{errorMessage(leads.error, t)}</Text>
            <Button size="xs" variant="default" onClick={() => void leads.refetch()}>
              {t('leads.retry')}
            </Button>
          </Stack>
        </Alert>
      )}
      {leads.isSuccess && items.length === 0 && (
        <Text data-testid="leads-empty">{t(`leads.empty.${filters.status}`)}</Text>
      )}
      <Stack gap="sm" data-testid="lead-list">
        {items.map((lead) => (
          <LeadCard
            key={lead.id}
            lead={lead}
            now={now}
            meId={me.data?.id}
            canAssign={canAssign}
            onAssign={() => setAssigning(lead)}
          />
        ))}
      </Stack>
      {leads.hasNextPage && (
        <Button
          variant="default"
          loading={leads.isFetchingNextPage}
          onClick={() => void leads.fetchNextPage()}
        >
          {t('leads.more')}
        </Button>
      )}
      <AssignDialog lead={assigning} onClose={() => setAssigning(null)} />
    </Stack>
  );
}

function LeadCard({
  lead,
  now,
  meId,
  canAssign,
  onAssign,
}: {
  lead: Lead;
  now: number;
  meId: string | undefined;
  canAssign: boolean;
  onAssign: () => void;
}) {
  const { t, i18n } = useTranslation();
  const action = useLeadAction();
  const free = isFree(lead);
  const mine = !free && lead.assignee_id === meId;
  const open = lead.status === 'open';
  // The call script of the lead's deal, opened beside the call on demand (one request a card).
  const [scripted, setScripted] = useState(false);
  const received = new Date(lead.received_at).getTime();
  const deadline = lead.respond_by ? new Date(lead.respond_by).getTime() : null;
  const time = new Intl.DateTimeFormat(i18n.language, { timeStyle: 'short' });
  const name = lead.person_name ?? lead.phone ?? lead.email ?? t('leads.noName');

  const run = (kind: 'take' | 'convert' | 'spam') =>
    action.mutate(
      { lead, action: kind },
      {
        onSuccess: () => notifications.show({ color: 'green', message: t(`leads.done.${kind}`) }),
        onError: (error) => notifications.show({ color: 'red', message: errorMessage(error, t) }),
      },
    );
  const busy = (kind: string) => action.isPending && action.variables?.action === kind;

  return (
    <Paper
      component="article"
      withBorder
      p="sm"
      radius="md"
      data-testid="lead-card"
      aria-label={name}
    >
      <Stack gap={6}>
        <Group justify="space-between" gap="xs" wrap="wrap">
          <Group gap="xs" wrap="wrap">
            <Text fw={600} style={{ overflowWrap: 'anywhere' }}>
              {name}
            </Text>
            <Badge
              variant="light"
              color={lead.kind === 'telephony' ? 'orange' : 'blue'}
              tt="none"
              styles={{ label: { overflow: 'visible' } }}
            >
              {t(`leads.kind.${lead.kind === 'telephony' ? 'missed' : lead.kind}`, {
                defaultValue: lead.kind,
              })}
            </Badge>
            {!open && (
              <Badge variant="light" color="gray" tt="none">
                {t(`leads.status.${lead.status}`)}
              </Badge>
            )}
          </Group>
          {open && deadline !== null && (
            <Text
              size="sm"
              fw={600}
              c={deadline < now ? 'red.8' : 'dark'}
              data-testid="lead-deadline"
            >
              {deadline < now
                ? t('leads.overdueBy', { time: clock(now - deadline) })
                : t('leads.dueIn', { time: clock(deadline - now) })}
            </Text>
          )}
        </Group>
        <Group gap="md" wrap="wrap">
          {lead.phone && (
            <Group gap={4} wrap="nowrap">
              <Anchor href={`tel:${lead.phone}`} size="sm">
                {lead.phone}
              </Anchor>
              <CallButton phone={lead.phone} clientId={lead.client_id} dealId={lead.deal_id} />
            </Group>
          )}
          {lead.email && (
            <Anchor href={`mailto:${lead.email}`} size="sm" style={{ overflowWrap: 'anywhere' }}>
              {lead.email}
            </Anchor>
          )}
        </Group>
        <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
          {[
            lead.channel_name,
            lead.source && t('leads.source', { source: lead.source }),
            lead.campaign && t('leads.campaign', { campaign: lead.campaign }),
          ]
            .filter(Boolean)
            .join(' · ') || t('leads.noSource')}
        </Text>
        {lead.comment && (
          <Text size="sm" lineClamp={3} style={{ overflowWrap: 'anywhere' }}>
            {lead.comment}
          </Text>
        )}
        {lead.kind === 'telephony' && lead.client_id ? (
          <ClientRecordings clientId={lead.client_id} onDemand />
        ) : null}
        <Text size="sm">
          {open
            ? t('leads.waiting', { time: clock(now - received) })
            : t('leads.receivedAt', { time: time.format(received) })}
          {' · '}
          {free ? (
            <Text span c="blue.8" fw={500}>
              {t('leads.free')}
            </Text>
          ) : (
            t('leads.heldBy', { name: lead.assignee_name ?? '—' })
          )}
        </Text>
        {(lead.client_id || lead.deal_id) && (
          <Group gap="md" wrap="wrap">
            {lead.client_id && (
              <Anchor component={Link} to={`/clients/${lead.client_id}`} size="sm">
                {t('leads.client', { name: lead.client_name ?? '' })}
              </Anchor>
            )}
            {lead.deal_id && (
              <Anchor component={Link} to={`/deals/${lead.deal_id}`} size="sm">
                {t('leads.deal', { title: lead.deal_title ?? '' })}
              </Anchor>
            )}
          </Group>
        )}
        {open && (
          <Group gap="xs" wrap="wrap">
            {!mine && (free || lead.assignee_id === meId) && (
              <Button size="xs" loading={busy('take')} onClick={() => run('take')}>
                {t('leads.take')}
              </Button>
            )}
            {canAssign && (
              <Button size="xs" variant="light" onClick={onAssign}>
                {t('leads.assign')}
              </Button>
            )}
            {(free || mine || canAssign) && (
              <Button
                size="xs"
                variant="light"
                color="green"
                loading={busy('convert')}
                onClick={() => run('convert')}
              >
                {t('leads.convert')}
              </Button>
            )}
            {(free || mine || canAssign) && (
              <Button
                size="xs"
                variant="subtle"
                color="gray"
                loading={busy('spam')}
                onClick={() => run('spam')}
              >
                {t('leads.spam')}
              </Button>
            )}
            {mine && lead.deal_id && (
              <Button size="xs" variant="subtle" onClick={() => setScripted((shown) => !shown)}>
                {t('callScripts.player')}
              </Button>
            )}
          </Group>
        )}
        {scripted && lead.deal_id && <CallScriptPanel record={{ dealId: lead.deal_id }} />}
      </Stack>
    </Paper>
  );
}

function AssignDialog({ lead, onClose }: { lead: Lead | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [assignee, setAssignee] = useState<string | null>(null);
  const assign = useAssignLead();
  const close = () => {
    setAssignee(null);
    assign.reset();
    onClose();
  };
  return (
    <Modal opened={lead !== null} onClose={close} title={t('leads.assignTitle')}>
      {lead && (
        <Stack>
          <Text size="sm">{lead.person_name ?? lead.phone ?? lead.email}</Text>
          <UserSelect
            label={t('leads.assignee.label')}
            value={assignee}
            onChange={setAssignee}
            ownersOf="deals"
            error={assign.isError ? errorMessage(assign.error, t) : null}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('leads.cancel')}
            </Button>
            <Button
              disabled={!assignee}
              loading={assign.isPending}
              onClick={() =>
                assignee &&
                assign.mutate(
                  { lead, assigneeId: assignee },
                  {
                    onSuccess: () => {
                      notifications.show({ color: 'green', message: t('leads.done.assign') });
                      close();
                    },
                  },
                )
              }
            >
              {t('leads.assign')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
