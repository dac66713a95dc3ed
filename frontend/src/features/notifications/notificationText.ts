import type { TFunction } from 'i18next';
import type { Notification } from './queries';

type Params = Notification['params'];

function text(params: Params, key: string): string {
  const value = params[key];
  return value === null || value === undefined ? '' : String(value);
}

/** A moment (ISO 8601) in the reader's language; an ISO day stays a day. */
function formatMoment(value: unknown, language: string): string {
  if (typeof value !== 'string' || value === '') return '';
  const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const date = new Date(dayOnly ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(
    language,
    dayOnly
      ? { dateStyle: 'medium', timeZone: 'UTC' }
      : { dateStyle: 'medium', timeStyle: 'short' },
  ).format(date);
}

/**
 * The notification in the reader's language: the template of its kind filled with its
 * parameters (the server stores no text). Dates are formatted for the reader's locale.
 */
export function notificationText(notification: Notification, t: TFunction, language: string) {
  const p = notification.params;
  const date = (key: string) => formatMoment(p[key], language);
  switch (notification.kind) {
    case 'assignment':
    case 'hand_over':
    case 'overdue':
    case 'reminder':
      return t(`notifications.${notification.kind}`, {
        task_title: text(p, 'task_title'),
        due_at: date('due_at'),
      });
    case 'mention':
      return p.author_name
        ? t('notifications.mention', { author_name: text(p, 'author_name') })
        : t('notifications.mentionAnonymous');
    case 'stale_deal':
    case 'stale_deal_close':
      return t(`notifications.${notification.kind}`, {
        deal_title: text(p, 'deal_title'),
        stage_name: text(p, 'stage_name'),
        days: text(p, 'days_in_stage'),
        max_days: text(p, 'max_days'),
      });
    case 'absence_substitute':
      return t('notifications.absence_substitute', {
        user_name: text(p, 'user_name'),
        starts_on: date('starts_on'),
        ends_on: date('ends_on'),
      });
    case 'work_handed_over':
      return t('notifications.work_handed_over', {
        from_user_name: text(p, 'from_user_name'),
        clients: text(p, 'clients'),
        deals: text(p, 'deals'),
        tasks: text(p, 'tasks'),
      });
    case 'webhook_disabled':
      return t('notifications.webhook_disabled', { url: text(p, 'url') });
    case 'automation':
      return t('notifications.automation', {
        rule_name: text(p, 'rule_name'),
        text: text(p, 'text'),
      });
    case 'legacy':
      return text(p, 'legacy_title');
  }
}

/** Where a notification leads in the app: the record it is about. */
export function notificationLink(notification: Notification): string | null {
  const p = notification.params;
  switch (notification.entity_type) {
    case 'task':
      return '/tasks';
    case 'deal':
      return notification.entity_id ? `/deals/${notification.entity_id}` : '/deals';
    case 'client':
      return notification.entity_id ? `/clients/${notification.entity_id}` : null;
    case 'webhook_endpoint':
      return '/settings/webhooks';
    case 'user':
      return '/tasks';
    default:
      return typeof p.client_id === 'string' ? `/clients/${p.client_id}` : null;
  }
}
