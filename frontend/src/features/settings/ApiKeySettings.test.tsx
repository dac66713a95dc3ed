import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { catalogue } from './fixtures';
import type { ApiKey } from './queries';

const existing: ApiKey = {
  id: 'key-1',
  name: '1С: Бухгалтерия',
  prefix: 'crm_ab12',
  permissions: ['clients:read'],
  created_by: adminUser.id,
  created_at: '2026-11-20T10:00:00Z',
  expires_at: null,
  revoked_at: null,
  last_used_at: null,
};

describe('ApiKeySettings', () => {
  it('shows a new key once, with copy, and never again', async () => {
    setTokens({ access: 'access-1' });
    let keys: ApiKey[] = [existing];
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/api-keys': () => json(200, keys),
      'GET /api/v1/permissions': () => json(200, catalogue),
      'POST /api/v1/api-keys': () => {
        const created = { ...existing, id: 'key-2', name: 'Телефония', prefix: 'crm_cd34' };
        keys = [created, ...keys];
        return json(201, { ...created, key: 'crm_cd34.s3cr3t-value' });
      },
    });
    const { user } = renderApp('/settings/api-keys');

    expect(await screen.findByText('1С: Бухгалтерия', {}, { timeout: 5000 })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Новый ключ' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText(/Название/), 'Телефония');
    await user.click(within(dialog).getByRole('button', { name: 'Создать' }));
    expect(await within(dialog).findByText('Выберите хотя бы одно право')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('checkbox', { name: 'Создавать и менять клиентов' }));
    await user.click(within(dialog).getByRole('button', { name: 'Создать' }));

    const secret = await screen.findByTestId('api-key-secret');
    expect(secret).toHaveTextContent('crm_cd34.s3cr3t-value');
    expect(screen.getByText(/показывается только один раз/)).toBeInTheDocument();
    expect(JSON.parse(api.callsTo('POST', '/api/v1/api-keys')[0]!.body)).toEqual({
      name: 'Телефония',
      permissions: ['clients:write'],
      expires_at: null,
    });
    await user.click(screen.getByRole('button', { name: 'Скопировать' }));
    expect(await screen.findByRole('button', { name: 'Скопировано' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Готово, ключ сохранён' }));

    await waitFor(() => expect(screen.queryByTestId('api-key-secret')).not.toBeInTheDocument());
    const row = (await screen.findByText('Телефония')).closest('tr');
    expect(within(row as HTMLElement).getByText('crm_cd34…')).toBeInTheDocument();
    expect(document.body).not.toHaveTextContent('s3cr3t-value');
  });

  it('offers only the permissions the creator holds', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () =>
        json(200, {
          ...adminUser,
          role_code: 'integrator',
          permissions: ['api_keys:manage', 'clients:read'],
        }),
      'GET /api/v1/api-keys': () => json(200, []),
      'GET /api/v1/permissions': () => json(200, catalogue),
    });
    const { user } = renderApp('/settings/api-keys');

    expect(await screen.findByText('Ключей пока нет.', {}, { timeout: 5000 })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Новый ключ' }));
    const dialog = await screen.findByRole('dialog');
    expect(
      await within(dialog).findByRole('checkbox', { name: 'Видеть клиентов' }),
    ).toBeInTheDocument();
    expect(
      within(dialog).queryByRole('checkbox', { name: 'Видеть сделки' }),
    ).not.toBeInTheDocument();
  });
});
