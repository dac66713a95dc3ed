import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { formatMoney } from '../deals/money';
import { visibleNavItems } from '../shell/navigation';
import type { PaymentListItem } from './queries';

const SELLER = '00000000-0000-4000-8000-000000000021';
const DEPARTMENT = '00000000-0000-4000-8000-0000000000d1';

const payment = (id: string, number: string, amount: string): PaymentListItem => ({
  id,
  paid_on: '2026-12-10',
  amount,
  currency: 'RUB',
  invoice_id: `invoice-${id}`,
  invoice_number: number,
  deal_id: `deal-${id}`,
  deal_title: `Поставка ${number}`,
  client_id: 'client-1',
  client_name: 'ООО Ромашка',
  responsible_id: SELLER,
  responsible_name: 'Алексей Сидоров',
});

function api() {
  const asked: URLSearchParams[] = [];
  mockApi({
    'GET /api/v1/users/me': () => json(200, adminUser),
    // The responsible filter: the colleagues found and the one chosen in the address.
    'GET /api/v1/users': () => json(200, { items: [], next_cursor: null }),
    [`GET /api/v1/users/${SELLER}`]: () =>
      json(200, { ...adminUser, id: SELLER, full_name: 'Алексей Сидоров' }),
    'GET /api/v1/departments': () =>
      json(200, [
        { id: DEPARTMENT, name: 'Отдел продаж', parent_id: null, head_id: null, version: 1 },
      ]),
    'GET /api/v1/payments': (request) => {
      const query = new URL(request.url).searchParams;
      asked.push(query);
      if (query.get('cursor') === 'next') {
        return json(200, { items: [payment('p-2', 'СЧ-2', '250.00')], next_cursor: null });
      }
      return json(200, { items: [payment('p-1', 'СЧ-1', '1000.50')], next_cursor: 'next' });
    },
  });
  return asked;
}

describe('PaymentsPage', () => {
  it('asks for the payments its address names, shows them and pages on', async () => {
    setTokens({ access: 'access-1' });
    const asked = api();
    const { user } = renderApp(
      `/payments?paid_from=2026-12-01&paid_to=2026-12-31&responsible=${SELLER}` +
        `&department=${DEPARTMENT}&currency=RUB`,
    );

    const table = await screen.findByRole(
      'table',
      { name: 'Поступившие платежи' },
      { timeout: 5000 },
    );
    const query = asked[0]!;
    expect(query.get('paid_from')).toBe('2026-12-01');
    expect(query.get('paid_to')).toBe('2026-12-31');
    expect(query.getAll('responsible_id')).toEqual([SELLER]);
    expect(query.get('department_id')).toBe(DEPARTMENT);
    expect(query.get('currency')).toBe('RUB');

    const [first] = within(table).getAllByRole('row').slice(1);
    expect(first).toHaveTextContent(
      new Intl.DateTimeFormat('ru', { dateStyle: 'medium' }).format(new Date(2026, 11, 10)),
    );
    // The amount's cell as formatted (its spaces are non-breaking).
    expect(within(first!).getAllByRole('cell')[1]?.textContent).toBe(
      formatMoney('1000.50', 'RUB', 'ru'),
    );
    expect(first).toHaveTextContent('СЧ-1');
    expect(first).toHaveTextContent('Алексей Сидоров');
    expect(within(first!).getByRole('link', { name: 'Поставка СЧ-1' })).toHaveAttribute(
      'href',
      '/deals/deal-p-1',
    );
    expect(within(first!).getByRole('link', { name: 'ООО Ромашка' })).toHaveAttribute(
      'href',
      '/clients/client-1',
    );

    await user.click(screen.getByRole('button', { name: 'Показать ещё' }));
    await waitFor(() => expect(screen.getAllByTestId('payment-row')).toHaveLength(2));
    expect(asked.at(-1)?.get('cursor')).toBe('next');
    // The next page keeps the filters.
    expect(asked.at(-1)?.get('paid_from')).toBe('2026-12-01');
    expect(screen.queryByRole('button', { name: 'Показать ещё' })).toBeNull();
  }, 30_000);

  it('drops the currency when its chip is removed, and says when nothing matches', async () => {
    setTokens({ access: 'access-1' });
    const asked: URLSearchParams[] = [];
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/users': () => json(200, { items: [], next_cursor: null }),
      'GET /api/v1/departments': () => json(200, []),
      'GET /api/v1/payments': (request) => {
        asked.push(new URL(request.url).searchParams);
        return json(200, { items: [], next_cursor: null });
      },
    });
    const { user, router } = renderApp('/payments?currency=USD&paid_from=bad');

    expect(
      await screen.findByText('Нет платежей по этим фильтрам.', {}, { timeout: 5000 }),
    ).toBeInTheDocument();
    // A malformed day is left out rather than sent to be refused.
    expect(asked[0]?.get('paid_from')).toBeNull();
    expect(asked[0]?.get('currency')).toBe('USD');

    await user.click(screen.getByRole('button', { name: 'Любая валюта' }));
    await waitFor(() => expect(asked.at(-1)?.get('currency')).toBeNull());
    expect(router.state.location.search).not.toContain('currency');
    expect(await screen.findByText('Платежей пока не поступало.')).toBeInTheDocument();
  }, 30_000);

  it('is in the navigation of those who read deals (and so their invoices)', () => {
    const paths = (permissions: string[]) =>
      visibleNavItems({ role_code: 'seller', permissions }).map((item) => item.to);
    expect(paths(['deals:read'])).toContain('/payments');
    expect(paths(['clients:read'])).not.toContain('/payments');
  });
});
