import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { catalogue, customField, department, headRole, seller, sellerRole } from './fixtures';

// A refusal of one field with a code: said under that field in Russian, from the code.
const refused = (field: string) =>
  problem(422, 'Invalid input', [
    {
      loc: ['body', field],
      msg: 'must not contain control characters',
      code: 'control_characters',
    },
  ]);
const CONTROL = /Уберите управляющие символы/;

describe('Settings forms check as typed', () => {
  it('a document type: the name’s length and the code’s shape as typed, a refused code on it', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/document-types': () => json(200, []),
      'POST /api/v1/document-types': () => refused('code'),
    });
    const { user } = renderApp('/settings/document-types');

    const name = await screen.findByLabelText('Название', {}, { timeout: 5000 });
    const code = screen.getByLabelText('Код');
    await user.click(name);
    await user.paste('Д'.repeat(201));
    // Said while typing, before anything is sent; the code, untouched, says nothing yet.
    expect(name).toHaveAccessibleDescription(/Не длиннее 200 символов/);
    expect(code).not.toHaveAttribute('aria-invalid', 'true');
    await user.clear(name);
    expect(name).toHaveAccessibleDescription(/Обязательное поле/);
    await user.type(name, 'Договор');
    await user.type(code, 'Договор');
    expect(code).toHaveAccessibleDescription(/Латинские строчные буквы/);
    await user.clear(code);
    await user.type(code, 'contract');
    await user.click(screen.getByRole('button', { name: 'Добавить' }));

    await waitFor(() => expect(code).toHaveAccessibleDescription(CONTROL));
    expect(api.callsTo('POST', '/api/v1/document-types')).toHaveLength(1);
  });

  it('a department: the name as typed, a refused name on it', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/departments': () => json(200, [department]),
      'GET /api/v1/users': () => json(200, { items: [adminUser, seller], next_cursor: null }),
      'POST /api/v1/departments': () => refused('name'),
    });
    const { user } = renderApp('/settings/departments');

    await user.click(await screen.findByRole('button', { name: 'Новый отдел' }, { timeout: 5000 }));
    const dialog = within(await screen.findByRole('dialog'));
    const name = dialog.getByLabelText(/Название/);
    await user.click(name);
    await user.paste('О'.repeat(201));
    expect(name).toHaveAccessibleDescription(/Не длиннее 200 символов/);
    await user.clear(name);
    await user.type(name, 'Отдел закупок');
    expect(name).not.toHaveAttribute('aria-invalid', 'true');
    await user.click(dialog.getByRole('button', { name: 'Сохранить' }));
    await waitFor(() => expect(name).toHaveAccessibleDescription(CONTROL));
  });

  it('a role: the name as typed, a refused name on it', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/roles': () => json(200, [sellerRole]),
      'GET /api/v1/permissions': () => json(200, catalogue),
      'POST /api/v1/roles': () => refused('name'),
    });
    const { user } = renderApp('/settings/roles');

    await user.click(await screen.findByRole('button', { name: 'Новая роль' }, { timeout: 5000 }));
    const dialog = within(await screen.findByRole('dialog'));
    const name = dialog.getByLabelText(/Название/);
    await user.click(name);
    await user.paste('Р'.repeat(101));
    expect(name).toHaveAccessibleDescription(/Не длиннее 100 символов/);
    await user.clear(name);
    expect(name).toHaveAccessibleDescription(/Обязательное поле/);
    await user.type(name, 'Юрист');
    await user.click(dialog.getByRole('button', { name: 'Сохранить' }));
    await waitFor(() => expect(name).toHaveAccessibleDescription(CONTROL));
  }, 20_000);

  it('an invitation: the name as typed, a refused name on it', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/users': () => json(200, { items: [adminUser, seller], next_cursor: null }),
      'GET /api/v1/roles': () => json(200, [headRole, sellerRole]),
      'GET /api/v1/departments': () => json(200, [department]),
      'POST /api/v1/users/invitations': () => refused('full_name'),
    });
    const { user } = renderApp('/settings/users');

    await user.click(
      await screen.findByRole('button', { name: 'Пригласить пользователя' }, { timeout: 5000 }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    const fullName = dialog.getByLabelText(/Имя и фамилия/);
    await user.click(fullName);
    await user.paste('И'.repeat(201));
    expect(fullName).toHaveAccessibleDescription(/Не длиннее 200 символов/);
    await user.clear(fullName);
    await user.type(fullName, 'Новый Продавец');
    await user.type(dialog.getByLabelText(/E-mail/), 'new@example.com');
    await user.click(dialog.getByRole('combobox', { name: /Роль/ }));
    await user.click(await screen.findByRole('option', { name: 'Продавец' }));
    await user.click(dialog.getByRole('button', { name: 'Отправить приглашение' }));

    await waitFor(() => expect(fullName).toHaveAccessibleDescription(CONTROL));
    expect(api.callsTo('POST', '/api/v1/users/invitations')).toHaveLength(1);
  }, 30_000);

  it('a colleague’s edit: the phone’s shape as typed, a refused phone on it', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/users': () => json(200, { items: [adminUser, seller], next_cursor: null }),
      'GET /api/v1/roles': () => json(200, [headRole, sellerRole]),
      'GET /api/v1/departments': () => json(200, [department]),
      [`PATCH /api/v1/users/${seller.id}`]: () => refused('phone'),
    });
    const { user } = renderApp('/settings/users');

    const row = (await screen.findByText('Алексей Сидоров', {}, { timeout: 5000 })).closest('tr');
    await user.click(within(row as HTMLElement).getByRole('button', { name: 'Изменить' }));
    const dialog = within(await screen.findByRole('dialog'));
    const phone = dialog.getByLabelText('Телефон');
    await user.clear(phone);
    await user.type(phone, '12');
    expect(phone).toHaveAccessibleDescription(/Неверный номер телефона/);
    await user.type(phone, '3 45 67');
    expect(phone).not.toHaveAttribute('aria-invalid', 'true');
    await user.click(dialog.getByRole('button', { name: 'Сохранить' }));
    await waitFor(() => expect(phone).toHaveAccessibleDescription(CONTROL));
  }, 20_000);

  it('a custom field: the label as typed, a refused label on it', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/custom-fields': () => json(200, [customField]),
      'POST /api/v1/custom-fields': () => refused('label'),
    });
    const { user } = renderApp('/settings/custom-fields');

    await user.click(await screen.findByRole('button', { name: 'Новое поле' }, { timeout: 5000 }));
    const dialog = within(await screen.findByRole('dialog'));
    const label = dialog.getByLabelText(/Название/);
    await user.click(label);
    await user.paste('П'.repeat(201));
    expect(label).toHaveAccessibleDescription(/Не длиннее 200 символов/);
    await user.clear(label);
    await user.type(label, 'Способ оплаты');
    const key = dialog.getByLabelText(/^Код/);
    await user.type(key, 'Оплата');
    // The code's shape is said as typed, not only on leaving the field.
    expect(key).toHaveAccessibleDescription(/Латинские строчные буквы/);
    await user.clear(key);
    await user.type(key, 'payment_method');
    await user.click(dialog.getByRole('button', { name: 'Сохранить' }));
    await waitFor(() => expect(label).toHaveAccessibleDescription(CONTROL));
  }, 20_000);
});
