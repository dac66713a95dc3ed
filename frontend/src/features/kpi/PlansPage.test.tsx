import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { periodLabel, periodStart, shiftPeriod } from './period';
import type { Fulfilment, Leaderboard } from './queries';

const metric = (
  name: Fulfilment['employees'][number]['metrics'][number]['metric'],
  fact: string,
  plan: string | null = null,
  percent: string | null = null,
  forecast: string | null = null,
) => ({ metric: name, fact, plan, percent, forecast });

function fulfilment(start: string): Fulfilment {
  return {
    period_kind: 'month',
    period_start: start,
    period_end: start,
    basis: 'paid_invoices',
    currency: 'RUB',
    employees: [
      {
        id: 'u-1',
        name: 'Алексей Сидоров',
        department_id: 'd-1',
        metrics: [
          metric('turnover', '750000.00', '1500000.00', '50.0', '200000.00'),
          metric('margin', '0'),
          metric('won_deals', '3', '6.00', '50.0'),
          metric('deals_in_work', '12'),
          metric('calls', '130', '120.00', '108.3'),
          metric('meetings', '2', '12.00', '16.7'),
        ],
      },
    ],
    departments: [
      {
        id: 'd-1',
        name: 'Отдел продаж',
        department_id: null,
        metrics: [metric('turnover', '750000.00', '7500000.00', '10.0')],
      },
    ],
  };
}

describe('periods', () => {
  it('finds the first day of the period holding a day and steps between periods', () => {
    const day = new Date(2026, 11, 3); // Thursday, 3 December 2026
    expect(periodStart('week', day)).toBe('2026-11-30');
    expect(periodStart('month', day)).toBe('2026-12-01');
    expect(periodStart('quarter', day)).toBe('2026-10-01');
    expect(periodStart('year', day)).toBe('2026-01-01');
    expect(shiftPeriod('month', '2026-12-01', 1)).toBe('2027-01-01');
    expect(shiftPeriod('quarter', '2026-01-01', -1)).toBe('2025-10-01');
    expect(shiftPeriod('week', '2026-11-30', 1)).toBe('2026-12-07');
    expect(periodLabel('quarter', '2026-04-01', 'ru')).toBe('Q2 2026');
  });
});

describe('PlansPage', () => {
  it('shows each employee’s plan against fact and asks for the period chosen', async () => {
    setTokens({ access: 'access-1' });
    const asked: string[] = [];
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/kpi/fulfilment': (request) => {
        const query = new URL(request.url).searchParams;
        asked.push(`${query.get('period')} ${query.get('start')}`);
        return json(200, fulfilment(query.get('start') ?? ''));
      },
    });
    const { user } = renderApp('/plans');

    const employees = await screen.findByRole('table', { name: 'Сотрудники' }, { timeout: 5000 });
    const row = within(employees).getByRole('row', { name: /Алексей Сидоров/ });
    expect(within(row).getAllByText('50.0 %')).toHaveLength(2); // turnover and deals won
    expect(within(row).getByText('108.3 %')).toBeInTheDocument();
    expect(within(row).getByText(/Прогноз/)).toBeInTheDocument();
    expect(screen.getByRole('table', { name: 'Отделы' })).toHaveTextContent('Отдел продаж');

    const start = periodStart('month', new Date());
    expect(asked).toEqual([`month ${start}`]);
    await user.click(screen.getByRole('button', { name: 'Следующий период' }));
    await screen.findByText(periodLabel('month', shiftPeriod('month', start, 1), 'ru'));
    expect(asked.at(-1)).toBe(`month ${shiftPeriod('month', start, 1)}`);
  });
});

describe('LeaderboardPage', () => {
  it('ranks people by turnover fulfilment without any amounts', async () => {
    setTokens({ access: 'access-1' });
    const board: Leaderboard = {
      period_kind: 'month',
      period_start: '2026-12-01',
      period_end: '2026-12-31',
      items: [
        { rank: 1, user_id: 'u-2', name: 'Олена Коваленко', percent: '120.0' },
        { rank: 2, user_id: 'u-1', name: 'Алексей Сидоров', percent: '50.0' },
      ],
    };
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/kpi/leaderboard': () => json(200, board),
    });
    renderApp('/plans/leaderboard');

    const table = await screen.findByRole('table', { name: 'Рейтинг' }, { timeout: 5000 });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent)).toEqual([
      '1Олена Коваленко120.0 %',
      '2Алексей Сидоров50.0 %',
    ]);
  });
});

describe('PlanFormModal', () => {
  it('changes the target of the plan the subject has for the period, at its version', async () => {
    setTokens({ access: 'access-1' });
    const start = periodStart('month', new Date());
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/kpi/fulfilment': () => json(200, fulfilment(start)),
      'GET /api/v1/kpi/plans': () =>
        json(200, { items: [{ id: 'plan-1', version: 4 }], next_cursor: null }),
      'PATCH /api/v1/kpi/plans/plan-1': () => json(200, { id: 'plan-1', version: 5 }),
    });
    const { user } = renderApp('/plans');

    await user.click(
      await screen.findByRole('button', { name: 'Поставить план' }, { timeout: 5000 }),
    );
    await user.type(screen.getByRole('textbox', { name: /План$/ }), '2 000 000');
    await user.click(screen.getByRole('button', { name: 'Сохранить' }));

    await screen.findByText('План сохранён');
    const [patch] = api.callsTo('PATCH', '/api/v1/kpi/plans/plan-1');
    expect(patch?.headers.get('If-Match')).toBe('"v4"');
    expect(JSON.parse(patch?.body ?? '{}')).toEqual({ target: '2000000' });
  });

  it('says the plan of a closed month no longer changes, naming the month', async () => {
    setTokens({ access: 'access-1' });
    const start = periodStart('month', new Date());
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/kpi/fulfilment': () => json(200, fulfilment(start)),
      'GET /api/v1/kpi/plans': () =>
        json(200, { items: [{ id: 'plan-1', version: 4 }], next_cursor: null }),
      'PATCH /api/v1/kpi/plans/plan-1': () =>
        json(
          409,
          {
            type: 'https://crm.example/problems/period-closed',
            title: 'Period closed',
            status: 409,
            detail: 'The month is closed',
            period: '2026-10-01',
          },
          'application/problem+json',
        ),
    });
    const { user } = renderApp('/plans');

    await user.click(
      await screen.findByRole('button', { name: 'Поставить план' }, { timeout: 5000 }),
    );
    await user.type(screen.getByRole('textbox', { name: /План$/ }), '100');
    await user.click(screen.getByRole('button', { name: 'Сохранить' }));

    expect(await within(screen.getByRole('dialog')).findByRole('alert')).toHaveTextContent(
      'Месяц «октябрь 2026 г.» закрыт: то, что к нему относится, больше не меняется.',
    );
  });
});
