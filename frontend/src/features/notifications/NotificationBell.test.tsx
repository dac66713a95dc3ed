import { screen, waitFor } from '@testing-library/react';
import { render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { AppProviders } from '../../AppProviders';
import { createQueryClient } from '../../api/queryClient';
import { i18n } from '../../i18n';
import { adminUser, json, mockApi } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { NotificationItem } from './NotificationBell';
import type { Notification, NotificationKind } from './queries';

const base = {
  entity_id: '00000000-0000-4000-8000-00000000d001',
  created_at: '2026-03-01T09:00:00Z',
  read_at: null,
};

const task = { task_id: 't-1', task_title: 'Позвонить', due_at: '2026-03-05T14:30:00Z' };
const deal = { deal_id: 'd-1', deal_title: 'Ромашка', stage_name: 'Заявка', max_days: 2 };

const examples: Record<NotificationKind, Notification> = {
  assignment: { ...base, id: 'n1', kind: 'assignment', entity_type: 'task', params: task },
  hand_over: { ...base, id: 'n2', kind: 'hand_over', entity_type: 'task', params: task },
  reminder: { ...base, id: 'n3', kind: 'reminder', entity_type: 'task', params: task },
  overdue: { ...base, id: 'n4', kind: 'overdue', entity_type: 'task', params: task },
  mention: {
    ...base,
    id: 'n5',
    kind: 'mention',
    entity_type: 'deal',
    params: { comment_id: 'c-1', author_name: 'Иван Петров', client_id: 'cl-1' },
  },
  stale_deal: {
    ...base,
    id: 'n6',
    kind: 'stale_deal',
    entity_type: 'deal',
    params: { ...deal, days_in_stage: 3 },
  },
  stale_deal_close: {
    ...base,
    id: 'n7',
    kind: 'stale_deal_close',
    entity_type: 'deal',
    params: { ...deal, days_in_stage: 5 },
  },
  absence_substitute: {
    ...base,
    id: 'n8',
    kind: 'absence_substitute',
    entity_type: 'user',
    params: { user_name: 'Анна Смирнова', starts_on: '2026-03-02', ends_on: '2026-03-06' },
  },
  work_handed_over: {
    ...base,
    id: 'n9',
    kind: 'work_handed_over',
    entity_type: 'user',
    params: { from_user_name: 'Олег', clients: 2, deals: 1, tasks: 4 },
  },
  webhook_disabled: {
    ...base,
    id: 'n10',
    kind: 'webhook_disabled',
    entity_type: 'webhook_endpoint',
    params: { url: 'https://hooks.example.com/crm' },
  },
  legacy: {
    ...base,
    id: 'n11',
    kind: 'legacy',
    entity_type: null,
    params: { legacy_title: 'Сделка «Ромашка» зависла' },
  },
};

const expected: Record<'ru' | 'en', Record<NotificationKind, string>> = {
  ru: {
    assignment: 'Вам назначена задача «Позвонить»',
    hand_over: 'Вам передана задача отсутствующего коллеги «Позвонить»',
    reminder: 'Напоминание: «Позвонить»',
    overdue: `Просрочена задача «Позвонить» (срок ${moment('ru', task.due_at)})`,
    mention: 'Иван Петров упомянул(а) вас в обсуждении',
    stale_deal: 'Сделка «Ромашка» зависла на этапе «Заявка»: 3 дн. при лимите 2 дн.',
    stale_deal_close:
      'Закрыть сделку «Ромашка» с отказом? 5 дн. на этапе «Заявка» — вдвое больше лимита 2 дн.',
    absence_substitute: `Вы замещаете Анна Смирнова с ${day('ru', '2026-03-02')} по ${day('ru', '2026-03-06')}`,
    work_handed_over: 'Вам передана работа Олег: клиентов 2, сделок 1, задач 4',
    webhook_disabled:
      'Вебхук https://hooks.example.com/crm отключён после суток неудачных доставок',
    legacy: 'Сделка «Ромашка» зависла',
  },
  en: {
    assignment: 'You were assigned the task “Позвонить”',
    hand_over: 'You took over the task “Позвонить” from an absent colleague',
    reminder: 'Reminder: “Позвонить”',
    overdue: `The task “Позвонить” is overdue (due ${moment('en', task.due_at)})`,
    mention: 'Иван Петров mentioned you in a discussion',
    stale_deal: 'The deal “Ромашка” is stuck in the stage “Заявка”: 3 days, the limit is 2',
    stale_deal_close:
      'Close the deal “Ромашка” as lost? 5 days in the stage “Заявка”, twice the limit of 2',
    absence_substitute: `You stand in for Анна Смирнова from ${day('en', '2026-03-02')} to ${day('en', '2026-03-06')}`,
    work_handed_over: 'You received the work of Олег: 2 clients, 1 deals, 4 tasks',
    webhook_disabled:
      'The webhook https://hooks.example.com/crm was disabled after a day of failed deliveries',
    legacy: 'Сделка «Ромашка» зависла',
  },
};

function moment(language: string, iso: string) {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );
}

function day(language: string, iso: string) {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' }).format(
    new Date(`${iso}T00:00:00Z`),
  );
}

describe('NotificationItem', () => {
  afterEach(async () => {
    await i18n.changeLanguage('ru');
  });

  it.each(['ru', 'en'] as const)('renders every kind in %s from its parameters', async (lang) => {
    await i18n.changeLanguage(lang);
    for (const kind of Object.keys(examples) as NotificationKind[]) {
      const { unmount } = render(
        <AppProviders queryClient={createQueryClient()} env="test">
          <NotificationItem notification={examples[kind]} />
        </AppProviders>,
      );
      expect(screen.getByText(expected[lang][kind])).toBeInTheDocument();
      unmount();
    }
  });

  it('dates follow the reader’s language', async () => {
    await i18n.changeLanguage('uk');
    render(
      <AppProviders queryClient={createQueryClient()} env="test">
        <NotificationItem notification={examples.overdue} />
      </AppProviders>,
    );
    expect(
      screen.getByText(`Прострочено завдання «Позвонить» (термін ${moment('uk', task.due_at)})`),
    ).toBeInTheDocument();
  });
});

describe('NotificationBell', () => {
  it('shows the unread count and marks a notification read when opened', async () => {
    setTokens({ access: 'access-1' });
    let items: Notification[] = [
      examples.assignment,
      { ...examples.mention, read_at: base.created_at },
    ];
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/tasks': () => json(200, { items: [], next_cursor: null }),
      'GET /api/v1/notifications': () => json(200, { items, next_cursor: null }),
      'POST /api/v1/notifications/n1/read': () => {
        items = items.map((n) => (n.id === 'n1' ? { ...n, read_at: base.created_at } : n));
        return json(200, items[0]);
      },
    });
    const { user, router } = renderApp('/clients');

    const bell = await screen.findByRole(
      'button',
      { name: 'Уведомления, непрочитанных: 1' },
      { timeout: 5000 },
    );
    await user.click(bell);
    await user.click(await screen.findByText('Вам назначена задача «Позвонить»'));

    await waitFor(() =>
      expect(api.callsTo('POST', '/api/v1/notifications/n1/read')).toHaveLength(1),
    );
    await waitFor(() => expect(router.state.location.pathname).toBe('/tasks'));
  });
});
