import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { getTokens, setTokens } from '../auth/authStore';

const signIn = () => setTokens({ access: 'access-1' });

describe('AppShellLayout', () => {
  it('shows the navigation and the signed-in user', async () => {
    signIn();
    mockApi({ 'GET /api/v1/users/me': () => json(200, adminUser) });
    renderApp('/');

    const user = await screen.findByTestId('current-user');
    expect(user).toHaveTextContent(adminUser.full_name);
    expect(user).toHaveTextContent(adminUser.email);
    const nav = screen.getByRole('navigation', { name: 'Основная навигация' });
    const links = within(nav).getAllByRole('link');
    expect(links.map((link) => link.getAttribute('href'))).toEqual(
      expect.arrayContaining(['/', '/clients', '/deals', '/tasks', '/settings']),
    );
    // The reports section (lead intake's reports) for holders of reports:read.
    expect(links.map((link) => link.getAttribute('href'))).toContain('/reports');
    expect(within(nav).getByRole('link', { name: 'Сегодня' })).toHaveAttribute(
      'aria-current',
      'page',
    );
  });

  it('speaks the language of the signed-in user', async () => {
    signIn();
    mockApi({ 'GET /api/v1/users/me': () => json(200, { ...adminUser, language: 'uk' }) });
    renderApp('/');

    expect(await screen.findByRole('link', { name: 'Клієнти' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Вийти' })).toBeInTheDocument();
  });

  it('loads a section when its link is followed', async () => {
    signIn();
    mockApi({ 'GET /api/v1/users/me': () => json(200, adminUser) });
    const { user, router } = renderApp('/');

    await user.click(await screen.findByRole('link', { name: 'Сделки' }));

    expect(await screen.findByRole('heading', { name: 'Сделки' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/deals');
  });

  it('signs out: ends the sign-in on the server and returns to the sign-in page', async () => {
    signIn();
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'POST /api/v1/auth/logout': () => new Response(null, { status: 204 }),
    });
    const { user, router } = renderApp('/');

    await user.click(await screen.findByRole('button', { name: 'Выйти' }));

    expect(await screen.findByRole('heading', { name: 'Вход в CRM' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(getTokens()).toBeNull();
    const [logout] = api.callsTo('POST', '/api/v1/auth/logout');
    // The refresh cookie goes along; there is no token to send.
    expect(logout!.body).toBe('');
    expect(logout!.credentials).toBe('same-origin');
  });

  it('returns to the sign-in page when the session cannot be refreshed', async () => {
    signIn();
    mockApi({
      'GET /api/v1/users/me': () => problem(401, 'Token expired'),
      'POST /api/v1/auth/refresh': () => problem(401, 'Refresh token revoked'),
    });
    const { router } = renderApp('/deals');

    expect(await screen.findByRole('heading', { name: 'Вход в CRM' })).toBeInTheDocument();
    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
    expect(router.state.location.state).toEqual({ from: '/deals' });
    expect(getTokens()).toBeNull();
  });

  it('starts each sign-in with an empty cache: the next user never sees the last one’s data', async () => {
    signIn();
    const seller = {
      ...adminUser,
      id: 'seller-1',
      full_name: 'Сергей Продавцов',
      email: 'seller@example.com',
    };
    let current = adminUser;
    mockApi({
      'GET /api/v1/users/me': () => json(200, current),
      'POST /api/v1/auth/logout': () => new Response(null, { status: 204 }),
      'POST /api/v1/auth/login': () =>
        json(200, { access_token: 'access-2', token_type: 'bearer', expires_in: 900 }),
    });
    const { user } = renderApp('/');
    expect(await screen.findByTestId('current-user')).toHaveTextContent(adminUser.full_name);

    await user.click(screen.getByRole('button', { name: 'Выйти' }));
    current = seller;
    await user.type(await screen.findByLabelText(/Эл. почта/), seller.email);
    await user.type(screen.getByLabelText(/Пароль/), 'change-me-now');
    await user.click(screen.getByRole('button', { name: 'Войти' }));

    // Within the cache's 30 s a shared cache would still hold the admin as "me".
    await waitFor(() =>
      expect(screen.getByTestId('current-user')).toHaveTextContent(seller.full_name),
    );
    expect(screen.getByTestId('current-user')).not.toHaveTextContent(adminUser.full_name);
  });
});
