import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
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
    // The settings menu has a section of that name too: the key is the table's row.
    const row = (await screen.findAllByText('Телефония'))
      .map((element) => element.closest('tr'))
      .find((tr) => tr !== null);
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

  it('checks the name and the expiry as they are typed and puts server errors on their fields', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/api-keys': () => json(200, []),
      'GET /api/v1/permissions': () => json(200, catalogue),
      'POST /api/v1/api-keys': () =>
        problem(422, 'Invalid input', [
          {
            loc: ['body', 'name'],
            msg: 'must not contain control characters',
            code: 'control_characters',
          },
          {
            loc: ['body', 'expires_at'],
            msg: 'must be between 2000-01-01 and 2100-12-31',
            code: 'date_outside_window',
            ctx: { min: '2000-01-01', max: '2100-12-31' },
          },
        ]),
    });
    const { user } = renderApp('/settings/api-keys');

    await user.click(await screen.findByRole('button', { name: 'Новый ключ' }, { timeout: 5000 }));
    const dialog = await screen.findByRole('dialog');
    const name = within(dialog).getByLabelText(/Название/);
    await user.click(name);
    await user.paste('к'.repeat(201));
    // Said while typing, before anything is sent.
    expect(name).toHaveAccessibleDescription(/Не длиннее 200 символов/);
    await user.clear(name);
    expect(await within(dialog).findByText('Обязательное поле')).toBeInTheDocument();
    const expires = within(dialog).getByLabelText(/Действует до/);
    await user.type(expires, '2001-01-01');
    expect(await within(dialog).findByText('Дата уже прошла')).toBeInTheDocument();
    await user.clear(expires);
    await user.type(expires, '2199-01-01');
    expect(within(dialog).queryByText('Дата уже прошла')).not.toBeInTheDocument();

    await user.type(name, 'Телефония');
    await user.click(await within(dialog).findByRole('checkbox', { name: 'Видеть клиентов' }));
    await user.click(within(dialog).getByRole('button', { name: 'Создать' }));

    // Each error on the field that holds it: expires_at is the form's expiry date.
    await waitFor(() => expect(name).toHaveAccessibleDescription(/Уберите управляющие символы/));
    expect(expires).toHaveAccessibleDescription(/Дата должна быть от 2000-01-01 до 2100-12-31/);
    expect(api.callsTo('POST', '/api/v1/api-keys')).toHaveLength(1);
  });
});
