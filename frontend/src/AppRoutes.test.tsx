import { screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { setTokens } from './features/auth/authStore';
import { adminUser, json, mockApi } from './test/api';
import { renderApp } from './test/renderApp';

// A screen that cannot draw, as when its chunk is gone after a deploy.
vi.mock('./features/profile/ProfilePage', () => ({
  ProfilePage: () => {
    throw new Error('Failed to fetch dynamically imported module');
  },
}));

describe('app routes', () => {
  it('offers a reload when a screen cannot draw, and draws the app again elsewhere', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    setTokens({ access: 'access-1' });
    mockApi({ 'GET /api/v1/users/me': () => json(200, adminUser) });
    const { router } = renderApp('/profile');

    expect(await screen.findByText('Не удалось загрузить данные.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Обновить страницу' })).toBeInTheDocument();

    await router.navigate('/settings');
    expect(await screen.findByTestId('current-user')).toHaveTextContent(adminUser.full_name);
    expect(screen.queryByText('Не удалось загрузить данные.')).not.toBeInTheDocument();
  });

  it('shows the not-found page for an unknown path inside the app', async () => {
    setTokens({ access: 'access-1' });
    mockApi({ 'GET /api/v1/users/me': () => json(200, adminUser) });
    renderApp('/no-such-page');
    expect(await screen.findByRole('heading', { name: 'Страница не найдена' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'На главную' })).toHaveAttribute('href', '/');
  });
});
