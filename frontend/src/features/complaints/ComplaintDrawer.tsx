import {
  Alert,
  Anchor,
  Button,
  Drawer,
  Group,
  Loader,
  Stack,
  Switch,
  Text,
  Textarea,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ApiError, mapProblemToFields } from '../../api/problem';
import { problemText } from '../../api/problemText';
import { useMe } from '../auth/queries';
import { holds } from '../settings/sections';
import { LoadError } from '../shell/LoadError';
import { ComplaintDeadline, ComplaintStatusBadge } from './ComplaintBadges';
import {
  type Complaint,
  type ComplaintAction,
  RESOLUTION_MAX,
  useComplaint,
  useComplaintAction,
  useUpdateComplaint,
} from './queries';

/** One complaint: what happened, who answers it by when; taken in work, then resolved or
 * rejected with a resolution (required by both). */
export function ComplaintDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const complaint = useComplaint(id);
  return (
    <Drawer
      opened={id !== null}
      onClose={onClose}
      position="right"
      size="md"
      title={t('complaints.drawerTitle')}
    >
      {complaint.isPending && id !== null ? <Loader aria-label={t('complaints.loading')} /> : null}
      {complaint.isError ? (
        <LoadError onRetry={() => void complaint.refetch()} retrying={complaint.isFetching} />
      ) : null}
      {complaint.data ? <ComplaintDetails complaint={complaint.data} /> : null}
    </Drawer>
  );
}

function ComplaintDetails({ complaint }: { complaint: Complaint }) {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const act = useComplaintAction();
  const update = useUpdateComplaint();
  const [resolution, setResolution] = useState('');
  const [error, setError] = useState<string | null>(null);
  const open = complaint.status === 'new' || complaint.status === 'in_work';
  const canWrite = holds(me.data, 'complaints:write');
  const moment = new Intl.DateTimeFormat(i18n.language, {
    dateStyle: 'medium',
    timeStyle: 'short',
  });

  const run = async (action: ComplaintAction) => {
    if (action !== 'take' && !resolution.trim()) {
      setError(t('complaints.resolutionRequired'));
      return;
    }
    setError(null);
    try {
      await act.mutateAsync({ complaint, action, resolution: resolution.trim() });
      setResolution('');
      notifications.show({ color: 'green', message: t(`complaints.done.${action}`) });
    } catch (failure) {
      const mapped = mapProblemToFields(failure instanceof ApiError ? failure.problem : null, [
        'resolution',
      ]);
      if (mapped.fieldErrors.resolution) setError(mapped.fieldErrors.resolution);
      else {
        notifications.show({
          color: 'red',
          title: t('errors.title'),
          message: problemText(failure, t),
        });
      }
    }
  };

  return (
    <Stack data-testid="complaint-details">
      <Group gap="xs">
        <ComplaintStatusBadge complaint={complaint} />
        <Text fw={600}>{t(`complaints.kind.${complaint.kind}`)}</Text>
      </Group>
      <Text style={{ whiteSpace: 'pre-wrap' }}>{complaint.description}</Text>
      <Stack gap={2}>
        <Text size="sm">
          {t('complaints.client')}:{' '}
          <Anchor component={Link} to={`/clients/${complaint.client_id}`}>
            {complaint.client_name ?? '—'}
          </Anchor>
        </Text>
        {complaint.deal_id ? (
          <Text size="sm">
            {t('complaints.deal')}:{' '}
            <Anchor component={Link} to={`/deals/${complaint.deal_id}`}>
              {complaint.deal_title ?? '—'}
            </Anchor>
          </Text>
        ) : null}
        <Text size="sm">
          {t('complaints.owner')}: {complaint.owner_name ?? '—'}
        </Text>
        <Group gap={4}>
          <Text size="sm">{t('complaints.deadline')}:</Text>
          <ComplaintDeadline complaint={complaint} />
        </Group>
        {complaint.created_at ? (
          <Text size="xs" c="dimmed">
            {t('complaints.recordedAt', { at: moment.format(new Date(complaint.created_at)) })}
          </Text>
        ) : null}
      </Stack>
      {complaint.is_overdue ? (
        <Alert color="red" title={t('complaints.overdueTitle')}>
          {t('complaints.overdueText')}
        </Alert>
      ) : null}
      {!open && complaint.resolution ? (
        <Alert
          color={complaint.status === 'resolved' ? 'green' : 'gray'}
          title={t('complaints.resolution')}
        >
          <Text style={{ whiteSpace: 'pre-wrap' }}>{complaint.resolution}</Text>
        </Alert>
      ) : null}
      <Switch
        label={t('complaints.publicConflict')}
        description={t('complaints.publicConflictHint')}
        checked={complaint.public_conflict}
        disabled={!canWrite || update.isPending}
        onChange={(event) =>
          update.mutate({ complaint, body: { public_conflict: event.currentTarget.checked } })
        }
      />
      {open && canWrite ? (
        <Stack gap="xs">
          {complaint.status === 'new' ? (
            <Button variant="light" loading={act.isPending} onClick={() => void run('take')}>
              {t('complaints.take')}
            </Button>
          ) : null}
          <Textarea
            label={t('complaints.resolution')}
            value={resolution}
            onChange={(event) => setResolution(event.currentTarget.value)}
            maxLength={RESOLUTION_MAX}
            autosize
            minRows={2}
            error={error}
          />
          <Group grow>
            <Button color="green" loading={act.isPending} onClick={() => void run('resolve')}>
              {t('complaints.resolve')}
            </Button>
            <Button
              color="gray"
              variant="light"
              loading={act.isPending}
              onClick={() => void run('reject')}
            >
              {t('complaints.reject')}
            </Button>
          </Group>
        </Stack>
      ) : null}
    </Stack>
  );
}
