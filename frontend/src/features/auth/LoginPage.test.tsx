import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { getTokens } from './authStore';

const signedIn = {
  access_token: 'access-1',
  token_type: 'bearer',
  expires_in: 900,
};

describe('LoginPage', () => {
  it('sends a visitor without a session from / to /login', async () => {
    mockApi({});
    const { router } = renderApp('/');
    expect(await screen.findByRole('heading', { name: 'Вход в CRM' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
  });

  it('renders in Russian by default', async () => {
    mockApi({});
    renderApp('/login');
    expect(await screen.findByRole('heading', { name: 'Вход в CRM' })).toBeInTheDocument();
    expect(screen.getByLabelText(/Эл. почта/)).toBeInTheDocument();
    expect(screen.getByLabelText(/Пароль/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Войти' })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe('ru');
  });

  it('submits the credentials, stores the tokens and opens the app as the user', async () => {
    const api = mockApi({
      'POST /api/v1/auth/login': () => json(200, signedIn),
      'GET /api/v1/users/me': () => json(200, adminUser),
    });
    const { router, user } = renderApp('/login');

    await user.type(await screen.findByLabelText(/Эл. почта/), ' admin@example.com ');
    await user.type(screen.getByLabelText(/Пароль/), 'change-me-now');
    await user.click(screen.getByRole('button', { name: 'Войти' }));

    expect(await screen.findByText(adminUser.full_name)).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/');
    const [login] = api.callsTo('POST', '/api/v1/auth/login');
    expect(JSON.parse(login!.body)).toEqual({
      email: 'admin@example.com',
      password: 'change-me-now',
    });
    expect(getTokens()).toEqual({ access: 'access-1' });
    // The refresh token is an HttpOnly cookie: nothing a script can read keeps one.
    expect(Object.keys(localStorage).filter((key) => key.includes('refresh'))).toEqual([]);
    const [me] = api.callsTo('GET', '/api/v1/users/me');
    expect(me!.headers.get('Authorization')).toBe('Bearer access-1');
    const nav = screen.getByRole('navigation', { name: 'Основная навигация' });
    expect(within(nav).getByRole('link', { name: 'Клиенты' })).toHaveAttribute('href', '/clients');
  });

  it('does not send the form when the e-mail is not an address', async () => {
    const api = mockApi({});
    const { user } = renderApp('/login');
    await user.type(await screen.findByLabelText(/Эл. почта/), 'admin');
    await user.type(screen.getByLabelText(/Пароль/), 'secret');
    await user.click(screen.getByRole('button', { name: 'Войти' }));
    expect(await screen.findByText('Введите адрес эл. почты')).toBeInTheDocument();
    expect(api.calls).toHaveLength(0);
  });

  it('shows the refusal in the reader’s language, not the server’s English', async () => {
    mockApi({
      'POST /api/v1/auth/login': () => problem(401, 'Wrong e-mail or password'),
    });
    const { user, router } = renderApp('/login');
    await user.type(await screen.findByLabelText(/Эл. почта/), 'admin@example.com');
    await user.type(screen.getByLabelText(/Пароль/), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Войти' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Неверная эл. почта или пароль, либо сеанс истёк');
    expect(alert).not.toHaveTextContent('Wrong e-mail or password');
    expect(getTokens()).toBeNull();
    expect(router.state.location.pathname).toBe('/login');
  });

  it('tells the user to wait when sign-in attempts are rate-limited', async () => {
    mockApi({
      'POST /api/v1/auth/login': () => problem(429, 'Too many sign-in attempts; retry in 60 s'),
    });
    const { user } = renderApp('/login');
    await user.type(await screen.findByLabelText(/Эл. почта/), 'admin@example.com');
    await user.type(screen.getByLabelText(/Пароль/), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Войти' }));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Слишком много попыток. Подождите немного и повторите.',
    );
  });

  it('falls back to a translated message when a 429 carries no problem body', async () => {
    mockApi({
      'POST /api/v1/auth/login': () => new Response('', { status: 429 }),
    });
    const { user } = renderApp('/login');
    await user.type(await screen.findByLabelText(/Эл. почта/), 'admin@example.com');
    await user.type(screen.getByLabelText(/Пароль/), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Войти' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Слишком много попыток');
  });

  it('switches the labels to English', async () => {
    mockApi({});
    const { user } = renderApp('/login');
    await user.selectOptions(await screen.findByLabelText('Язык'), 'en');

    expect(await screen.findByRole('heading', { name: 'Sign in to CRM' })).toBeInTheDocument();
    expect(screen.getByLabelText(/Email/)).toBeInTheDocument();
    expect(screen.getByLabelText(/Password/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Войти' })).not.toBeInTheDocument();
    await waitFor(() => expect(localStorage.getItem('crm.language')).toBe('en'));
  });

  it('checks a field as the user leaves it and clears the message as they fix it', async () => {
    mockApi({});
    const { user } = renderApp('/login');
    const email = await screen.findByLabelText(/Эл. почта/);
    await user.type(email, 'admin');
    expect(screen.queryByText('Введите адрес эл. почты')).not.toBeInTheDocument();

    await user.click(screen.getByLabelText(/Пароль/));
    expect(await screen.findByText('Введите адрес эл. почты')).toBeInTheDocument();
    expect(email).toHaveAttribute('aria-invalid', 'true');

    await user.type(email, '@example.com');
    expect(screen.queryByText('Введите адрес эл. почты')).not.toBeInTheDocument();
    expect(email).not.toHaveAttribute('aria-invalid', 'true');
  });

  it('puts the server’s field errors on the fields, not above the form', async () => {
    mockApi({
      'POST /api/v1/auth/login': () =>
        problem(422, 'Invalid input', [
          { loc: ['body', 'email'], msg: 'must be an e-mail address', code: 'not_an_email' },
        ]),
    });
    const { user } = renderApp('/login');
    const email = await screen.findByLabelText(/Эл. почта/);
    await user.type(email, 'admin@localhost');
    await user.type(screen.getByLabelText(/Пароль/), 'secret');
    await user.click(screen.getByRole('button', { name: 'Войти' }));

    await waitFor(() =>
      expect(email).toHaveAccessibleDescription('Введите адрес эл. почты вида name@example.com'),
    );
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    // Fixing the field takes the server's word back.
    await user.type(email, '.ru');
    expect(email).not.toHaveAttribute('aria-invalid', 'true');
  });
});
