import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { headOfSales, seller } from './fixtures';

describe('SettingsLayout', () => {
  it('shows an administrator every section and opens the first', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/organisation': () =>
        json(200, {
          id: adminUser.organisation_id,
          name: 'ООО «Ромашка»',
          currency: 'RUB',
          time_zone: 'Europe/Moscow',
          fulfilment_basis: 'paid_invoices',
          webhooks_allow_private_targets: false,
          created_at: null,
          version: 2,
        }),
    });
    const { router } = renderApp('/settings');

    const menu = await screen.findByRole(
      'navigation',
      { name: 'Разделы настроек' },
      { timeout: 5000 },
    );
    for (const name of [
      'Пользователи',
      'Роли и права',
      'Воронки и этапы',
      'Дополнительные поля',
      'API-ключи',
    ]) {
      expect(menu).toHaveTextContent(name);
    }
    expect(await screen.findByRole('heading', { name: 'Организация' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/settings/organisation');
    expect(screen.getByLabelText(/^Название/)).toHaveValue('ООО «Ромашка»');
  });

  it('hides settings from a seller and refuses the address typed by hand', async () => {
    setTokens({ access: 'access-1' });
    mockApi({ 'GET /api/v1/users/me': () => json(200, seller) });
    renderApp('/settings/funnels');

    expect(
      await screen.findByText(/нет прав ни на один раздел/, {}, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Настройки' })).not.toBeInTheDocument();
  });

  it('gives a head of sales only the sections their permissions open', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({ 'GET /api/v1/users/me': () => json(200, headOfSales) });
    renderApp('/settings/funnels');

    const menu = await screen.findByRole(
      'navigation',
      { name: 'Разделы настроек' },
      { timeout: 5000 },
    );
    expect(menu).toHaveTextContent('Пользователи');
    expect(menu).toHaveTextContent('Роли и права');
    expect(menu).not.toHaveTextContent('Воронки и этапы');
    expect(screen.getByTestId('settings-forbidden')).toBeInTheDocument();
    // The screen itself never loads: no request for the funnels was made.
    expect(api.callsTo('GET', '/api/v1/funnels')).toHaveLength(0);
  });
});
