import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import type { CatalogProduct } from '../onec/queries';
import { deal, salesFunnel } from './fixtures';

const DEAL = `/api/v1/deals/${deal.id}`;

const drill: CatalogProduct = {
  id: '00000000-0000-4000-8000-0000000000b1',
  external_id: 'bd72d8f9-55bc-11d9-848a-00112f43529a',
  name: 'Дрель аккумуляторная',
  article: 'ДА-18',
  barcode: null,
  unit: 'шт',
  description: null,
  group_id: null,
  group_name: null,
  properties: {},
  is_deleted: false,
  quantity: '12',
  prices: [
    { price_type: 'Оптовая', price: '9500.00', currency: 'RUB', unit: 'шт' },
    { price_type: 'Экспорт', price: '120.00', currency: 'USD', unit: 'шт' },
  ],
  stock: [{ warehouse: 'Основной склад', quantity: '12' }],
  created_at: '2026-12-01T10:00:00Z',
  updated_at: '2026-12-01T10:00:00Z',
};

function dealApi() {
  setTokens({ access: 'access-1' });
  return mockApi({
    'GET /api/v1/users/me': () => json(200, adminUser),
    [`GET /api/v1/users/${adminUser.id}`]: () => json(200, adminUser),
    'GET /api/v1/users': () => json(200, { items: [adminUser], next_cursor: null }),
    [`GET ${DEAL}`]: () => json(200, deal),
    'GET /api/v1/funnels': () => json(200, [salesFunnel]),
    'GET /api/v1/custom-fields': () => json(200, []),
    [`GET /api/v1/clients/${deal.client_id}`]: () =>
      json(200, { id: deal.client_id, name: 'ООО Ромашка', contacts: [] }),
    [`GET ${DEAL}/stage-history`]: () =>
      json(200, { deal_id: deal.id, moves: [], stays: [], time_in_stages: [] }),
    'GET /api/v1/attachments': () => json(200, { items: [], next_cursor: null }),
    [`GET ${DEAL}/invoices`]: () => json(200, { items: [], next_cursor: null }),
    'GET /api/v1/document-types': () => json(200, []),
    'GET /api/v1/tasks': () => json(200, { items: [], next_cursor: null }),
    [`GET ${DEAL}/timeline`]: () => json(200, { items: [], next_cursor: null }),
    'GET /api/v1/loss-reasons': () => json(200, []),
    'GET /api/v1/onec/products': (request) => {
      const search = new URL(request.url).searchParams.get('search');
      const items = !search || 'ДА-18 дрель'.includes(search.toLowerCase()) ? [drill] : [];
      return json(200, { items, next_cursor: null });
    },
    [`PATCH ${DEAL}`]: () =>
      json(200, {
        ...deal,
        version: 4,
        products: [
          {
            product_id: drill.id,
            article: 'ДА-18',
            name: drill.name,
            quantity: '2',
            price: '9500.00',
            amount: '19000.00',
          },
          {
            product_id: null,
            article: null,
            name: 'Монтаж',
            quantity: '1',
            price: '3000.00',
            amount: '3000.00',
          },
        ],
      }),
  });
}

describe('DealProducts: the catalogue picker', { timeout: 40_000 }, () => {
  it('fills a line from the catalogue and keeps a free-text line', async () => {
    const api = dealApi();
    const { user } = renderApp(`/deals/${deal.id}`);
    const products = await screen.findByTestId('deal-products', {}, { timeout: 5000 });
    await user.click(within(products).getByRole('button', { name: 'Изменить товары' }));

    // A line from the catalogue: searched by article, shown with its price and stock.
    await user.click(screen.getByRole('button', { name: 'Добавить строку' }));
    const picker = screen
      .getAllByLabelText('Из каталога')
      .find((element) => element.tagName === 'INPUT')!;
    await user.click(picker);
    await user.type(picker, 'ДА-18');
    const option = await screen.findByRole('option', { name: /Дрель аккумуляторная/ });
    expect(option).toHaveTextContent(/арт\. ДА-18/);
    expect(option).toHaveTextContent(/9\s500/);
    expect(option).toHaveTextContent(/в наличии 12 шт/);
    await user.click(option);
    const names = screen.getAllByRole('textbox', { name: 'Товар или услуга' });
    const prices = screen.getAllByRole('textbox', { name: 'Цена' });
    const quantities = screen.getAllByRole('textbox', { name: 'Количество' });
    await waitFor(() => expect(names[0]).toHaveValue('Дрель аккумуляторная'));
    expect(prices[0]).toHaveValue('9500.00');
    await user.clear(quantities[0]!);
    await user.type(quantities[0]!, '2');

    // A free-text line beside it.
    await user.click(screen.getByRole('button', { name: 'Добавить строку' }));
    const name2 = screen.getAllByRole('textbox', { name: 'Товар или услуга' })[1]!;
    await user.type(name2, 'Монтаж');
    await user.type(screen.getAllByRole('textbox', { name: 'Цена' })[1]!, '3000');

    await user.click(screen.getByRole('button', { name: 'Сохранить' }));
    await waitFor(() => expect(api.callsTo('PATCH', DEAL)).toHaveLength(1));
    expect(JSON.parse(api.callsTo('PATCH', DEAL)[0]!.body)).toEqual({
      products: [
        { product_id: drill.id, name: 'Дрель аккумуляторная', quantity: '2', price: '9500.00' },
        { name: 'Монтаж', quantity: '1', price: '3000' },
      ],
    });
    expect(await within(products).findByText('Монтаж')).toBeInTheDocument();
  });
});
