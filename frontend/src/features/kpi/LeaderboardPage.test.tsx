import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { adminUser, json, mockApi } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { periodLabel, periodStart } from './period';
import type { Leaderboard } from './queries';

const start = periodStart('month', new Date());
const board: Leaderboard = {
  period_kind: 'month',
  period_start: start,
  period_end: start,
  items: [
    { rank: 1, user_id: 'u-2', name: 'Олена Коваленко', percent: '120.0', karma: '31.50' },
    { rank: 2, user_id: 'u-1', name: 'Алексей Сидоров', percent: '50.0', karma: '-2.00' },
  ],
};

const original = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'requestFullscreen');

afterEach(() => {
  vi.useRealTimers();
  if (original) Object.defineProperty(HTMLElement.prototype, 'requestFullscreen', original);
  else delete (HTMLElement.prototype as Partial<HTMLElement>).requestFullscreen;
});

function rowsOf(table: HTMLElement) {
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) => row.textContent);
}

describe('LeaderboardPage', () => {
  it('shows each person’s karma for a month beside the fulfilment', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/kpi/leaderboard': () => json(200, board),
    });
    renderApp('/plans/leaderboard');

    const table = await screen.findByRole('table', { name: 'Рейтинг' }, { timeout: 5000 });
    expect(within(table).getByRole('columnheader', { name: 'Карма' })).toBeVisible();
    expect(rowsOf(table)).toEqual(['1Олена Коваленко120.0 %31,5', '2Алексей Сидоров50.0 %-2']);
  });

  it('goes full screen with large names, the period and no amounts, refreshing every minute', async () => {
    setTokens({ access: 'access-1' });
    const requestFullscreen = vi.fn(() => Promise.resolve());
    Object.defineProperty(HTMLElement.prototype, 'requestFullscreen', {
      configurable: true,
      value: requestFullscreen,
    });
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/kpi/leaderboard': () => json(200, board),
    });
    const { user } = renderApp('/plans/leaderboard');

    await user.click(
      await screen.findByRole('button', { name: 'На весь экран' }, { timeout: 5000 }),
    );

    expect(requestFullscreen).toHaveBeenCalledTimes(1);
    const wall = screen.getByTestId('leaderboard-wall');
    expect(requestFullscreen.mock.contexts[0]).toBe(wall);
    expect(wall).toHaveAttribute('data-mode', 'fullscreen');
    expect(within(wall).getByTestId('wall-period')).toHaveTextContent(
      periodLabel('month', start, 'ru'),
    );
    expect(rowsOf(within(wall).getByRole('table', { name: 'Рейтинг' }))).toHaveLength(2);
    // Chrome-less: the period picker and the links are gone.
    expect(within(wall).queryByRole('link')).toBeNull();
    expect(within(wall).queryByRole('radiogroup')).toBeNull();

    // The browser's own exit (Esc) ends the mode.
    fireEvent(document, new Event('fullscreenchange'));
    expect(await screen.findByRole('button', { name: 'На весь экран' })).toBeVisible();
    expect(api.callsTo('GET', '/api/v1/kpi/leaderboard')).toHaveLength(1);
  });

  it('falls back to a layer over the window where full screen is refused, and Esc leaves it', async () => {
    setTokens({ access: 'access-1' });
    Object.defineProperty(HTMLElement.prototype, 'requestFullscreen', {
      configurable: true,
      value: () => Promise.reject(new TypeError('not allowed')),
    });
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/kpi/leaderboard': () => json(200, board),
    });
    const { user } = renderApp('/plans/leaderboard');

    await user.click(
      await screen.findByRole('button', { name: 'На весь экран' }, { timeout: 5000 }),
    );
    const wall = screen.getByTestId('leaderboard-wall');
    await waitFor(() => expect(wall).toHaveAttribute('data-mode', 'overlay'));
    expect(wall).toHaveStyle({ position: 'fixed' });
    await user.keyboard('{Escape}');
    await waitFor(() => expect(wall).toHaveAttribute('data-mode', 'page'));
  });

  it('asks again every minute while on the wall', async () => {
    setTokens({ access: 'access-1' });
    Object.defineProperty(HTMLElement.prototype, 'requestFullscreen', {
      configurable: true,
      value: () => Promise.resolve(),
    });
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/kpi/leaderboard': () => json(200, board),
    });
    renderApp('/plans/leaderboard');
    const enter = await screen.findByRole('button', { name: 'На весь экран' }, { timeout: 5000 });
    vi.useFakeTimers({ shouldAdvanceTime: true });
    fireEvent.click(enter);
    await vi.advanceTimersByTimeAsync(61_000);
    await waitFor(() => expect(api.callsTo('GET', '/api/v1/kpi/leaderboard')).toHaveLength(2));
    fireEvent.click(screen.getByRole('button', { name: 'Выйти из полноэкранного режима' }));
    await vi.advanceTimersByTimeAsync(61_000);
    expect(api.callsTo('GET', '/api/v1/kpi/leaderboard')).toHaveLength(2);
  });
});
