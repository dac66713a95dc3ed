import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { salesFunnel, STAGE_CONTRACT, STAGE_QUALIFY } from '../deals/fixtures';
import type { OnecExchangeDetail, OnecIntegration } from './queries';

const saleIntegration: OnecIntegration = {
  id: '11111111-1111-4111-8111-111111111111',
  name: 'УТ 11',
  login: 'site',
  exchange_path: '/api/v1/onec/11111111-1111-4111-8111-111111111111/exchange',
  exchange_catalog: true,
  exchange_sale: true,
  is_active: true,
  responsible_id: null,
  order_stage_ids: [STAGE_QUALIFY],
  deal_funnel_id: null,
  win_on_status: false,
  created_at: '2026-12-01T10:00:00Z',
  version: 3,
};

const saleExchange: OnecExchangeDetail = {
  id: '66666666-6666-4666-8666-666666666666',
  integration_id: saleIntegration.id,
  type: 'sale',
  status: 'done',
  started_at: '2026-12-02T09:00:00Z',
  last_seen_at: '2026-12-02T09:00:05Z',
  finished_at: '2026-12-02T09:00:05Z',
  bytes_received: 0,
  files_count: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  errors: [],
  progress: 'orders acknowledged: 7',
  counterparties_created: 0,
  counterparties_updated: 0,
  counterparties_unchanged: 0,
  counterparties_flagged: 0,
  flagged: [],
  orders_sent: 7,
  files: [],
};

describe('OnecSettings: orders to 1C', () => {
  it('chooses the order stages grouped by funnel and sends them', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/users': () => json(200, { items: [adminUser], next_cursor: null }),
      'GET /api/v1/funnels': () => json(200, [salesFunnel]),
      'GET /api/v1/onec/integrations': () =>
        json(200, { items: [saleIntegration], next_cursor: null }),
      'GET /api/v1/onec/exchanges': () => json(200, { items: [], next_cursor: null }),
      [`PATCH /api/v1/onec/integrations/${saleIntegration.id}`]: () =>
        json(200, { ...saleIntegration, version: 4, password: null }),
    });
    const { user } = renderApp('/settings/onec');

    await screen.findByText('УТ 11', {}, { timeout: 15_000 });
    await user.click(screen.getByRole('button', { name: 'Изменить' }));
    const dialog = within(await screen.findByRole('dialog'));
    const stages = await dialog.findByTestId('onec-order-stages');
    await waitFor(() => expect(stages).toBeEnabled());
    await user.click(stages);
    // Grouped by funnel: the funnel's name heads its stages in the stages' own dropdown.
    await waitFor(() => expect(stages).toHaveAttribute('aria-controls'));
    const dropdown = within(document.getElementById(stages.getAttribute('aria-controls')!)!);
    expect(await dropdown.findByText('Продажи')).toBeInTheDocument();
    await user.click(await dropdown.findByRole('option', { name: 'Договор' }));
    await user.click(dialog.getByRole('button', { name: 'Сохранить' }));

    await waitFor(() =>
      expect(api.callsTo('PATCH', `/api/v1/onec/integrations/${saleIntegration.id}`)).toHaveLength(
        1,
      ),
    );
    const [call] = api.callsTo('PATCH', `/api/v1/onec/integrations/${saleIntegration.id}`);
    // The stage saved before stays chosen, the new one follows it.
    expect(JSON.parse(call!.body)).toMatchObject({
      exchange_sale: true,
      order_stage_ids: [STAGE_QUALIFY, STAGE_CONTRACT],
    });
  }, 30_000);

  it('puts a refused stage on the stages field', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/users': () => json(200, { items: [adminUser], next_cursor: null }),
      'GET /api/v1/funnels': () => json(200, [salesFunnel]),
      'GET /api/v1/onec/integrations': () =>
        json(200, { items: [saleIntegration], next_cursor: null }),
      'GET /api/v1/onec/exchanges': () => json(200, { items: [], next_cursor: null }),
      [`PATCH /api/v1/onec/integrations/${saleIntegration.id}`]: () =>
        problem(422, 'order_stage_ids.0: no such stage', [
          { loc: ['body', 'order_stage_ids', 0], msg: 'no such stage', code: 'not_found' },
        ]),
    });
    const { user } = renderApp('/settings/onec');

    await screen.findByText('УТ 11', {}, { timeout: 15_000 });
    await user.click(screen.getByRole('button', { name: 'Изменить' }));
    const dialog = within(await screen.findByRole('dialog'));
    await user.click(dialog.getByRole('button', { name: 'Сохранить' }));
    const stages = await dialog.findByTestId('onec-order-stages');
    await waitFor(() => expect(stages).toHaveAttribute('aria-invalid', 'true'));
  }, 30_000);

  it('shows how many orders 1C accepted in a sale exchange', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/onec/integrations': () =>
        json(200, { items: [saleIntegration], next_cursor: null }),
      'GET /api/v1/onec/exchanges': () => json(200, { items: [saleExchange], next_cursor: null }),
      [`GET /api/v1/onec/exchanges/${saleExchange.id}`]: () => json(200, saleExchange),
    });
    const { user } = renderApp('/settings/onec');

    await user.click(await screen.findByTestId('onec-exchange', {}, { timeout: 15_000 }));
    const dialog = within(await screen.findByRole('dialog'));
    expect(await dialog.findByTestId('onec-orders-sent')).toHaveTextContent(
      'Заказов принято 1С: 7',
    );
  }, 30_000);
});
