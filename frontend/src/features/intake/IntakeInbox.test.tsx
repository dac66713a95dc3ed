import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import type { InboxItem } from './queries';

const dead: InboxItem = {
  id: 'it-1',
  source: 'form',
  provider: 'tilda',
  channel_id: 'form-1',
  event_key: 'form-1:tranid:1:2',
  received_at: '2026-12-01T10:00:00Z',
  remote_addr: '203.0.113.7',
  content_type: 'application/x-www-form-urlencoded',
  headers: { 'user-agent': 'Tilda' },
  body_size: 28,
  body_text: 'Name=Анна&Phone=89161234567',
  body_truncated: false,
  state: 'dead',
  attempts: 6,
  next_attempt_at: null,
  last_error: 'RuntimeError: database went away',
  processed_at: null,
  lead: null,
};

const processed: InboxItem = {
  ...dead,
  id: 'it-2',
  state: 'processed',
  attempts: 0,
  last_error: null,
  lead: { name: 'Олег', phone: '+79165550182' },
};

describe('IntakeInbox', () => {
  it('lists requests with their state, filters the dead letters, shows one and retries it', async () => {
    setTokens({ access: 'access-1' });
    const asked: (string | null)[] = [];
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/intake/inbox': (request) => {
        const state = new URL(request.url).searchParams.get('state');
        asked.push(state);
        return json(200, {
          items: state === 'dead' ? [dead] : [processed, dead],
          next_cursor: null,
        });
      },
      'POST /api/v1/intake/inbox/it-1/retry': () => json(202, { ...dead, state: 'pending' }),
    });
    const { user } = renderApp('/settings/intake-inbox');

    const table = await screen.findByTestId('intake-inbox', {}, { timeout: 5000 });
    expect(within(table).getByText('Олег, +79165550182')).toBeInTheDocument();
    expect(within(table).getByText('RuntimeError: database went away')).toBeInTheDocument();
    expect(within(table).getByText('Попыток: 6')).toBeInTheDocument();

    await user.click(screen.getByRole('radio', { name: 'Не обработаны' }));
    await waitFor(() =>
      expect(
        within(screen.getByTestId('intake-inbox')).queryByText('Олег, +79165550182'),
      ).toBeNull(),
    );
    expect(asked).toContain('dead');

    const row = screen.getByText('RuntimeError: database went away').closest('tr') as HTMLElement;
    await user.click(within(row).getByRole('button', { name: 'Подробности' }));
    const details = await screen.findByTestId('intake-item');
    expect(within(details).getByText('Name=Анна&Phone=89161234567')).toBeInTheDocument();

    await user.click(within(row).getByRole('button', { name: 'Обработать снова' }));
    await waitFor(() =>
      expect(api.calls.some((c) => c.method === 'POST' && c.path.endsWith('/it-1/retry'))).toBe(
        true,
      ),
    );
  });

  it('says why the list could not be read instead of showing it empty', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/intake/inbox': () => problem(403, 'This requires the permission intake:manage'),
    });
    renderApp('/settings/intake-inbox');

    expect(
      await screen.findByText('У вас нет прав на это действие.', {}, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(screen.queryByText('Запросов с таким состоянием нет.')).toBeNull();
    expect(screen.getByRole('button', { name: 'Повторить' })).toBeInTheDocument();
  });
});
