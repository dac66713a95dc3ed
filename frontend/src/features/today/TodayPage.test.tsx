import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { task, today } from '../tasks/fixtures';

const seller = { ...adminUser, role_code: 'seller', permissions: ['tasks:read', 'deals:read'] };
const deal = {
  id: 'd-9',
  title: 'Поставка станков',
  client_id: 'c-9',
  client_name: 'АО Станкомаш',
  stage_id: 's-1',
  stage_name: 'Переговоры',
  stage_entered_at: '2020-01-01T09:00:00Z',
  amount: '150000.00',
  currency: 'RUB',
  responsible_id: adminUser.id,
};

describe('TodayPage', () => {
  it('shows each section with its count, links to the records and counts due tasks in the menu', async () => {
    setTokens({ access: 'access-1' });
    const late = task('t-1', 'Перезвонить клиенту', '2020-01-01T09:00:00Z', {
      deal_id: 'd-1',
      deal_title: 'Поставка труб',
      phone: '+79123456789',
    });
    mockApi({
      'GET /api/v1/users/me': () => json(200, seller),
      'GET /api/v1/today': () =>
        json(
          200,
          today({
            overdue_tasks: { count: 3, capped: false, items: [late] },
            today_tasks: { count: 2, capped: false, items: [] },
            stale_deals: { count: 999, capped: true, items: [deal] },
            deals_without_next_task: { count: 0, capped: false, items: [] },
          }),
        ),
    });
    renderApp('/');

    const overdue = await screen.findByTestId('today-overdue', {}, { timeout: 5000 });
    expect(within(overdue).getByTestId('count')).toHaveTextContent('3');
    expect(within(overdue).getByRole('link', { name: 'Поставка труб' })).toHaveAttribute(
      'href',
      '/deals/d-1',
    );
    expect(within(overdue).getByRole('link', { name: 'Показать все' })).toHaveAttribute(
      'href',
      '/tasks?due=overdue',
    );
    const stale = screen.getByTestId('today-stale');
    expect(within(stale).getByTestId('count')).toHaveTextContent('999+');
    expect(within(stale).getByRole('link', { name: 'Поставка станков' })).toHaveAttribute(
      'href',
      '/deals/d-9',
    );
    expect(within(stale).getByRole('link', { name: 'АО Станкомаш' })).toBeInTheDocument();
    expect(
      within(screen.getByTestId('today-unplanned')).getByText(
        'У каждой открытой сделки есть следующая задача',
      ),
    ).toBeVisible();
    expect(
      within(screen.getByTestId('today-today')).getByText('На сегодня задач больше нет'),
    ).toBeVisible();
    // Overdue and today's, on "Today" and on "Tasks".
    expect(screen.getByTestId('nav-count-/')).toHaveTextContent('5');
    expect(screen.getByTestId('nav-count-/tasks')).toHaveTextContent('5');
  });

  it('shows a failed load as an error with a retry', async () => {
    setTokens({ access: 'access-1' });
    let fail = true;
    mockApi({
      'GET /api/v1/users/me': () => json(200, seller),
      'GET /api/v1/today': () => (fail ? problem(403, 'denied') : json(200, today())),
    });
    const { user } = renderApp('/');

    expect(
      await screen.findByText('Не удалось загрузить сводку на сегодня', {}, { timeout: 5000 }),
    ).toBeVisible();
    fail = false;
    await user.click(screen.getByRole('button', { name: 'Повторить' }));

    expect(await screen.findByText('Просроченных задач нет')).toBeVisible();
  });

  it('completes a task from the day with its result', async () => {
    setTokens({ access: 'access-1' });
    const due = task('t-1', 'Перезвонить клиенту', '2020-01-01T09:00:00Z', { version: 2 });
    let done = false;
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, seller),
      'GET /api/v1/today': () =>
        json(
          200,
          today({
            overdue_tasks: { count: done ? 0 : 1, capped: false, items: done ? [] : [due] },
          }),
        ),
      'POST /api/v1/tasks/t-1/complete': () => {
        done = true;
        return json(200, { ...due, done: true });
      },
      'POST /api/v1/activities': () => json(201, {}),
    });
    const { user } = renderApp('/');

    await user.click(
      await screen.findByRole('checkbox', { name: /Перезвонить клиенту/ }, { timeout: 5000 }),
    );
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByLabelText(/Результат/));
    await user.paste('Клиент согласен');
    await user.click(within(dialog).getByLabelText('Запланировать следующую задачу'));
    await user.click(within(dialog).getByRole('button', { name: 'Выполнить' }));

    expect(await screen.findByText('Просроченных задач нет')).toBeVisible();
    await waitFor(() => expect(screen.queryByTestId('nav-count-/')).not.toBeInTheDocument());
    expect(api.callsTo('POST', '/api/v1/tasks/t-1/complete')[0]?.headers.get('If-Match')).toBe(
      '"v2"',
    );
    expect(api.callsTo('POST', '/api/v1/tasks')).toHaveLength(0);
  }, 30_000);
});
