import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { client } from '../clients/fixtures';
import { deal, salesFunnel } from './fixtures';

const CLIENT_ID = deal.client_id;

describe('DealCreate', () => {
  it('posts the client, the amount as a decimal string and the default funnel', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      [`GET /api/v1/users/${adminUser.id}`]: () => json(200, adminUser),
      [`GET /api/v1/clients/${CLIENT_ID}`]: () => json(200, client(CLIENT_ID, 'ООО Ромашка')),
      [`GET /api/v1/clients/${CLIENT_ID}/timeline`]: () =>
        json(200, { items: [], next_cursor: null }),
      'GET /api/v1/funnels': () => json(200, [salesFunnel]),
      'POST /api/v1/deals': async (request) =>
        json(201, { ...deal, ...((await request.json()) as object) }),
    });
    const { user } = renderApp(`/clients/${CLIENT_ID}`);

    await user.click(
      await screen.findByRole('button', { name: 'Новая сделка' }, { timeout: 5000 }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    await waitFor(() =>
      expect(dialog.getByRole('combobox', { name: 'Воронка' })).toHaveValue('Продажи'),
    );
    await user.type(dialog.getByLabelText(/^Название сделки/), 'Поставка оборудования');
    await user.type(dialog.getByLabelText('Сумма'), '150 000,50');
    await user.click(dialog.getByRole('button', { name: 'Создать сделку' }));

    expect(await screen.findByText('Сделка «Поставка оборудования» создана')).toBeInTheDocument();
    const [post] = api.callsTo('POST', '/api/v1/deals');
    expect(JSON.parse(post!.body)).toEqual({
      client_id: CLIENT_ID,
      title: 'Поставка оборудования',
      amount: '150000.50',
      funnel_id: salesFunnel.id,
    });
  });

  it('checks the title and the amount as they are typed and puts a refusal on its field', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      [`GET /api/v1/users/${adminUser.id}`]: () => json(200, adminUser),
      [`GET /api/v1/clients/${CLIENT_ID}`]: () => json(200, client(CLIENT_ID, 'ООО Ромашка')),
      [`GET /api/v1/clients/${CLIENT_ID}/timeline`]: () =>
        json(200, { items: [], next_cursor: null }),
      'GET /api/v1/funnels': () => json(200, [salesFunnel]),
      'POST /api/v1/deals': () =>
        problem(422, 'Invalid input', [
          {
            loc: ['body', 'amount'],
            msg: 'is out of range',
            code: 'out_of_range',
            ctx: { max: '1e15' },
          },
        ]),
    });
    const { user } = renderApp(`/clients/${CLIENT_ID}`);

    await user.click(
      await screen.findByRole('button', { name: 'Новая сделка' }, { timeout: 5000 }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    const title = dialog.getByLabelText(/^Название сделки/);
    const amount = dialog.getByLabelText('Сумма');
    await user.type(amount, '12 тыс');
    // Said while typing, before anything is sent.
    expect(amount).toHaveAccessibleDescription('Введите сумму числом, например 150000,50');
    await user.type(title, 'Х');
    await user.clear(title);
    expect(title).toHaveAccessibleDescription('Введите название сделки');

    await user.clear(amount);
    await user.type(amount, '999999999999999999');
    await user.type(title, 'Поставка');
    await user.click(dialog.getByRole('button', { name: 'Создать сделку' }));
    await waitFor(() =>
      expect(amount).toHaveAccessibleDescription('Число вне допустимого диапазона'),
    );
    expect(title).not.toHaveAttribute('aria-invalid', 'true');
    expect(dialog.queryByRole('alert')).not.toBeInTheDocument();
    expect(api.callsTo('POST', '/api/v1/deals')).toHaveLength(1);
  });
});
