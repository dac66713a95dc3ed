import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { adminUser, json, mockApi } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { formatMoney } from '../deals/money';
import { salesFunnel } from '../deals/fixtures';
import type { SalesStructure } from './queries';

// ECharts draws nothing in jsdom: the chart stands in as the image it is.
vi.mock('./AnalyticsCharts', () => ({
  ProductDemandChart: ({ title, products }: { title: string; products: string[] }) => (
    <div role="img" aria-label={title}>
      {products.join(' | ')}
    </div>
  ),
}));

const structure: SalesStructure = {
  date_from: '2026-11-01',
  date_to: '2026-11-30',
  currency: 'RUB',
  won: 20,
  repeat: 8,
  upsell: 5,
  cross_sell: 3,
  repeat_share: '40.0',
  upsell_share: '25.0',
  cross_sell_share: '15.0',
  average_check: [
    { currency: 'RUB', won: 18, amount: '900000.00', average: '50000.00' },
    { currency: 'USD', won: 2, amount: '2000.00', average: '1000.00' },
  ],
  products: [
    {
      product: 'Сервер R740',
      asked_deals: 12,
      asked_quantity: '15',
      sold_deals: 6,
      sold_quantity: '7',
      sold_amount: '350000.00',
      sold_share: '50.0',
    },
    {
      product: 'Монтаж',
      asked_deals: 4,
      asked_quantity: '4',
      sold_deals: 0,
      sold_quantity: '0',
      sold_amount: '0.00',
      sold_share: '0.0',
    },
  ],
};

function api() {
  const asked: URLSearchParams[] = [];
  mockApi({
    'GET /api/v1/users/me': () => json(200, adminUser),
    'GET /api/v1/funnels': () => json(200, [salesFunnel]),
    'GET /api/v1/departments': () => json(200, []),
    'GET /api/v1/users': () => json(200, { items: [adminUser], next_cursor: null }),
    [`GET /api/v1/users/${adminUser.id}`]: () => json(200, adminUser),
    'GET /api/v1/analytics/sales': (request) => {
      asked.push(new URL(request.url).searchParams);
      return json(200, structure);
    },
  });
  return asked;
}

describe('SalesStructurePage', () => {
  it('shows the shares, the average check and demand by product for the filters in the URL', async () => {
    setTokens({ access: 'access-1' });
    const asked = api();
    renderApp(
      `/analytics/sales?from=2026-11-01&to=2026-11-30&funnel=${salesFunnel.id}&manager=${adminUser.id}&source=site`,
    );

    const table = await screen.findByRole('table', { name: 'Спрос по товарам' }, { timeout: 5000 });
    expect(
      within(table)
        .getAllByTestId('sales-product')
        .map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent)),
    ).toEqual([
      ['Сервер R740', '12', '15', '6', '7', formatMoney('350000.00', 'RUB', 'ru'), '50,0 %'],
      ['Монтаж', '4', '4', '0', '0', formatMoney('0.00', 'RUB', 'ru'), '0,0 %'],
    ]);
    const cards = screen.getByTestId('sales-cards');
    expect(within(cards).getByRole('group', { name: 'Выиграно сделок' })).toHaveTextContent('20');
    expect(within(cards).getByRole('group', { name: 'Повторные покупки' })).toHaveTextContent(
      '40,0 %сделок: 8',
    );
    expect(within(cards).getByRole('group', { name: 'Допродажи' })).toHaveTextContent('25,0 %');
    expect(within(cards).getByRole('group', { name: 'Кросс-продажи' })).toHaveTextContent('15,0 %');
    expect(within(cards).getByRole('group', { name: 'Средний чек' }).textContent).toContain(
      `${formatMoney('50000.00', 'RUB', 'ru')} · ${formatMoney('1000.00', 'USD', 'ru')}`,
    );
    expect(
      await screen.findByRole('img', { name: 'Спрашивали и купили: сделок по товарам' }),
    ).toHaveTextContent('Сервер R740 | Монтаж');

    const query = asked[0]!;
    expect(Object.fromEntries(query)).toEqual({
      from: '2026-11-01',
      to: '2026-11-30',
      funnel_id: salesFunnel.id,
      responsible_id: adminUser.id,
      source: 'site',
    });
  });

  it('keeps the filters when switching between the analytics tabs', async () => {
    setTokens({ access: 'access-1' });
    const asked = api();
    const { router, user } = renderApp('/analytics/sales?from=2026-11-01&to=2026-11-30');
    await screen.findByRole('table', { name: 'Спрос по товарам' }, { timeout: 5000 });

    await user.click(screen.getByRole('radio', { name: 'Этот год' }));
    const year = String(new Date().getFullYear());
    await waitFor(() => expect(asked.at(-1)?.get('from')).toBe(`${year}-01-01`));

    await user.click(screen.getByRole('tab', { name: 'Воронка' }));
    expect(router.state.location.pathname).toBe('/analytics/funnel');
    expect(router.state.location.search).toContain(`from=${year}-01-01`);
  });
});
