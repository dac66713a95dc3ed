import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';

const organisation = {
  id: adminUser.organisation_id,
  name: 'ООО «Ромашка»',
  currency: 'RUB',
  time_zone: 'Europe/Moscow',
  fulfilment_basis: 'paid_invoices',
  webhooks_allow_private_targets: false,
  created_at: null,
  version: 2,
};

describe('OrganisationSettings', () => {
  it('saves the currency with the version it read, and says so when someone changed it first', async () => {
    setTokens({ access: 'access-1' });
    let patches = 0;
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/organisation': () => json(200, organisation),
      'PATCH /api/v1/organisation': async (request) => {
        patches += 1;
        if (patches === 1) return problem(412, 'The organisation changed meanwhile');
        return json(200, { ...organisation, ...(await request.json()), version: 3 });
      },
    });
    const { user } = renderApp('/settings/organisation');

    const currency = await screen.findByLabelText(/^Валюта/, {}, { timeout: 5000 });
    await user.clear(currency);
    await user.type(currency, 'ua');
    expect(await screen.findByText(/Три латинские заглавные буквы/)).toBeInTheDocument();
    await user.type(currency, 'h');
    expect(currency).toHaveValue('UAH');
    await user.click(screen.getByRole('button', { name: 'Сохранить' }));
    expect(await screen.findByTestId('settings-refusal')).toHaveTextContent(
      'Запись уже изменил кто-то другой',
    );

    await user.clear(await screen.findByLabelText(/^Валюта/));
    await user.type(screen.getByLabelText(/^Валюта/), 'UAH');
    await user.click(screen.getByRole('button', { name: 'Сохранить' }));
    expect(await screen.findByText('Сохранено')).toBeInTheDocument();
    const calls = api.callsTo('PATCH', '/api/v1/organisation');
    await waitFor(() => expect(calls).toHaveLength(2));
    expect(calls[0]!.headers.get('If-Match')).toBe('"v2"');
    expect(JSON.parse(calls[1]!.body)).toMatchObject({ currency: 'UAH', name: 'ООО «Ромашка»' });
  });

  it('picks the time zone from the IANA list instead of typing it', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/organisation': () => json(200, organisation),
      'PATCH /api/v1/organisation': async (request) =>
        json(200, { ...organisation, ...(await request.json()), version: 3 }),
    });
    const { user } = renderApp('/settings/organisation');

    const zone = await screen.findByRole('combobox', { name: /^Часовой пояс/ }, { timeout: 5000 });
    expect(zone).toHaveValue('Europe/Moscow');
    await user.clear(zone);
    await user.type(zone, 'Yekat');
    await user.click(await screen.findByRole('option', { name: 'Asia/Yekaterinburg' }));
    await user.click(screen.getByRole('button', { name: 'Сохранить' }));

    expect(await screen.findByText('Сохранено')).toBeInTheDocument();
    const [patch] = api.callsTo('PATCH', '/api/v1/organisation');
    expect(JSON.parse(patch!.body)).toMatchObject({ time_zone: 'Asia/Yekaterinburg' });
  });
});
