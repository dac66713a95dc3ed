import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { adminUser, json, mockApi } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import type { OnecExchangeDetail, OnecIntegration } from './queries';

const existing: OnecIntegration = {
  id: '11111111-1111-4111-8111-111111111111',
  name: 'УТ 11',
  login: 'site',
  exchange_path: '/api/v1/onec/11111111-1111-4111-8111-111111111111/exchange',
  exchange_catalog: true,
  exchange_sale: false,
  is_active: true,
  responsible_id: null,
  deal_funnel_id: null,
  win_on_status: false,
  order_stage_ids: [],
  created_at: '2026-12-01T10:00:00Z',
  version: 1,
};

const failed: OnecExchangeDetail = {
  id: '33333333-3333-4333-8333-333333333333',
  integration_id: existing.id,
  type: 'catalog',
  status: 'failed',
  started_at: '2026-12-02T09:00:00Z',
  last_seen_at: '2026-12-02T09:00:05Z',
  finished_at: '2026-12-02T09:00:05Z',
  bytes_received: 512,
  files_count: 1,
  created: 0,
  updated: 0,
  unchanged: 0,
  errors: ['import.xml: the document has a DTD (<!DOCTYPE>): refused, entities are not expanded'],
  progress: 'the document has a DTD (<!DOCTYPE>): refused, entities are not expanded',
  counterparties_created: 0,
  counterparties_updated: 0,
  counterparties_unchanged: 0,
  counterparties_flagged: 0,
  flagged: [],
  orders_sent: 0,
  files: [
    {
      name: 'import.xml',
      kind: 'import',
      size: 512,
      status: 'failed',
      records_read: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      error: 'the document has a DTD (<!DOCTYPE>): refused, entities are not expanded',
    },
  ],
};

const done = {
  ...failed,
  id: '44444444-4444-4444-8444-444444444444',
  status: 'done' as const,
  created: 10,
  updated: 1,
  unchanged: 3,
  errors: [],
  progress: 'offers0_1.xml: imported 6 records',
};

describe('OnecSettings', () => {
  it('connects 1C and shows the address, login and password once', async () => {
    setTokens({ access: 'access-1' });
    let integrations = [existing];
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/onec/integrations': () => json(200, { items: integrations, next_cursor: null }),
      'GET /api/v1/onec/exchanges': () => json(200, { items: [], next_cursor: null }),
      'POST /api/v1/onec/integrations': () => {
        const made = {
          ...existing,
          id: '22222222-2222-4222-8222-222222222222',
          name: 'Бухгалтерия',
          login: 'exchange',
          exchange_sale: true,
          exchange_path: '/api/v1/onec/22222222-2222-4222-8222-222222222222/exchange',
        };
        integrations = [made, ...integrations];
        return json(201, { ...made, password: 'Once-Only-Password-123' });
      },
    });
    const { user } = renderApp('/settings/onec');

    const row = (await screen.findByText('УТ 11', {}, { timeout: 5000 })).closest('tr');
    expect(
      within(row as HTMLElement).getByText(`${window.location.origin}${existing.exchange_path}`),
    ).toBeInTheDocument();
    expect(screen.getByText('1С ещё не выполняла обмен')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Подключить 1С' }));
    const dialog = within(await screen.findByRole('dialog'));
    await user.type(dialog.getByLabelText(/Название/), 'Бухгалтерия');
    const login = dialog.getByLabelText(/Логин/);
    await user.clear(login);
    await user.type(login, 'bad login');
    expect(login).toHaveAccessibleDescription(/Без пробелов и двоеточий/);
    await user.clear(login);
    await user.type(login, 'exchange');
    await user.click(dialog.getByRole('switch', { name: /Обмениваться заказами/ }));
    await user.click(dialog.getByRole('button', { name: 'Создать' }));

    expect(await screen.findByText('Данные для настройки 1С')).toBeInTheDocument();
    expect(screen.getByTestId('onec-credentials-url')).toHaveTextContent(
      '/api/v1/onec/22222222-2222-4222-8222-222222222222/exchange',
    );
    expect(screen.getByTestId('onec-credentials-login')).toHaveTextContent('exchange');
    expect(screen.getByTestId('onec-credentials-password')).toHaveTextContent(
      'Once-Only-Password-123',
    );
    const sent: unknown = JSON.parse(api.callsTo('POST', '/api/v1/onec/integrations')[0]!.body);
    expect(sent).toMatchObject({
      name: 'Бухгалтерия',
      login: 'exchange',
      exchange_catalog: true,
      exchange_sale: true,
    });
    await user.click(screen.getByRole('button', { name: 'Готово' }));
    await waitFor(() => expect(screen.queryByText('Once-Only-Password-123')).toBeNull());
  }, 30_000);

  it('rotates the password from the editor and shows the new one', async () => {
    setTokens({ access: 'access-1' });
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/onec/integrations': () => json(200, { items: [existing], next_cursor: null }),
      'GET /api/v1/onec/exchanges': () => json(200, { items: [], next_cursor: null }),
      [`PATCH /api/v1/onec/integrations/${existing.id}`]: () =>
        json(200, { ...existing, version: 2, password: 'Rotated-Password-456' }),
    });
    const { user } = renderApp('/settings/onec');

    await screen.findByText('УТ 11', {}, { timeout: 5000 });
    await user.click(screen.getByRole('button', { name: 'Изменить' }));
    const dialog = within(await screen.findByRole('dialog'));
    await user.click(dialog.getByRole('button', { name: 'Выдать новый пароль' }));

    expect(await screen.findByTestId('onec-credentials-password')).toHaveTextContent(
      'Rotated-Password-456',
    );
    const [call] = api.callsTo('PATCH', `/api/v1/onec/integrations/${existing.id}`);
    expect(JSON.parse(call!.body)).toEqual({ rotate_password: true });
    expect(call!.headers.get('If-Match')).toBe('"v1"');
  }, 30_000);

  it('chooses the funnel of orders from 1C and winning deals by their status', async () => {
    setTokens({ access: 'access-1' });
    const sale = {
      ...existing,
      exchange_sale: true,
      order_stage_ids: [],
      deal_funnel_id: null,
      win_on_status: false,
    };
    const funnel = { id: '77777777-7777-4777-8777-777777777777', name: 'Интернет-магазин' };
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/onec/integrations': () => json(200, { items: [sale], next_cursor: null }),
      'GET /api/v1/onec/exchanges': () => json(200, { items: [], next_cursor: null }),
      'GET /api/v1/funnels': () => json(200, [{ ...funnel, stages: [] }]),
      [`PATCH /api/v1/onec/integrations/${existing.id}`]: () =>
        json(200, { ...sale, version: 2, password: null, win_on_status: true }),
    });
    const { user } = renderApp('/settings/onec');

    await screen.findByText('УТ 11', {}, { timeout: 15_000 });
    await user.click(screen.getByRole('button', { name: 'Изменить' }));
    const dialog = within(await screen.findByRole('dialog'));
    await user.click(dialog.getByRole('combobox', { name: /Воронка для заказов из 1С/ }));
    await user.click(await screen.findByRole('option', { name: 'Интернет-магазин' }));
    await user.click(
      dialog.getByRole('switch', { name: /Выигрывать сделки, отгруженные или выполненные/ }),
    );
    await user.click(dialog.getByRole('button', { name: 'Сохранить' }));

    await waitFor(() =>
      expect(api.callsTo('PATCH', `/api/v1/onec/integrations/${existing.id}`)).toHaveLength(1),
    );
    const [call] = api.callsTo('PATCH', `/api/v1/onec/integrations/${existing.id}`);
    expect(JSON.parse(call!.body)).toMatchObject({
      deal_funnel_id: funnel.id,
      win_on_status: true,
    });
  }, 30_000);

  it('lists exchanges with their counts and opens one with its files and errors', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/onec/integrations': () => json(200, { items: [existing], next_cursor: null }),
      'GET /api/v1/onec/exchanges': () => json(200, { items: [done, failed], next_cursor: null }),
      [`GET /api/v1/onec/exchanges/${failed.id}`]: () => json(200, failed),
    });
    const { user } = renderApp('/settings/onec');

    const rows = await screen.findAllByTestId('onec-exchange', {}, { timeout: 5000 });
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).getByText('Завершён')).toBeInTheDocument();
    expect(within(rows[0]!).getByText('новых 10, изменено 1, без изменений 3')).toBeInTheDocument();
    expect(within(rows[1]!).getByText('Ошибка')).toBeInTheDocument();

    await user.click(rows[1]!);
    const dialog = within(await screen.findByRole('dialog'));
    const files = within(await dialog.findByTestId('onec-exchange-files'));
    expect(files.getByText('import.xml')).toBeInTheDocument();
    expect(files.getByText('512')).toBeInTheDocument();
    expect(dialog.getAllByText(/refused, entities are not expanded/).length).toBeGreaterThan(1);
  }, 30_000);

  it('shows what the documents from 1C did to deals, invoices and payments', async () => {
    setTokens({ access: 'access-1' });
    const sale = {
      ...done,
      type: 'sale' as const,
      documents: {
        created: 3,
        updated: 1,
        unchanged: 5,
        failed: 1,
        deals_created: 2,
        deals_updated: 1,
        invoices_issued: 3,
        invoices_updated: 1,
        invoices_cancelled: 0,
        payments: 2,
      },
    };
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/onec/integrations': () => json(200, { items: [existing], next_cursor: null }),
      'GET /api/v1/onec/exchanges': () => json(200, { items: [sale], next_cursor: null }),
      [`GET /api/v1/onec/exchanges/${sale.id}`]: () => json(200, sale),
    });
    const { user } = renderApp('/settings/onec');

    await user.click(await screen.findByTestId('onec-exchange', {}, { timeout: 5000 }));
    const dialog = within(await screen.findByRole('dialog'));
    expect(await dialog.findByTestId('onec-documents')).toHaveTextContent(
      'Документы: новых 3, изменено 1, без изменений 5, не применено 1; сделок создано 2, ' +
        'изменено 1, счетов выставлено 3, изменено 1, отменено 0, оплат 2',
    );
  }, 30_000);

  it('shows what counterparties did and links the clients of a flagged one', async () => {
    setTokens({ access: 'access-1' });
    const first = '55555555-5555-4555-8555-555555555555';
    const second = '66666666-6666-4666-8666-666666666666';
    const sale = {
      ...done,
      type: 'sale' as const,
      counterparties_created: 2,
      counterparties_updated: 1,
      counterparties_unchanged: 4,
      counterparties_flagged: 1,
      flagged: [
        {
          external_id: 'cp-7',
          name: 'ООО Ромашка',
          reason: 'several clients have this phone',
          candidates: [first, second],
        },
      ],
    };
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/onec/integrations': () => json(200, { items: [existing], next_cursor: null }),
      'GET /api/v1/onec/exchanges': () => json(200, { items: [sale], next_cursor: null }),
      [`GET /api/v1/onec/exchanges/${sale.id}`]: () => json(200, sale),
    });
    const { user } = renderApp('/settings/onec');

    await user.click(await screen.findByTestId('onec-exchange', {}, { timeout: 5000 }));
    const dialog = within(await screen.findByRole('dialog'));
    expect(
      await dialog.findByText(
        'Контрагенты: новых клиентов 2, связано или изменено 1, без изменений 4, отложено 1',
      ),
    ).toBeInTheDocument();
    const flagged = within(dialog.getByTestId('onec-flagged'));
    expect(flagged.getByText('ООО Ромашка')).toBeInTheDocument();
    expect(flagged.getByRole('link', { name: 'клиент 1' })).toHaveAttribute(
      'href',
      `/clients/${first}`,
    );
    expect(flagged.getByRole('link', { name: 'клиент 2' })).toHaveAttribute(
      'href',
      `/clients/${second}`,
    );
  }, 30_000);

  it('follows a running exchange until it is done', async () => {
    setTokens({ access: 'access-1' });
    const importing = {
      ...done,
      status: 'importing' as const,
      last_seen_at: new Date().toISOString(),
      progress: 'import0_1.xml: 2000 records read',
    };
    let answers = 0;
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/onec/integrations': () => json(200, { items: [existing], next_cursor: null }),
      'GET /api/v1/onec/exchanges': () =>
        json(200, { items: [answers++ === 0 ? importing : done], next_cursor: null }),
    });
    renderApp('/settings/onec');

    expect(
      await screen.findByText('import0_1.xml: 2000 records read', {}, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('offers0_1.xml: imported 6 records', {}, { timeout: 8000 }),
    ).toBeInTheDocument();
    const polls = api.callsTo('GET', '/api/v1/onec/exchanges').length;
    // Done: no more polling.
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(api.callsTo('GET', '/api/v1/onec/exchanges')).toHaveLength(polls);
  }, 30_000);
});
