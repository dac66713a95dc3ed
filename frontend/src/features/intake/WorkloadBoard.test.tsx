import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { moveCard, type Workload, type WorkloadCard } from './distribution';

const card: WorkloadCard = {
  deal_id: 'deal-1',
  title: 'Сайт: Курс Python',
  client_name: 'Мария Иванова',
  stage_name: 'Первый',
  amount: '1500.00',
  currency: 'RUB',
  version: 3,
  from_lead: true,
};

const view: Workload = {
  managers: [
    {
      user_id: 'u-1',
      full_name: 'Алексей Сидоров',
      on_duty: true,
      open_leads: 2,
      open_deals: 5,
      overdue_tasks: 1,
      calls_today: 4,
      deals: [card],
    },
    {
      user_id: 'u-2',
      full_name: 'Дмитрий Морозов',
      on_duty: false,
      open_leads: 0,
      open_deals: 0,
      overdue_tasks: 0,
      calls_today: 0,
      deals: [],
    },
  ],
};

describe('moveCard', () => {
  it('moves the card and its lead from one column to another, counts included', () => {
    const moved = moveCard(view, card, 'u-2');
    expect(moved.managers[0]).toMatchObject({ open_deals: 4, open_leads: 1, deals: [] });
    expect(moved.managers[1]).toMatchObject({ open_deals: 1, open_leads: 1, deals: [card] });
  });
});

describe('WorkloadBoard', () => {
  it('shows each person’s load and gives a deal to a colleague from the card’s menu', async () => {
    setTokens({ access: 'access-1' });
    // The server's view after the deal changed hands.
    let current = view;
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/intake/workload': () => json(200, current),
      'PATCH /api/v1/deals/deal-1': () => {
        current = moveCard(view, card, 'u-2');
        return json(200, { id: 'deal-1', responsible_id: 'u-2' });
      },
    });
    const { user } = renderApp('/workload');

    const first = await screen.findByRole('region', { name: 'Алексей Сидоров' }, { timeout: 5000 });
    expect(within(first).getByText('Лиды: 2')).toBeInTheDocument();
    expect(within(first).getByText('Просрочено: 1')).toBeInTheDocument();
    expect(within(first).getByText('Звонки сегодня: 4')).toBeInTheDocument();
    expect(within(first).getByText('На смене')).toBeInTheDocument();
    const second = screen.getByRole('region', { name: 'Дмитрий Морозов' });
    expect(within(second).getByText('Не на смене')).toBeInTheDocument();
    expect(within(second).getByText('Открытых сделок нет')).toBeInTheDocument();

    await user.click(within(first).getByRole('button', { name: 'Передать «Сайт: Курс Python»' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Дмитрий Морозов' }));
    await waitFor(() => expect(api.callsTo('PATCH', '/api/v1/deals/deal-1')).toHaveLength(1));
    const [sent] = api.callsTo('PATCH', '/api/v1/deals/deal-1');
    expect(JSON.parse(sent?.body ?? '{}')).toEqual({ responsible_id: 'u-2' });
    expect(sent?.headers.get('If-Match')).toBe('"v3"');
    await waitFor(() =>
      expect(
        within(screen.getByRole('region', { name: 'Дмитрий Морозов' })).getByText(
          'Сайт: Курс Python',
        ),
      ).toBeInTheDocument(),
    );
  }, 30_000);

  it('puts a refused card back and says why', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/intake/workload': () => json(200, view),
      'PATCH /api/v1/deals/deal-1': () => problem(412, 'Deal was changed by someone else'),
    });
    const { user } = renderApp('/workload');
    const first = await screen.findByRole('region', { name: 'Алексей Сидоров' }, { timeout: 5000 });
    await user.click(within(first).getByRole('button', { name: 'Передать «Сайт: Курс Python»' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Дмитрий Морозов' }));
    await waitFor(() =>
      expect(
        within(screen.getByRole('region', { name: 'Алексей Сидоров' })).getByText(
          'Сайт: Курс Python',
        ),
      ).toBeInTheDocument(),
    );
    expect(
      within(screen.getByRole('region', { name: 'Дмитрий Морозов' })).queryByText(
        'Сайт: Курс Python',
      ),
    ).toBeNull();
  }, 30_000);

  it('says when the load could not be read, with a retry', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/intake/workload': () => problem(500, 'boom'),
    });
    renderApp('/workload');
    expect(
      await screen.findByRole('button', { name: 'Повторить' }, { timeout: 8000 }),
    ).toBeInTheDocument();
  }, 30_000);
});
