import { Badge, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { type Complaint, daysLeft, STATUS_COLORS } from './queries';

export function ComplaintStatusBadge({ complaint }: { complaint: Complaint }) {
  const { t } = useTranslation();
  return (
    <Badge color={STATUS_COLORS[complaint.status]} variant="light" style={{ flexShrink: 0 }}>
      {t(`complaints.status.${complaint.status}`)}
    </Badge>
  );
}

/** The deadline and the time left: "через 2 дн.", "сегодня", overdue in red; a closed
 * complaint shows the date alone. */
export function ComplaintDeadline({ complaint }: { complaint: Complaint }) {
  const { t, i18n } = useTranslation();
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' }).format(
    new Date(`${complaint.deadline}T00:00:00`),
  );
  const open = complaint.status === 'new' || complaint.status === 'in_work';
  if (!open) return <Text size="sm">{date}</Text>;
  const left = daysLeft(complaint.deadline);
  const countdown = complaint.is_overdue
    ? t('complaints.countdown.overdue', { count: Math.max(1, -left) })
    : left <= 0
      ? t('complaints.countdown.today')
      : t('complaints.countdown.left', { count: left });
  return (
    <Text size="sm" c={complaint.is_overdue ? 'red' : left <= 1 ? 'orange' : undefined}>
      {date} · <span data-testid="complaint-countdown">{countdown}</span>
    </Text>
  );
}
