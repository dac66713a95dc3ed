import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { adminUser, json, mockApi } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { formatMoney } from '../deals/money';
import { visibleNavItems } from '../shell/navigation';
import type { AbcReport, AbcRow } from './queries';

// ECharts draws nothing in jsdom: the chart stands in as the image it is; the cards and the
// table hold the same figures.
vi.mock('./AbcChart', () => ({
  AbcChart: ({ title, bars }: { title: string; bars: { label: string }[] }) => (
    <div role="img" aria-label={title}>
      {bars.map((bar) => bar.label).join(' | ')}
    </div>
  ),
}));

const row = (
  rank: number,
  name: string,
  amount: string,
  share: string,
  cumulative: string,
  abcClass: AbcRow['abc_class'],
): AbcRow => ({
  rank,
  client_id: `client-${rank}`,
  client_name: name,
  amount,
  share,
  cumulative_share: cumulative,
  abc_class: abcClass,
});

function report(
  basis: AbcReport['basis'],
  items: AbcRow[],
  nextCursor: string | null,
  clients = 4,
): AbcReport {
  return {
    basis,
    date_from: '2025-12-03',
    date_to: '2026-12-02',
    currency: 'RUB',
    abc_a_share: '80.00',
    abc_b_share: '15.00',
    total: '1000000.00',
    clients,
    classes: [
      { abc_class: 'A', clients: 2, amount: '800000.00', share: '80.00' },
      { abc_class: 'B', clients: 1, amount: '150000.00', share: '15.00' },
      { abc_class: 'C', clients: 1, amount: '50000.00', share: '5.00' },
    ],
    items,
    next_cursor: nextCursor,
  };
}

const firstPage = [
  row(1, 'ООО Ромашка', '500000.00', '50.00', '50.00', 'A'),
  row(2, 'Вектор', '300000.00', '30.00', '80.00', 'A'),
];
const secondPage = [
  row(3, 'Гранит', '150000.00', '15.00', '95.00', 'B'),
  row(4, 'Лютик', '50000.00', '5.00', '100.00', 'C'),
];

describe('AbcPage', () => {
  it('shows the classes’ totals and the ranked clients, pages on and ranks by margin', async () => {
    setTokens({ access: 'access-1' });
    const asked: URLSearchParams[] = [];
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/retention/abc': (request) => {
        const query = new URL(request.url).searchParams;
        asked.push(query);
        const basis = query.get('basis') === 'margin' ? 'margin' : 'turnover';
        return query.get('cursor') === 'cursor-2'
          ? json(200, report(basis, secondPage, null))
          : json(200, report(basis, firstPage, 'cursor-2'));
      },
    });
    const { user, router } = renderApp('/retention/abc');

    const table = await screen.findByRole(
      'table',
      { name: 'Клиенты по классам ABC' },
      { timeout: 5000 },
    );
    // toHaveTextContent folds the no-break spaces Intl puts in money into plain ones.
    const money = (amount: string) => formatMoney(amount, 'RUB', 'ru').replace(/\s/g, ' ');
    const cards = screen.getAllByTestId('abc-class');
    expect(cards).toHaveLength(3);
    expect(cards[0]).toHaveTextContent('Класс A');
    expect(cards[0]).toHaveTextContent('80 %');
    expect(cards[0]).toHaveTextContent(money('800000.00'));
    expect(cards[0]).toHaveTextContent('Клиентов: 2');
    expect(cards[2]).toHaveTextContent('Класс C');
    expect(await screen.findByRole('img', { name: 'Оборот по классам ABC' })).toHaveTextContent(
      'Класс A | Класс B | Класс C',
    );
    expect(screen.getByTestId('abc-period')).toHaveTextContent('RUB');

    let rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent(`1ООО Ромашка${money('500000.00')}50 %50 %A`);
    expect(within(rows[1]!).getByRole('link', { name: 'Вектор' })).toHaveAttribute(
      'href',
      '/clients/client-2',
    );
    // The server's default period until one is chosen.
    expect(asked[0]?.get('basis')).toBe('turnover');
    expect(asked[0]?.has('from')).toBe(false);
    expect(asked[0]?.has('cursor')).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Показать ещё' }));
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(5));
    expect(asked.at(-1)?.get('cursor')).toBe('cursor-2');
    rows = within(table).getAllByRole('row').slice(1);
    expect(rows[3]).toHaveTextContent('Лютик');
    expect(screen.queryByRole('button', { name: 'Показать ещё' })).not.toBeInTheDocument();

    await user.click(screen.getByRole('radio', { name: 'Маржа' }));
    await screen.findByRole('img', { name: 'Маржа по классам ABC' });
    expect(asked.at(-1)?.get('basis')).toBe('margin');
    expect(asked.at(-1)?.has('cursor')).toBe(false);
    expect(router.state.location.search).toBe('?basis=margin');
  });

  it('opens the view a link names: basis, period and class reach the request', async () => {
    setTokens({ access: 'access-1' });
    const asked: URLSearchParams[] = [];
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/retention/abc': (request) => {
        asked.push(new URL(request.url).searchParams);
        return json(200, report('margin', [firstPage[0]!], null));
      },
    });
    const { user, router } = renderApp(
      '/retention/abc?basis=margin&from=2026-01-01&to=2026-06-30&class=A',
    );

    await screen.findByRole('table', { name: 'Клиенты по классам ABC' }, { timeout: 5000 });
    expect(Object.fromEntries(asked[0]!)).toMatchObject({
      basis: 'margin',
      from: '2026-01-01',
      to: '2026-06-30',
      class: 'A',
    });
    expect(screen.getByRole('radio', { name: 'Маржа' })).toBeChecked();
    expect(screen.getByRole('radio', { name: 'A' })).toBeChecked();
    expect(screen.getByLabelText('С')).toHaveValue('2026-01-01');

    await user.click(screen.getByRole('radio', { name: 'Все' }));
    await waitFor(() => expect(asked.at(-1)?.has('class')).toBe(false));
    expect(router.state.location.search).not.toContain('class=');
  });

  it('says when nobody bought anything in the period', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/retention/abc': () =>
        json(200, { ...report('turnover', [], null, 0), total: '0', classes: [] }),
    });
    renderApp('/retention/abc');

    await screen.findByText(/нет клиентов с оборотом/, {}, { timeout: 5000 });
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('is in the navigation of those who read deals, and /retention opens it', async () => {
    expect(
      visibleNavItems({ permissions: ['deals:read'] }).some((item) => item.to === '/retention'),
    ).toBe(true);
    expect(
      visibleNavItems({ permissions: ['clients:read'] }).some((item) => item.to === '/retention'),
    ).toBe(false);

    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/retention/abc': () => json(200, report('turnover', firstPage, null)),
    });
    const { router } = renderApp('/retention');
    await screen.findByRole('tab', { name: 'ABC-анализ', selected: true }, { timeout: 5000 });
    expect(router.state.location.pathname).toBe('/retention/abc');
  });
});
