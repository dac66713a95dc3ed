import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';

const signIn = () => setTokens({ access: 'access-1' });

describe('ProfileEdit', () => {
  it('puts the field errors of a problem on the fields they name', async () => {
    signIn();
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'PATCH /api/v1/users/me': () =>
        problem(422, 'Invalid input: body.phone', [
          { loc: ['body', 'phone'], msg: 'Enter the number in international format' },
        ]),
    });
    const { user } = renderApp('/profile');

    const phone = await screen.findByLabelText('Телефон');
    await user.type(phone, '+7 000 000 00 00');
    await user.click(screen.getByRole('button', { name: 'Сохранить' }));

    await waitFor(() => expect(phone).toHaveAttribute('aria-invalid', 'true'));
    expect(phone).toHaveAccessibleDescription('Enter the number in international format');
    expect(screen.getByLabelText(/Имя и фамилия/)).not.toHaveAttribute('aria-invalid', 'true');
    // The message went to its field, so no general alert repeats it.
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    const [patch] = api.callsTo('PATCH', '/api/v1/users/me');
    expect(JSON.parse(patch!.body)).toEqual({ phone: '+7 000 000 00 00' });
  });

  it('shows a problem that names no field above the form', async () => {
    signIn();
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'PATCH /api/v1/users/me': () => problem(409, 'The profile was changed meanwhile'),
    });
    const { user } = renderApp('/profile');

    await user.clear(await screen.findByLabelText(/Имя и фамилия/));
    await user.type(screen.getByLabelText(/Имя и фамилия/), 'Анна Новая');
    await user.click(screen.getByRole('button', { name: 'Сохранить' }));

    // In the reader's language, from the problem's kind; never the server's English detail.
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Действие противоречит текущему состоянию записи.');
    expect(alert).not.toHaveTextContent('The profile was changed meanwhile');
  });

  it('saves the changed fields and switches the UI to the chosen language', async () => {
    signIn();
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'PATCH /api/v1/users/me': async (request) =>
        json(200, { ...adminUser, ...(await request.json()) }),
    });
    const { user } = renderApp('/profile');

    await user.click(await screen.findByRole('combobox', { name: 'Язык интерфейса' }));
    await user.click(within(screen.getByRole('listbox')).getByRole('option', { name: 'English' }));
    await user.click(screen.getByRole('button', { name: 'Сохранить' }));

    expect(await screen.findByRole('heading', { name: 'Profile' })).toBeInTheDocument();
    const [patch] = api.callsTo('PATCH', '/api/v1/users/me');
    expect(JSON.parse(patch!.body)).toEqual({ language: 'en' });
  });

  it('checks the name and the phone as they are typed', async () => {
    signIn();
    const api = mockApi({ 'GET /api/v1/users/me': () => json(200, adminUser) });
    const { user } = renderApp('/profile');

    const phone = await screen.findByLabelText('Телефон');
    await user.type(phone, '12-34');
    expect(phone).toHaveAccessibleDescription('Неверный номер телефона');
    await user.type(phone, '567');
    expect(phone).not.toHaveAttribute('aria-invalid', 'true');
    const name = screen.getByLabelText(/Имя и фамилия/);
    await user.clear(name);
    expect(name).toHaveAccessibleDescription('Введите имя');
    await user.click(screen.getByRole('button', { name: 'Сохранить' }));
    expect(api.callsTo('PATCH', '/api/v1/users/me')).toHaveLength(0);
  });
});
