import { Anchor, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { formatPhone } from './phone';
import type { Task } from './queries';
import { CallButton } from '../telephony/CallButton';

/** What a task is about: its deal and client, linked, and the number to call. */
export function TaskSubject({ task }: { task: Task }) {
  const { t } = useTranslation();
  return (
    <Group gap="xs" wrap="wrap" data-testid="task-subject">
      {task.deal_id && task.deal_title ? (
        <Anchor component={Link} to={`/deals/${task.deal_id}`} size="sm">
          {task.deal_title}
        </Anchor>
      ) : null}
      {task.client_id && task.client_name ? (
        <Anchor component={Link} to={`/clients/${task.client_id}`} size="sm" c="dimmed">
          {task.client_name}
        </Anchor>
      ) : null}
      {task.phone ? (
        <>
          <Anchor
            href={`tel:${task.phone}`}
            size="sm"
            aria-label={t('tasks.call', { phone: formatPhone(task.phone) })}
          >
            {formatPhone(task.phone)}
          </Anchor>
          <CallButton phone={task.phone} clientId={task.client_id} dealId={task.deal_id} />
        </>
      ) : (
        <Text size="xs" c="dimmed" component="span">
          {task.client_id ? t('tasks.noPhone') : null}
        </Text>
      )}
    </Group>
  );
}
