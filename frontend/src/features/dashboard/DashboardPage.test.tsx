import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { formatMoney } from '../deals/money';
import { salesFunnel, STAGE_CONTRACT, STAGE_QUALIFY } from '../deals/fixtures';
import { periodStart } from '../kpi/period';
import { visibleNavItems } from '../shell/navigation';
import { periodDays, planPeriod, presetDays } from './filters';
import type {
  AbcReport,
  Effectiveness,
  Fulfilment,
  FunnelAnalytics,
  Leaderboard,
  Nps,
  SleepingPage,
  WorkTime,
} from './queries';

// ECharts draws nothing in jsdom: the charts stand in as the images they are, named as the
// real ones are; the tables beside them hold the same figures.
vi.mock('./DashboardCharts', () => {
  const Image = ({ title, summary }: { title: string; summary?: string }) => (
    <div role="img" aria-label={summary ? `${title}. ${summary}` : title} />
  );
  return {
    PlanFactChart: Image,
    ConversionChart: Image,
    LossReasonsPie: Image,
    WorkTimeHeatmap: Image,
  };
});

const SELLER = '00000000-0000-4000-8000-000000000021';
const OTHER = '00000000-0000-4000-8000-000000000022';
const DEPARTMENT = '00000000-0000-4000-8000-0000000000d1';

const head = {
  ...adminUser,
  full_name: 'Ирина Петрова',
  role_code: 'head_of_sales',
  department_id: DEPARTMENT,
  permissions: ['deals:read', 'reports:read', 'kpi:manage'],
};
const seller = {
  ...adminUser,
  id: SELLER,
  full_name: 'Алексей Сидоров',
  role_code: 'seller',
  department_id: DEPARTMENT,
  permissions: ['deals:read', 'deals:write'],
};

const turnover = (fact: string, plan: string | null, percent: string | null) => ({
  metric: 'turnover' as const,
  fact,
  plan,
  percent,
  forecast: '200000.00',
});

function fulfilment(
  kind: 'month' | 'quarter',
  start: string,
  basis: Fulfilment['basis'] = 'won_deals',
): Fulfilment {
  return {
    period_kind: kind,
    period_start: start,
    period_end: start,
    basis,
    currency: 'RUB',
    employees: [
      {
        id: SELLER,
        name: 'Алексей Сидоров',
        department_id: DEPARTMENT,
        metrics: [turnover('750000.00', '1500000.00', '50.0')],
      },
      {
        id: OTHER,
        name: 'Мария Котова',
        department_id: DEPARTMENT,
        metrics: [turnover('0', null, null)],
      },
    ],
    departments: [
      {
        id: DEPARTMENT,
        name: 'Отдел продаж',
        department_id: null,
        metrics: [turnover('750000.00', '7500000.00', '10.0')],
      },
    ],
  };
}

const leaderboard = (start: string): Leaderboard => ({
  period_kind: 'month',
  period_start: start,
  period_end: start,
  items: [
    { rank: 1, user_id: SELLER, name: 'Алексей Сидоров', percent: '50.0', karma: null },
    { rank: 2, user_id: OTHER, name: 'Мария Котова', percent: '12.5', karma: null },
  ],
});

function funnel(from: string, to: string): FunnelAnalytics {
  return {
    funnel_id: salesFunnel.id,
    funnel_name: salesFunnel.name,
    first_day: from,
    last_day: to,
    stages: [
      {
        stage_id: STAGE_QUALIFY,
        name: 'Квалификация',
        position: 0,
        reached: 7,
        conversion_to_next: '85.7',
        conversion_from_first: '100.0',
        stays: 7,
        average_hours: '39.7',
        median_hours: '10.0',
        stale: 0,
      },
      {
        stage_id: STAGE_CONTRACT,
        name: 'Договор',
        position: 1,
        reached: 6,
        conversion_to_next: null,
        conversion_from_first: '85.7',
        stays: 6,
        average_hours: '12.0',
        median_hours: '8.0',
        stale: 1,
      },
    ],
    totals: {
      deals: 7,
      won: 3,
      lost: 3,
      open: 1,
      win_rate: '50.0',
      average_won: [],
      cycle_average_days: null,
      cycle_median_days: null,
    },
    loss_reasons: [
      { reason_id: 'r-1', name: 'Дорого', count: 2, amounts: [] },
      { reason_id: null, name: null, count: 1, amounts: [] },
    ],
  };
}

const workTime: WorkTime = {
  date_from: '2026-12-01',
  date_to: '2026-12-31',
  time_zone: 'Europe/Kyiv',
  employees: [],
  cells: [
    { weekday: 2, hour: 11, calls: 14, meetings: 1, tasks_done: 3, stage_moves: 2 },
    { weekday: 4, hour: 15, calls: 3, meetings: 4, tasks_done: 0, stage_moves: 5 },
  ],
};

const marketing: Effectiveness = {
  first_month: '2026-12-01',
  last_month: '2026-12-01',
  currency: 'RUB',
  funnel_id: null,
  items: [
    {
      source: 'yandex',
      campaign: 'Зима',
      cost: '10000.00',
      leads: 5,
      won: 2,
      revenue: '30000.00',
      cost_per_lead: '2000.00',
      cost_per_won: '5000.00',
      return_on_spend: '200.0',
      stages: [],
    },
  ],
};

const abc: AbcReport = {
  basis: 'turnover',
  date_from: '2026-12-01',
  date_to: '2026-12-31',
  currency: 'RUB',
  abc_a_share: '80',
  abc_b_share: '15',
  total: '100000.00',
  clients: 6,
  classes: [
    { abc_class: 'A', clients: 1, amount: '80000.00', share: '80.0' },
    { abc_class: 'B', clients: 2, amount: '15000.00', share: '15.0' },
    { abc_class: 'C', clients: 3, amount: '5000.00', share: '5.0' },
  ],
  items: [],
  next_cursor: null,
};

const sleeping: SleepingPage = {
  items: [
    {
      client_id: 'c-1',
      name: 'ООО Ромашка',
      responsible_id: SELLER,
      responsible_name: 'Пётр Продавцов',
      relationship_type: 'permanent',
      segment_tags: [],
      last_purchase_at: '2026-01-01T10:00:00Z',
      sleeping_days: 90,
      days_without_purchase: 335,
    },
  ],
  next_cursor: 'more',
  total: 1234,
};

const npsRow = (user_id: string, name: string, nps: string) => ({
  user_id,
  name,
  surveys: 4,
  answers: 3,
  promoters: 2,
  passives: 0,
  detractors: 1,
  nps,
});
const nps: Nps = {
  date_from: '2026-12-01',
  date_to: '2026-12-31',
  items: [npsRow(SELLER, 'Алексей Сидоров', '33.3')],
  total: npsRow(DEPARTMENT, '', '33.3'),
};

function api(me: object, failing: string | null = null, basis: Fulfilment['basis'] = 'won_deals') {
  const asked: Record<string, URLSearchParams[]> = {};
  const route =
    (path: string, answer: (query: URLSearchParams) => unknown) => (request: Request) => {
      const query = new URL(request.url).searchParams;
      (asked[path] ??= []).push(query);
      return path === failing ? problem(500, 'boom') : json(200, answer(query));
    };
  const mocked = mockApi({
    'GET /api/v1/users/me': () => json(200, me),
    'GET /api/v1/funnels': () => json(200, [salesFunnel]),
    'GET /api/v1/departments': () =>
      json(200, [
        { id: DEPARTMENT, name: 'Отдел продаж', parent_id: null, head_id: null, version: 1 },
      ]),
    'GET /api/v1/kpi/fulfilment': route('fulfilment', (q) =>
      fulfilment(q.get('period') as 'month' | 'quarter', q.get('start') ?? '', basis),
    ),
    'GET /api/v1/kpi/leaderboard': route('leaderboard', (q) => leaderboard(q.get('start') ?? '')),
    'GET /api/v1/analytics/funnel': route('funnel', (q) =>
      funnel(q.get('from') ?? '', q.get('to') ?? ''),
    ),
    'GET /api/v1/analytics/work-time': route('work-time', () => workTime),
    'GET /api/v1/marketing/effectiveness': route('marketing', () => marketing),
    'GET /api/v1/retention/abc': route('abc', () => abc),
    'GET /api/v1/retention/sleeping': route('sleeping', () => sleeping),
    'GET /api/v1/kpi/nps': route('nps', () => nps),
  });
  return { asked, mocked };
}

const widget = (name: string) => screen.findByRole('region', { name }, { timeout: 8000 });

describe('DashboardPage', () => {
  it('draws every widget from its report, each opening the list behind its figures', async () => {
    setTokens({ access: 'access-1' });
    const { asked } = api(head);
    renderApp('/dashboard');
    // The links carry the dashboard's period: the funnel's cohort was created on its days,
    // a plan's fact was won on the plan period's.
    const days = presetDays('month');
    const cohort = `created_from=${days.from}&created_to=${days.to}`;
    const planDays = periodDays(planPeriod(days));
    const won = `status=won&closed_from=${planDays.from}&closed_to=${planDays.to}`;

    const plan = within(await screen.findByTestId('plan-widget', {}, { timeout: 8000 }));
    const row = await plan.findByTestId(`plan-row-${SELLER}`);
    expect(within(row).getByTestId('plan-fact').textContent).toBe(
      formatMoney('750000.00', 'RUB', 'ru'),
    );
    expect(within(row).getByTestId('plan-percent')).toHaveTextContent('50,0 %');
    expect(within(row).getByRole('link', { name: 'Алексей Сидоров' })).toHaveAttribute(
      'href',
      `/deals?view=list&${won}&responsible=${SELLER}`,
    );
    expect(
      within(plan.getByTestId(`plan-row-${OTHER}`)).getByTestId('plan-percent'),
    ).toHaveTextContent('—');
    expect(plan.getByTestId(`plan-department-${DEPARTMENT}`)).toHaveTextContent('10,0 %');
    expect(
      await plan.findByRole('img', { name: 'Оборот по сотрудникам: план, факт и прогноз' }),
    ).toBeInTheDocument();

    const board = within(await widget('Рейтинг'));
    expect(board.getByRole('row', { name: /Мария Котова/ })).toHaveTextContent('12,5 %');
    expect(board.getByRole('link', { name: 'Мария Котова' })).toHaveAttribute(
      'href',
      `/deals?view=list&${won}&responsible=${OTHER}`,
    );

    const conversion = within(await widget('Конверсия и время в этапах'));
    const stage = await conversion.findByRole('row', { name: /Квалификация/ });
    expect(
      within(stage)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual(['Квалификация', '7', '85,7 %', '39,7 ч', '≈\u00a010,0 ч']);
    expect(within(stage).getByRole('link', { name: '7' })).toHaveAttribute(
      'href',
      `/deals?view=list&funnel=${salesFunnel.id}&${cohort}&reached_stage=${STAGE_QUALIFY}`,
    );

    const losses = within(await widget('Причины отказа'));
    expect(losses.getByRole('row', { name: /Дорого/ })).toHaveTextContent('2');
    expect(losses.getByRole('row', { name: /Без причины/ })).toHaveTextContent('1');
    expect(losses.getByRole('link', { name: '2' })).toHaveAttribute(
      'href',
      `/deals?view=list&funnel=${salesFunnel.id}&${cohort}&status=lost&loss_reason=r-1`,
    );
    // Deals lost without a reason have no filter to open them by.
    expect(losses.queryByRole('link', { name: '1' })).toBeNull();

    const sources = within(await widget('Источники и окупаемость'));
    const yandex = sources.getByRole('row', { name: /yandex/ });
    expect(yandex.textContent).toContain(formatMoney('10000.00', 'RUB', 'ru'));
    expect(yandex).toHaveTextContent('200,0 %');
    // The source opens the leads it counts: its deals created in the report's whole months.
    expect(within(yandex).getByRole('link', { name: 'yandex' })).toHaveAttribute(
      'href',
      '/deals?view=list&source=yandex&created_from=2026-12-01&created_to=2026-12-31',
    );

    const classes = within(await widget('ABC-анализ клиентов'));
    const a = classes.getByRole('group', { name: 'Класс A' });
    expect(a).toHaveTextContent('Клиентов: 1');
    const month = presetDays('month');
    expect(within(a).getByRole('link', { name: 'Класс A' })).toHaveAttribute(
      'href',
      `/retention/abc?from=${month.from}&to=${month.to}&class=A`,
    );

    const asleep = within(await widget('Спящие клиенты'));
    // The page's total, not the rows the widget names.
    expect(asleep.getByRole('link', { name: /^Спящих клиентов: 1\s234$/ })).toHaveAttribute(
      'href',
      '/retention/sleeping',
    );
    expect(asked['sleeping']?.[0]?.get('limit')).toBe('5');
    expect(asleep.getByRole('link', { name: 'ООО Ромашка' })).toHaveAttribute(
      'href',
      '/clients/c-1',
    );

    const score = within(await widget('NPS'));
    expect(score.getByLabelText('NPS: 33,3')).toBeInTheDocument();
    expect(score.getByRole('row', { name: /Алексей Сидоров/ })).toHaveTextContent('33,3');

    const heat = within(await widget('Когда работают'));
    expect(heat.getByTestId('work-time-summary')).toHaveTextContent(
      'Больше всего — вт, 11:00 (14)',
    );

    // This month by default, for the plans too.
    expect(asked.fulfilment?.[0]?.get('period')).toBe('month');
    expect(asked.fulfilment?.[0]?.get('start')).toBe(month.from);
    expect(asked.funnel?.[0]?.get('from')).toBe(month.from);
    expect(asked.funnel?.[0]?.get('to')).toBe(month.to);
    // One request feeds both the conversion and the loss reasons.
    expect(asked.funnel).toHaveLength(1);
  }, 30_000);

  it('opens the payments behind a turnover fact when plans count paid invoices', async () => {
    setTokens({ access: 'access-1' });
    const { asked } = api(head, null, 'paid_invoices');
    renderApp('/dashboard');
    const planDays = periodDays(planPeriod(presetDays('month')));
    const paid = `/payments?paid_from=${planDays.from}&paid_to=${planDays.to}&currency=RUB`;

    const plan = within(await screen.findByTestId('plan-widget', {}, { timeout: 8000 }));
    const row = await plan.findByTestId(`plan-row-${SELLER}`);
    expect(within(row).getByRole('link', { name: 'Алексей Сидоров' })).toHaveAttribute(
      'href',
      `${paid}&responsible=${SELLER}`,
    );
    expect(
      within(plan.getByTestId(`plan-department-${DEPARTMENT}`)).getByRole('link'),
    ).toHaveAttribute('href', `${paid}&department=${DEPARTMENT}`);
    const board = within(await widget('Рейтинг'));
    await waitFor(() =>
      expect(board.getByRole('link', { name: 'Мария Котова' })).toHaveAttribute(
        'href',
        `${paid}&responsible=${OTHER}`,
      ),
    );
    // The plan widget's request tells the leaderboard too.
    expect(asked.fulfilment).toHaveLength(1);
  }, 30_000);

  it('asks every widget again for the period picked, and keeps it in the URL', async () => {
    setTokens({ access: 'access-1' });
    const { asked } = api(head);
    const { router, user } = renderApp('/dashboard');
    await screen.findByTestId(`plan-row-${SELLER}`, {}, { timeout: 8000 });

    await user.click(screen.getByRole('radio', { name: 'Этот квартал' }));
    const quarter = presetDays('quarter');
    await waitFor(() => expect(asked.funnel?.at(-1)?.get('from')).toBe(quarter.from));
    expect(asked.funnel?.at(-1)?.get('to')).toBe(quarter.to);
    await waitFor(() => expect(asked['work-time']?.at(-1)?.get('from')).toBe(quarter.from));
    expect(asked.abc?.at(-1)?.get('to')).toBe(quarter.to);
    // Plans are set per quarter: the quarter's.
    await waitFor(() => expect(asked.fulfilment?.at(-1)?.get('period')).toBe('quarter'));
    expect(asked.fulfilment?.at(-1)?.get('start')).toBe(periodStart('quarter', new Date()));
    expect(router.state.location.search).toBe('?period=quarter');

    await user.click(screen.getByRole('radio', { name: 'Свои даты' }));
    fireEvent.change(await screen.findByLabelText('С'), { target: { value: '2026-02-03' } });
    await waitFor(() => expect(asked.funnel?.at(-1)?.get('from')).toBe('2026-02-03'));
    expect(router.state.location.search).toContain('from=2026-02-03');
    // A custom period shows the plans of the month it starts in.
    await waitFor(() => expect(asked.fulfilment?.at(-1)?.get('start')).toBe('2026-02-01'));
  }, 30_000);

  it('narrows the widgets that can to the department and source chosen', async () => {
    setTokens({ access: 'access-1' });
    const { asked } = api(head);
    const { user } = renderApp(`/dashboard?department=${DEPARTMENT}`);
    await screen.findByTestId(`plan-row-${SELLER}`, {}, { timeout: 8000 });
    expect(asked.fulfilment?.[0]?.get('department_id')).toBe(DEPARTMENT);
    expect(asked.funnel?.[0]?.get('department_id')).toBe(DEPARTMENT);
    expect(asked['work-time']?.[0]?.get('department_id')).toBe(DEPARTMENT);

    // The lists behind the figures keep the department.
    expect(
      within(screen.getByTestId(`plan-department-${DEPARTMENT}`)).getByRole('link'),
    ).toHaveAttribute('href', expect.stringContaining(`&department=${DEPARTMENT}`));

    await user.type(screen.getByLabelText('Источник'), 'site');
    await waitFor(() => expect(asked.funnel?.at(-1)?.get('source')).toBe('site'), {
      timeout: 3000,
    });
    const days = presetDays('month');
    const losses = within(await widget('Причины отказа'));
    await waitFor(() =>
      expect(losses.getByRole('link', { name: '2' })).toHaveAttribute(
        'href',
        `/deals?view=list&funnel=${salesFunnel.id}&created_from=${days.from}` +
          `&created_to=${days.to}&department=${DEPARTMENT}&source=site&status=lost` +
          '&loss_reason=r-1',
      ),
    );
  }, 30_000);

  it('shows a seller no sources widget and no department filter', async () => {
    setTokens({ access: 'access-1' });
    const { asked } = api(seller);
    renderApp('/dashboard');
    await screen.findByTestId(`plan-row-${SELLER}`, {}, { timeout: 8000 });
    await widget('Спящие клиенты');
    expect(screen.queryByRole('region', { name: 'Источники и окупаемость' })).toBeNull();
    expect(screen.queryByRole('textbox', { name: 'Отдел' })).toBeNull();
    expect(asked.marketing).toBeUndefined();
  }, 30_000);

  it('says one widget could not load and draws the others', async () => {
    setTokens({ access: 'access-1' });
    api(head, 'leaderboard');
    renderApp('/dashboard');
    const board = within(await widget('Рейтинг'));
    // The client asks again twice after a 5xx before it gives up.
    expect(
      await board.findByRole('button', { name: 'Повторить' }, { timeout: 10_000 }),
    ).toBeVisible();
    expect(screen.getByTestId(`plan-row-${SELLER}`)).toBeInTheDocument();
    expect(
      within(await widget('ABC-анализ клиентов')).getByRole('group', { name: 'Класс B' }),
    ).toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: 'Повторить' })).toHaveLength(1);
  }, 30_000);

  it('picks the plan period the dates make', () => {
    expect(planPeriod({ from: '2026-10-01', to: '2026-12-31' })).toEqual({
      kind: 'quarter',
      start: '2026-10-01',
    });
    expect(planPeriod({ from: '2026-11-01', to: '2026-11-30' })).toEqual({
      kind: 'month',
      start: '2026-11-01',
    });
    expect(planPeriod({ from: '2026-11-15', to: '2026-12-31' })).toEqual({
      kind: 'month',
      start: '2026-11-01',
    });
    expect(presetDays('last-month', new Date(2026, 0, 15))).toEqual({
      from: '2025-12-01',
      to: '2025-12-31',
    });
  });

  it('is high in the navigation of whoever reads deals', () => {
    const paths = (permissions: string[]) =>
      visibleNavItems({ role_code: 'seller', permissions }).map((item) => item.to);
    expect(paths(['deals:read']).slice(0, 2)).toEqual(['/', '/dashboard']);
    expect(paths(['clients:read'])).not.toContain('/dashboard');
  });
});
