import { notifications as toasts } from '@mantine/notifications';
import { act, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppProviders } from '../../AppProviders';
import { createQueryClient } from '../../api/queryClient';
import { i18n } from '../../i18n';
import { adminUser, json, mockApi } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { NotificationItem } from './NotificationBell';
import { retryDelay } from './useNotificationStream';
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
  automation: {
    ...base,
    id: 'n12',
    kind: 'automation',
    entity_type: 'deal',
    params: { rule_id: 'r-1', rule_name: 'Юристу', text: 'Проверьте договор', deal_id: 'd-1' },
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
    automation: 'Правило «Юристу»: Проверьте договор',
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
    automation: 'Rule “Юристу”: Проверьте договор',
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

/** Stands in for the browser's EventSource, which jsdom lacks; tests push events through it. */
class FakeEventSource extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static instances: FakeEventSource[] = [];
  readyState = FakeEventSource.CONNECTING;

  readonly url: string;

  constructor(url: string) {
    super();
    this.url = url;
    FakeEventSource.instances.push(this);
  }

  close() {
    this.readyState = FakeEventSource.CLOSED;
  }

  open() {
    this.readyState = FakeEventSource.OPEN;
    this.dispatchEvent(new Event('open'));
  }

  send(notification: Notification) {
    this.dispatchEvent(
      new MessageEvent('notification', {
        data: JSON.stringify(notification),
        lastEventId: notification.id,
      }),
    );
  }

  /** The server's mark after the backlog: what comes next is live. */
  ready() {
    this.dispatchEvent(new MessageEvent('ready', { data: '{}' }));
  }

  refuse() {
    this.readyState = FakeEventSource.CLOSED;
    this.dispatchEvent(new Event('error'));
  }

  static latest(): FakeEventSource {
    const last = FakeEventSource.instances.at(-1);
    if (!last) throw new Error('no stream was opened');
    return last;
  }
}

/**
 * The notifications API over a list it keeps: `unread=true` filters it and the read routes
 * change it, as the server does.
 */
function notificationsApi(initial: Notification[], later: Notification[] = []) {
  let items = initial;
  const read = (id: string) => {
    items = items.map((n) => (n.id === id ? { ...n, read_at: n.read_at ?? base.created_at } : n));
    return items.find((n) => n.id === id);
  };
  const readRoutes = Object.fromEntries(
    [...initial, ...later].map((n) => [
      `POST /api/v1/notifications/${n.id}/read`,
      () => json(200, read(n.id)),
    ]),
  );
  const api = mockApi({
    'GET /api/v1/users/me': () => json(200, adminUser),
    'GET /api/v1/notifications': (request) => {
      const unreadOnly = new URL(request.url).searchParams.get('unread') === 'true';
      return json(200, {
        items: unreadOnly ? items.filter((n) => n.read_at === null) : items,
        next_cursor: null,
      });
    },
    'POST /api/v1/notifications/read-all': () => {
      const marked = items.filter((n) => n.read_at === null).length;
      items.forEach((n) => read(n.id));
      return json(200, { marked });
    },
    ...readRoutes,
  });
  /** What the server stores before it announces it on the stream. */
  const create = (notification: Notification) => {
    items = [notification, ...items];
  };
  return { ...api, create };
}

// A page that asks the API nothing but what the shell asks, so no other toast competes.
const PAGE = '/no-such-page';

const bellNamed = (unread: number | string) =>
  screen.findByRole('button', { name: `Уведомления, непрочитанных: ${unread}` });

describe('NotificationBell', () => {
  beforeEach(() => {
    toasts.clean();
    FakeEventSource.instances = [];
    vi.stubGlobal('EventSource', FakeEventSource);
    setTokens({ access: 'access-1' });
  });

  it('shows the unread count and marks a notification read when opened', async () => {
    const api = notificationsApi([
      examples.assignment,
      { ...examples.mention, read_at: base.created_at },
    ]);
    const { user, router } = renderApp(PAGE);

    await user.click(await bellNamed(1));
    await user.click(await screen.findByText('Вам назначена задача «Позвонить»'));

    await waitFor(() =>
      expect(api.callsTo('POST', '/api/v1/notifications/n1/read')).toHaveLength(1),
    );
    await waitFor(() => expect(router.state.location.pathname).toBe('/tasks'));
    expect(await bellNamed(0)).toBeInTheDocument();
  });

  it('counts the unread ones on the server, not only the latest shown', async () => {
    const unread = Array.from({ length: 100 }, (_, i) => ({
      ...examples.assignment,
      id: `u${i}`,
    }));
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/notifications': (request) =>
        json(200, {
          items: unread.slice(0, Number(new URL(request.url).searchParams.get('limit'))),
          next_cursor: 'more',
        }),
    });
    renderApp(PAGE);
    expect(await bellNamed('99+')).toBeInTheDocument();
  });

  it('opens the stream with the access token and adds what arrives, with a toast', async () => {
    const due = { ...examples.reminder, id: 'live-1', created_at: new Date().toISOString() };
    const server = notificationsApi([], [due]);
    const { user, router } = renderApp(PAGE);
    await bellNamed(0);
    const stream = FakeEventSource.latest();
    expect(stream.url).toBe('/api/v1/notifications/stream?access_token=access-1');
    stream.open();
    stream.ready();

    server.create(due);
    act(() => stream.send(due));

    expect(await bellNamed(1)).toBeInTheDocument();
    expect(await screen.findByText('Напоминание')).toBeInTheDocument();
    await user.click(await screen.findByRole('button', { name: 'Открыть' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/tasks'));
    expect(server.callsTo('POST', '/api/v1/notifications/live-1/read')).toHaveLength(1);
    expect(await bellNamed(0)).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByText('Напоминание')).not.toBeInTheDocument());

    // The same notification again (a reconnection's backlog) changes nothing and is not toasted.
    act(() => stream.send(due));
    expect(await bellNamed(0)).toBeInTheDocument();
    expect(screen.queryByText('Напоминание')).not.toBeInTheDocument();
    await user.click(await bellNamed(0));
    expect(await screen.findAllByTestId('notification')).toHaveLength(1);
  });

  it('counts the backlog the stream sends first but toasts only what comes after it', async () => {
    notificationsApi([]);
    renderApp(PAGE);
    await bellNamed(0);
    const stream = FakeEventSource.latest();
    act(() => {
      stream.open();
      stream.send({ ...examples.overdue, id: 'old-1', created_at: new Date().toISOString() });
    });
    expect(await bellNamed(1)).toBeInTheDocument();
    expect(screen.queryByText('Задача просрочена')).not.toBeInTheDocument();

    act(() => {
      stream.ready();
      stream.send({ ...examples.overdue, id: 'new-1', created_at: new Date().toISOString() });
    });
    expect(await bellNamed(2)).toBeInTheDocument();
    expect(await screen.findByText('Задача просрочена')).toBeInTheDocument();
  });

  it('a burst of notifications refetches the today counters once, not once each', async () => {
    const api = notificationsApi([]);
    const todays = () => api.callsTo('GET', '/api/v1/today').length;
    renderApp(PAGE);
    await bellNamed(0);
    const stream = FakeEventSource.latest();
    act(() => {
      stream.open();
      stream.ready();
    });
    const before = todays();
    act(() => {
      for (let i = 0; i < 40; i += 1) {
        stream.send({
          ...examples.stale_deal,
          id: `burst-${i}`,
          created_at: new Date().toISOString(),
        });
      }
    });
    expect(await bellNamed(40)).toBeInTheDocument();
    await waitFor(() => expect(todays()).toBe(before + 1), { timeout: 4000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(todays()).toBe(before + 1);
  });

  it('a stale-deal alert leads to the deal', async () => {
    notificationsApi([examples.stale_deal]);
    const { user, router } = renderApp(PAGE);
    await user.click(await bellNamed(1));
    await user.click(await screen.findByText(expected.ru.stale_deal));
    await waitFor(() =>
      expect(router.state.location.pathname).toBe(`/deals/${examples.stale_deal.entity_id}`),
    );
  });

  it('marks one as read without leaving the page, and all at once', async () => {
    const api = notificationsApi([examples.assignment, examples.mention]);
    const { user, router } = renderApp(PAGE);

    await user.click(await bellNamed(2));
    const [first] = await screen.findAllByRole('button', { name: 'Отметить прочитанным' });
    await user.click(first!);
    expect(await bellNamed(1)).toBeInTheDocument();
    expect(api.callsTo('POST', '/api/v1/notifications/n1/read')).toHaveLength(1);
    expect(router.state.location.pathname).toBe(PAGE);

    await user.click(screen.getByRole('button', { name: 'Прочитать все' }));
    await waitFor(() =>
      expect(api.callsTo('POST', '/api/v1/notifications/read-all')).toHaveLength(1),
    );
    expect(await bellNamed(0)).toBeInTheDocument();
    await waitFor(() =>
      expect(
        screen.queryByRole('button', { name: 'Отметить прочитанным' }),
      ).not.toBeInTheDocument(),
    );
  });

  it('opens the stream again after the server refused it, and refetches', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const api = notificationsApi([]);
      renderApp(PAGE);
      await bellNamed(0);
      const first = FakeEventSource.latest();
      const listed = api.callsTo('GET', '/api/v1/notifications').length;

      act(() => first.refuse());
      await act(() => vi.advanceTimersByTimeAsync(retryDelay(1)));

      await waitFor(() => expect(FakeEventSource.instances).toHaveLength(2));
      expect(first.readyState).toBe(FakeEventSource.CLOSED);
      expect(api.callsTo('GET', '/api/v1/notifications').length).toBeGreaterThan(listed);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('retryDelay', () => {
  it('doubles from one second up to thirty', () => {
    expect([1, 2, 3, 4, 5, 6, 10].map(retryDelay)).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000,
    ]);
  });
});
