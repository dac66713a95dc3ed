import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { salesFunnel, STAGE_CONTRACT, STAGE_QUALIFY } from '../deals/fixtures';
import { formatMoney } from '../deals/money';
import { visibleNavItems } from '../shell/navigation';
import type { Effectiveness, MarketingCost } from './queries';

// ECharts draws nothing in jsdom: the chart stands in as the image it is; the table holds
// the same figures.
vi.mock('./MarketingChart', () => ({
  CostRevenueChart: ({ title }: { title: string }) => <div role="img" aria-label={title} />,
}));

const marketer = {
  ...adminUser,
  role_code: 'marketer',
  role_name: 'Маркетолог',
  permissions: ['marketing:manage'],
};

function report(funnelId: string | null): Effectiveness {
  return {
    first_month: '2026-09-01',
    last_month: '2026-11-01',
    currency: 'RUB',
    funnel_id: funnelId,
    items: [
      {
        source: 'website',
        campaign: 'весна-2026',
        cost: '30000.00',
        leads: 12,
        won: 3,
        revenue: '90000.00',
        cost_per_lead: '2500.00',
        cost_per_won: '10000.00',
        return_on_spend: '200.0',
        stages: funnelId
          ? [
              {
                stage_id: STAGE_QUALIFY,
                stage_name: 'Квалификация',
                deals: 10,
                cost_per_deal: '3000.00',
              },
              {
                stage_id: STAGE_CONTRACT,
                stage_name: 'Договор',
                deals: 4,
                cost_per_deal: '7500.00',
              },
            ]
          : [],
      },
      {
        source: 'exhibition',
        campaign: null,
        cost: '50000.00',
        leads: 5,
        won: 0,
        revenue: '0',
        cost_per_lead: '10000.00',
        cost_per_won: null,
        return_on_spend: '-100.0',
        stages: [],
      },
    ],
  };
}

const cost: MarketingCost = {
  id: 'c-1',
  month: '2026-11-01',
  source: 'website',
  campaign: 'весна-2026',
  amount: '30000.00',
  currency: 'RUB',
  comment: 'Директ',
  created_by: adminUser.id,
  created_at: '2026-11-02T10:00:00Z',
  updated_at: '2026-11-02T10:00:00Z',
  version: 1,
};

function api(user: typeof adminUser, onCreate?: (body: unknown) => Response) {
  const asked: URLSearchParams[] = [];
  const mock = mockApi({
    'GET /api/v1/users/me': () => json(200, user),
    'GET /api/v1/funnels': () => json(200, [salesFunnel]),
    'GET /api/v1/marketing/effectiveness': (request) => {
      const query = new URL(request.url).searchParams;
      asked.push(query);
      return json(200, report(query.get('funnel_id')));
    },
    'GET /api/v1/marketing/costs': () => json(200, { items: [cost], next_cursor: null }),
    'POST /api/v1/marketing/costs': async (request) =>
      onCreate ? onCreate(await request.json()) : json(201, cost),
  });
  return { asked, mock };
}

const money = (value: number) => formatMoney(value, 'RUB', 'ru');

describe('MarketingPage', () => {
  it('shows each source’s figures for the months and funnel in the URL', async () => {
    setTokens({ access: 'access-1' });
    const { asked } = api({ ...adminUser, role_code: 'admin' });
    renderApp(`/marketing?from=2026-09&to=2026-11&funnel=${salesFunnel.id}`);

    const table = await screen.findByRole('table', { name: 'Эффективность источников' });
    const row = within(table).getByRole('row', { name: /весна-2026/ });
    expect(
      within(row)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual([
      'website',
      'весна-2026',
      money(30000),
      '12',
      '3',
      money(90000),
      money(2500),
      money(10000),
      '200,0 %',
    ]);
    const exhibition = within(table).getByRole('row', { name: /exhibition/ });
    expect(within(exhibition).getByText('-100,0 %')).toBeInTheDocument();
    expect(asked.at(-1)?.get('from')).toBe('2026-09-01');
    expect(asked.at(-1)?.get('to')).toBe('2026-11-01');
    expect(asked.at(-1)?.get('funnel_id')).toBe(salesFunnel.id);

    const stages = await screen.findByRole('table', { name: 'Стоимость этапа' });
    const stageRow = within(stages).getByRole('row', { name: /весна-2026/ });
    expect(
      within(stageRow)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual(['website', 'весна-2026', `10 · ${money(3000)}`, `4 · ${money(7500)}`]);
    expect(
      await screen.findByRole('img', { name: 'Расход и выручка по источникам' }),
    ).toBeVisible();
    // The admin enters costs too.
    expect(screen.getByRole('button', { name: 'Добавить расход' })).toBeInTheDocument();
  });

  it('asks without a funnel by default, over the last three months', async () => {
    setTokens({ access: 'access-1' });
    const { asked } = api({ ...adminUser, role_code: 'admin' });
    renderApp('/marketing');
    await screen.findByRole('table', { name: 'Эффективность источников' });
    const today = new Date();
    const first = new Date(today.getFullYear(), today.getMonth() - 2, 1);
    const day = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-01`;
    expect(asked[0]?.get('from')).toBe(day(first));
    expect(asked[0]?.get('to')).toBe(day(today));
    expect(asked[0]?.has('funnel_id')).toBe(false);
    expect(screen.queryByRole('table', { name: 'Стоимость этапа' })).not.toBeInTheDocument();
  });

  it('lets a marketer add a cost and says when the month’s cost exists', async () => {
    setTokens({ access: 'access-1' });
    let answered = 0;
    const { mock } = api(marketer, () => {
      answered += 1;
      return answered === 1
        ? json(201, { ...cost, id: 'c-2', source: 'phone', campaign: null })
        : problem(409, 'A cost of this source exists for the month');
    });
    const { user } = renderApp('/marketing');
    const form = await screen.findByRole('form', { name: 'Добавить расход' });
    await user.clear(within(form).getByLabelText('Месяц'));
    await user.type(within(form).getByLabelText('Месяц'), '2026-11');
    await user.type(within(form).getByLabelText('Источник', { selector: 'input' }), 'phone');
    await user.type(within(form).getByLabelText('Сумма'), '12500,50');
    await user.type(within(form).getByLabelText('Комментарий'), 'Звонки');
    await user.click(within(form).getByRole('button', { name: 'Добавить расход' }));

    await waitFor(() => expect(mock.callsTo('POST', '/api/v1/marketing/costs')).toHaveLength(1));
    expect(JSON.parse(mock.callsTo('POST', '/api/v1/marketing/costs')[0]!.body)).toEqual({
      month: '2026-11-01',
      source: 'phone',
      campaign: null,
      amount: '12500.50',
      comment: 'Звонки',
    });
    // The form empties for the next cost; the same again is refused.
    await waitFor(() => expect(within(form).getByLabelText('Сумма')).toHaveValue(''));
    await user.type(within(form).getByLabelText('Источник', { selector: 'input' }), 'phone');
    await user.type(within(form).getByLabelText('Сумма'), '100');
    await user.click(within(form).getByRole('button', { name: 'Добавить расход' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent(
      'Расход этого источника и кампании за этот месяц уже внесён',
    );
  });

  it('says a closed month’s costs no longer change, apart from a cost entered already', async () => {
    setTokens({ access: 'access-1' });
    api(marketer, () =>
      json(
        409,
        {
          type: 'https://crm.example/problems/period-closed',
          title: 'Period closed',
          status: 409,
          detail: 'The month 2026-10 is closed',
          period: '2026-10-01',
        },
        'application/problem+json',
      ),
    );
    const { user } = renderApp('/marketing');
    const form = await screen.findByRole('form', { name: 'Добавить расход' });
    await user.clear(within(form).getByLabelText('Месяц'));
    await user.type(within(form).getByLabelText('Месяц'), '2026-10');
    await user.type(within(form).getByLabelText('Источник', { selector: 'input' }), 'phone');
    await user.type(within(form).getByLabelText('Сумма'), '100');
    await user.click(within(form).getByRole('button', { name: 'Добавить расход' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent(
      'Месяц «октябрь 2026 г.» закрыт: то, что к нему относится, больше не меняется.',
    );
  });

  it('marks the fields a 422 names', async () => {
    setTokens({ access: 'access-1' });
    api(marketer, () =>
      problem(422, 'Invalid input', [
        { loc: ['body', 'source'], msg: 'too long', code: 'string_too_long' },
      ]),
    );
    const { user } = renderApp('/marketing');
    const form = await screen.findByRole('form', { name: 'Добавить расход' });
    await user.type(within(form).getByLabelText('Источник', { selector: 'input' }), 'x');
    await user.type(within(form).getByLabelText('Сумма'), '1');
    await user.click(within(form).getByRole('button', { name: 'Добавить расход' }));
    await waitFor(() =>
      expect(within(form).getByLabelText('Источник', { selector: 'input' })).toHaveAttribute(
        'aria-invalid',
        'true',
      ),
    );
  });

  it('shows the costs read-only to a reader of reports', async () => {
    setTokens({ access: 'access-1' });
    api({ ...adminUser, role_code: 'head', permissions: ['reports:read'] });
    renderApp('/marketing');
    const costs = await screen.findByRole('table', { name: 'Расходы' });
    expect(within(costs).getByText('Директ')).toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'Добавить расход' })).not.toBeInTheDocument();
    expect(within(costs).queryByRole('button', { name: 'Изменить' })).not.toBeInTheDocument();
  });

  it('is in the navigation for reports readers and marketers only', () => {
    const paths = (permissions: string[]) =>
      visibleNavItems({ role_code: 'x', permissions }).map((item) => item.to);
    expect(paths(['marketing:manage'])).toContain('/marketing');
    expect(paths(['reports:read'])).toContain('/marketing');
    expect(paths(['deals:read'])).not.toContain('/marketing');
  });
});
