import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { catalogue, headOfSales, headRole, sellerRole } from './fixtures';
import type { Role } from './queries';

const adminRole: Role = {
  id: 'role-admin',
  name: 'Администратор',
  code: 'admin',
  is_builtin: true,
  permissions: catalogue.permissions as Role['permissions'],
  visibility: { clients: 'all', deals: 'all', tasks: 'all', activities: 'all' },
  version: 1,
};

describe('RoleSettings', () => {
  it('creates a role with permissions and visibility, in Russian', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/roles': () => json(200, [adminRole, sellerRole]),
      'GET /api/v1/permissions': () => json(200, catalogue),
      'POST /api/v1/roles': () => json(201, { ...sellerRole, id: 'role-new', code: null }),
    });
    const { user } = renderApp('/settings/roles');

    const seller = (await screen.findByText('Продавец', {}, { timeout: 5000 })).closest('tr');
    expect(within(seller as HTMLElement).getByText(/Клиенты: свои/)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Новая роль' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText(/Название/), 'Юрист по договорам');
    await user.click(await within(dialog).findByRole('checkbox', { name: 'Видеть сделки' }));
    // A permission without a translation yet shows its code, not a key path.
    expect(within(dialog).getByRole('checkbox', { name: 'reports:export' })).toBeInTheDocument();
    await user.click(
      within(dialog).getByRole('checkbox', { name: 'Комментировать клиентов и сделки' }),
    );
    const deals = within(dialog).getByRole('radiogroup', { name: 'Сделки' });
    await user.click(within(deals).getByText('все'));
    await user.click(within(dialog).getByRole('button', { name: 'Сохранить' }));

    await screen.findByText('Продавец');
    const body = JSON.parse(api.callsTo('POST', '/api/v1/roles')[0]!.body) as {
      name: string;
      permissions: string[];
      visibility: Record<string, string>;
    };
    expect(body.name).toBe('Юрист по договорам');
    expect(body.permissions.sort()).toEqual(['comments:write', 'deals:read']);
    expect(body.visibility).toEqual({
      clients: 'own',
      deals: 'all',
      tasks: 'own',
      activities: 'own',
    });
  }, 40_000);

  it('marks what the caller does not hold and shows the API refusal to grant it', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, headOfSales),
      'GET /api/v1/roles': () => json(200, [adminRole, headRole, sellerRole]),
      'GET /api/v1/permissions': () => json(200, catalogue),
      [`PATCH /api/v1/roles/${sellerRole.id}`]: () =>
        problem(403, 'You may only grant a role that holds no more than your own'),
    });
    const { user } = renderApp('/settings/roles');

    const row = (await screen.findByText('Продавец', {}, { timeout: 5000 })).closest('tr');
    await user.click(within(row as HTMLElement).getByRole('button', { name: 'Изменить' }));
    const dialog = await screen.findByRole('dialog');
    const write = await within(dialog).findByRole('checkbox', {
      name: /Создавать и менять сделки/,
    });
    // The head of sales holds deals:read but not deals:write: the form says so beforehand.
    expect(write.closest('.mantine-Checkbox-root')).toHaveTextContent('У вас этого права нет');
    await user.click(within(dialog).getByRole('button', { name: 'Сохранить' }));
    expect(await within(dialog).findByTestId('settings-refusal')).toHaveTextContent(
      'Нельзя выдать больше, чем есть у вас',
    );
  });

  it('shows the administrator role read-only', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/roles': () => json(200, [adminRole]),
      'GET /api/v1/permissions': () => json(200, catalogue),
    });
    const { user } = renderApp('/settings/roles');
    await user.click(await screen.findByRole('button', { name: 'Посмотреть' }, { timeout: 5000 }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText(/всегда все права/)).toBeInTheDocument();
    expect(within(dialog).queryByRole('button', { name: 'Сохранить' })).not.toBeInTheDocument();
    expect(await within(dialog).findByRole('checkbox', { name: 'Видеть сделки' })).toBeDisabled();
  });
});
