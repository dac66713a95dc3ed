import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { department, headOfSales, headRole, seller, sellerRole } from './fixtures';
import type { User } from './queries';

const page = (items: User[]) => json(200, { items, next_cursor: null });

describe('UserSettings', () => {
  afterEach(() => vi.restoreAllMocks());

  it('invites a colleague with a role and a department, and puts a refused e-mail on its field', async () => {
    setTokens({ access: 'access-1' });
    let invites = 0;
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/users': () => page([adminUser, seller]),
      'GET /api/v1/roles': () => json(200, [headRole, sellerRole]),
      'GET /api/v1/departments': () => json(200, [department]),
      'POST /api/v1/users/invitations': () => {
        invites += 1;
        if (invites === 1) {
          return problem(409, 'A user with this e-mail exists', [
            { loc: ['body', 'email'], msg: 'is taken' },
          ]);
        }
        return json(201, {
          user: {
            ...seller,
            id: 'user-new',
            email: 'new@example.com',
            full_name: 'Новый Продавец',
          },
          job_id: 'job-1',
        });
      },
    });
    const { user } = renderApp('/settings/users');

    const row = (await screen.findByText('Алексей Сидоров', {}, { timeout: 5000 })).closest('tr');
    expect(within(row as HTMLElement).getByText('Отдел продаж')).toBeInTheDocument();
    expect(within(row as HTMLElement).getByText('Продавец')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Пригласить пользователя' }));
    const dialog = await screen.findByRole('dialog');
    const email = within(dialog).getByLabelText(/E-mail/);
    await user.type(email, 'not-an-address');
    await user.tab();
    expect(
      await within(dialog).findByText('Введите адрес вида name@company.ru'),
    ).toBeInTheDocument();
    await user.clear(email);
    await user.type(email, 'taken@example.com');
    await user.type(within(dialog).getByLabelText(/Имя и фамилия/), 'Новый Продавец');
    await user.click(within(dialog).getByRole('combobox', { name: /Роль/ }));
    await user.click(await screen.findByRole('option', { name: 'Продавец' }));
    await user.click(within(dialog).getByRole('combobox', { name: /Отдел/ }));
    await user.click(await screen.findByRole('option', { name: 'Отдел продаж' }));
    await user.click(within(dialog).getByRole('button', { name: 'Отправить приглашение' }));

    // The server's English is not shown: the field gets a Russian sentence, the form a summary.
    expect(await within(dialog).findByText('Сервер не принял это значение')).toBeInTheDocument();
    expect(within(dialog).getByTestId('settings-refusal')).toHaveTextContent('Поля: E-mail');
    expect(screen.queryByText('is taken')).not.toBeInTheDocument();

    await user.clear(email);
    await user.type(email, 'new@example.com');
    await user.click(within(dialog).getByRole('button', { name: 'Отправить приглашение' }));
    expect(
      await screen.findByText('Приглашение отправлено на new@example.com'),
    ).toBeInTheDocument();
    const sent = JSON.parse(
      api.callsTo('POST', '/api/v1/users/invitations').at(-1)!.body,
    ) as Record<string, unknown>;
    expect(sent).toMatchObject({
      email: 'new@example.com',
      full_name: 'Новый Продавец',
      role_id: sellerRole.id,
      department_id: department.id,
      language: 'ru',
    });
  }, 40_000);

  it('deactivates a colleague after confirmation with the version it read', async () => {
    setTokens({ access: 'access-1' });
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    let current = seller;
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/users': () => page([adminUser, current]),
      'GET /api/v1/departments': () => json(200, [department]),
      [`POST /api/v1/users/${seller.id}/deactivate`]: () => {
        current = { ...seller, is_active: false, version: seller.version + 1 };
        return json(200, current);
      },
    });
    const { user } = renderApp('/settings/users');

    const row = (await screen.findByText('Алексей Сидоров', {}, { timeout: 5000 })).closest('tr');
    await user.click(within(row as HTMLElement).getByRole('button', { name: 'Отключить' }));
    await waitFor(() => expect(screen.queryByText('Алексей Сидоров')).not.toBeInTheDocument());
    const call = api.callsTo('POST', `/api/v1/users/${seller.id}/deactivate`)[0]!;
    expect(call.headers.get('If-Match')).toBe('"v4"');

    await user.click(screen.getByRole('switch', { name: 'Показывать отключённых' }));
    const back = (await screen.findByText('Алексей Сидоров')).closest('tr');
    expect(within(back as HTMLElement).getByText('Отключён')).toBeInTheDocument();
    expect(
      within(back as HTMLElement).getByRole('button', { name: 'Вернуть доступ' }),
    ).toBeEnabled();
  });

  it('shows the refusal when a head of sales grants a role wider than their own', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, headOfSales),
      'GET /api/v1/users': () => page([headOfSales, seller]),
      'GET /api/v1/roles': () => json(200, [headRole, sellerRole]),
      'GET /api/v1/departments': () => json(200, [department]),
      [`PATCH /api/v1/users/${seller.id}`]: () =>
        problem(403, 'You may only grant a role that holds no more than your own'),
    });
    const { user } = renderApp('/settings/users');

    const row = (await screen.findByText('Алексей Сидоров', {}, { timeout: 5000 })).closest('tr');
    await user.click(within(row as HTMLElement).getByRole('button', { name: 'Изменить' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('combobox', { name: /Роль/ }));
    await user.click(await screen.findByRole('option', { name: 'Руководитель отдела продаж' }));
    await user.click(within(dialog).getByRole('button', { name: 'Сохранить' }));

    expect(await within(dialog).findByTestId('settings-refusal')).toHaveTextContent(
      'Нельзя выдать больше, чем есть у вас',
    );
  });
});
