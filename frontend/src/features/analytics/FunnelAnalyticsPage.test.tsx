import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { formatMoney } from '../deals/money';
import { salesFunnel, STAGE_CONTRACT, STAGE_QUALIFY } from '../deals/fixtures';
import { visibleNavItems } from '../shell/navigation';
import type { FunnelAnalytics } from './queries';

// ECharts draws nothing in jsdom: the charts stand in as the images they are; the tables and
// cards hold the same figures.
vi.mock('./AnalyticsCharts', () => ({
  StageFunnelChart: ({ title, steps }: { title: string; steps: { label: string }[] }) => (
    <div role="img" aria-label={title}>
      {steps.map((s) => s.label).join(' | ')}
    </div>
  ),
  LossReasonsChart: ({ title }: { title: string }) => <div role="img" aria-label={title} />,
}));

function figures(from: string, to: string): FunnelAnalytics {
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
      average_won: [
        { currency: 'RUB', won: 2, average_amount: '3000.00' },
        { currency: 'USD', won: 1, average_amount: '500.00' },
      ],
      cycle_average_days: '3.0',
      cycle_median_days: '2.1',
    },
    loss_reasons: [
      {
        reason_id: 'r-1',
        name: 'Дорого',
        count: 2,
        amounts: [
          { currency: 'EUR', count: 1, amount: '400.00' },
          { currency: 'RUB', count: 1, amount: '3000.00' },
        ],
      },
      {
        reason_id: null,
        name: null,
        count: 1,
        amounts: [{ currency: 'RUB', count: 1, amount: '2000.00' }],
      },
    ],
  };
}

function api() {
  const asked: URLSearchParams[] = [];
  mockApi({
    'GET /api/v1/users/me': () => json(200, { ...adminUser, role_code: 'admin' }),
    'GET /api/v1/funnels': () => json(200, [salesFunnel]),
    'GET /api/v1/departments': () => json(200, []),
    'GET /api/v1/users': () => json(200, { items: [adminUser], next_cursor: null }),
    'GET /api/v1/analytics/funnel': (request) => {
      const query = new URL(request.url).searchParams;
      asked.push(query);
      if ((query.get('to') ?? '') < (query.get('from') ?? '')) {
        return problem(422, 'Invalid input', [
          { loc: ['query', 'to'], msg: 'must not be before from', code: 'greater_than_equal' },
        ]);
      }
      return json(200, figures(query.get('from') ?? '', query.get('to') ?? ''));
    },
  });
  return asked;
}

describe('FunnelAnalyticsPage', () => {
  it('shows the stages, totals and loss reasons of the period in the URL', async () => {
    setTokens({ access: 'access-1' });
    const asked = api();
    const { user } = renderApp('/analytics/funnel?from=2026-11-01&to=2026-11-30');

    const stages = await screen.findByRole('table', { name: 'Этапы' }, { timeout: 5000 });
    const first = within(stages).getByRole('row', { name: /Квалификация/ });
    expect(
      within(first)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual(['Квалификация', '7', '85,7 %', '100,0 %', '39,7 ч', '≈\u00a010,0 ч', '0']);
    const last = within(stages).getByRole('row', { name: /Договор/ });
    expect(
      within(last)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual(['Договор', '6', '—', '85,7 %', '12,0 ч', '≈\u00a08,0 ч', '1']);
    // Medians are read from the rollup's histograms: estimates, and the page says how close.
    expect(screen.getByText(/Медианы \(≈\) оценочные, с точностью до 4,4\s%/)).toBeInTheDocument();
    await user.hover(within(first).getByText('≈ 10,0 ч'));
    expect(
      await screen.findByText(
        'Оценка по гистограмме длительностей: не дальше 4,4 % от точной медианы',
      ),
    ).toBeInTheDocument();

    const totals = screen.getByTestId('analytics-totals');
    expect(within(totals).getByRole('group', { name: 'Доля выигранных' })).toHaveTextContent(
      '50,0 %',
    );
    expect(
      within(totals).getByRole('group', { name: 'Средняя выигранная сделка' }).textContent,
    ).toContain(`${formatMoney('3000.00', 'RUB', 'ru')} · ${formatMoney('500.00', 'USD', 'ru')}`);
    expect(within(totals).getByRole('group', { name: 'Длительность цикла' })).toHaveTextContent(
      '3,0 дн.медиана ≈ 2,1 дн.',
    );
    expect(within(totals).getByRole('group', { name: 'Сделок за период' })).toHaveTextContent(
      'выиграно 3, проиграно 3, в работе 1',
    );

    expect(
      await screen.findByRole('img', { name: 'Сколько сделок дошло до каждого этапа' }),
    ).toHaveTextContent('Квалификация: 7 | Договор: 6 (85,7 %)');
    const losses = screen.getByRole('table', { name: 'Причины отказа' });
    expect(within(losses).getByRole('row', { name: /Дорого/ }).textContent).toBe(
      `Дорого2${formatMoney('400.00', 'EUR', 'ru')} · ${formatMoney('3000.00', 'RUB', 'ru')}`,
    );
    expect(within(losses).getByRole('row', { name: /Без причины/ })).toBeInTheDocument();
    // A count opens the deals behind it: the period's cohort that reached the stage, lost for
    // that reason, or stale in that stage now.
    const cohort = `funnel=${salesFunnel.id}&created_from=2026-11-01&created_to=2026-11-30`;
    expect(within(losses).getByRole('link', { name: '2' })).toHaveAttribute(
      'href',
      `/deals?view=list&${cohort}&status=lost&loss_reason=r-1`,
    );
    expect(within(first).getByRole('link', { name: '7' })).toHaveAttribute(
      'href',
      `/deals?view=list&${cohort}&reached_stage=${STAGE_QUALIFY}`,
    );
    expect(within(last).getByRole('link', { name: '1' })).toHaveAttribute(
      'href',
      `/deals?view=list&${cohort}&stage=${STAGE_CONTRACT}&stale=true`,
    );

    expect(asked[0]?.get('from')).toBe('2026-11-01');
    expect(asked[0]?.get('to')).toBe('2026-11-30');
    expect(asked[0]?.has('funnel_id')).toBe(false);
  });

  it('keeps the filters in the URL and asks again with them', async () => {
    setTokens({ access: 'access-1' });
    const asked = api();
    const { router, user } = renderApp('/analytics/funnel?from=2026-11-01&to=2026-11-30');
    await screen.findByRole('table', { name: 'Этапы' }, { timeout: 5000 });

    await user.click(screen.getByRole('radio', { name: 'Этот год' }));
    const year = String(new Date().getFullYear());
    await waitFor(() => expect(asked.at(-1)?.get('from')).toBe(`${year}-01-01`));
    expect(asked.at(-1)?.get('to')).toBe(`${year}-12-31`);
    expect(router.state.location.search).toContain(`from=${year}-01-01`);

    await user.type(screen.getByLabelText('Источник'), 'site');
    await waitFor(() => expect(asked.at(-1)?.get('source')).toBe('site'), { timeout: 3000 });
    expect(router.state.location.search).toContain('source=site');
  });

  it('names what is wrong with the period', async () => {
    setTokens({ access: 'access-1' });
    api();
    renderApp('/analytics/funnel?from=2026-11-30&to=2026-11-01');
    expect(await screen.findByRole('alert', {}, { timeout: 5000 })).toBeInTheDocument();
  });

  it('is in the navigation of whoever reads deals', () => {
    const paths = (permissions: string[]) =>
      visibleNavItems({ role_code: 'seller', permissions }).map((item) => item.to);
    expect(paths(['deals:read'])).toContain('/analytics/funnel');
    expect(paths(['clients:read'])).not.toContain('/analytics/funnel');
  });
});
