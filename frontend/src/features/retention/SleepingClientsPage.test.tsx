import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import type { RetentionSettings, SleepingClient } from './queries';

const settings: RetentionSettings = {
  abc_a_share: '80.00',
  abc_b_share: '15.00',
  abc_c_share: '5.00',
  sleeping_days: 90,
  sleeping_days_by_segment: { опт: 60 },
  version: 2,
  updated_at: '2026-11-01T10:00:00Z',
};

const sleeper = (id: string, name: string, tags: string[], days: number): SleepingClient => ({
  client_id: id,
  name,
  responsible_id: 'user-7',
  responsible_name: 'Олег Петров',
  relationship_type: 'permanent',
  segment_tags: tags,
  last_purchase_at: '2026-07-01T09:00:00Z',
  sleeping_days: tags.includes('опт') ? 60 : 90,
  days_without_purchase: days,
});

describe('SleepingClientsPage', () => {
  it('lists the sleeping clients with the rule they sleep by, pages on and filters by segment', async () => {
    setTokens({ access: 'access-1' });
    const asked: URLSearchParams[] = [];
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      // Each row names its responsible: no user is fetched per row.
      'GET /api/v1/users/user-7': () => {
        throw new Error('the responsible is named by the list');
      },
      // The responsible filter's colleagues.
      'GET /api/v1/users': () => json(200, { items: [], next_cursor: null }),
      'GET /api/v1/retention/settings': () => json(200, settings),
      'GET /api/v1/retention/sleeping': (request) => {
        const query = new URL(request.url).searchParams;
        asked.push(query);
        if (query.get('segment') === 'опт') {
          return json(200, {
            items: [sleeper('c-2', 'Оптовик', ['опт'], 154)],
            next_cursor: null,
            total: 1,
          });
        }
        if (query.get('cursor') === 'next') {
          return json(200, {
            items: [sleeper('c-3', 'Лютик', [], 100)],
            next_cursor: null,
            total: 1200,
          });
        }
        return json(200, {
          items: [sleeper('c-1', 'ООО Ромашка', ['розница', 'юг'], 154)],
          next_cursor: 'next',
          total: 1200,
        });
      },
    });
    const { user, router } = renderApp('/retention/sleeping');

    const table = await screen.findByRole('table', { name: 'Спящие клиенты' }, { timeout: 5000 });
    const [first] = within(table).getAllByRole('row').slice(1);
    expect(within(first!).getByRole('link', { name: 'ООО Ромашка' })).toHaveAttribute(
      'href',
      '/clients/c-1',
    );
    expect(first).toHaveTextContent('постоянный');
    expect(first).toHaveTextContent('розница');
    expect(first).toHaveTextContent('юг');
    expect(first).toHaveTextContent('154 / 90');
    expect(first).toHaveTextContent(
      new Intl.DateTimeFormat('ru', { dateStyle: 'medium' }).format(
        new Date('2026-07-01T09:00:00Z'),
      ),
    );
    expect(first).toHaveTextContent('Олег Петров');
    // 1 200 with the locale's group separator.
    expect(screen.getByTestId('sleeping-total')).toHaveTextContent(
      /^Спящих клиентов: 1\s200, показано 1$/,
    );
    expect(await screen.findByTestId('sleeping-rule')).toHaveTextContent('дольше 90 дн.');
    expect(screen.getByText('Свои сроки сегментов: опт — 60 дн.')).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Спящие клиенты', selected: true })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Показать ещё' }));
    await within(table).findByRole('link', { name: 'Лютик' });
    expect(asked.at(-1)?.get('cursor')).toBe('next');
    expect(screen.getByTestId('sleeping-total')).toHaveTextContent('показано 2');

    await user.type(screen.getByRole('searchbox', { name: 'Сегмент' }), 'опт');
    await screen.findByRole('link', { name: 'Оптовик' });
    expect(asked.at(-1)?.get('segment')).toBe('опт');
    expect(asked.at(-1)?.has('cursor')).toBe(false);
    await waitFor(() =>
      expect(router.state.location.search).toBe(`?segment=${encodeURIComponent('опт')}`),
    );
    expect(screen.queryByRole('link', { name: 'ООО Ромашка' })).not.toBeInTheDocument();
    expect(screen.getByTestId('sleeping-total')).toHaveTextContent(
      'Спящих клиентов: 1, показано 1',
    );
  });

  it('asks for the segment a link names and says when nobody sleeps in it', async () => {
    setTokens({ access: 'access-1' });
    const asked: URLSearchParams[] = [];
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      // The responsible filter's colleagues.
      'GET /api/v1/users': () => json(200, { items: [], next_cursor: null }),
      'GET /api/v1/retention/settings': () => json(200, settings),
      'GET /api/v1/retention/sleeping': (request) => {
        asked.push(new URL(request.url).searchParams);
        return json(200, { items: [], next_cursor: null, total: 0 });
      },
    });
    renderApp('/retention/sleeping?segment=%D0%BE%D0%BF%D1%82');

    await screen.findByText('С такими условиями спящих клиентов нет.', {}, { timeout: 5000 });
    expect(asked[0]?.get('segment')).toBe('опт');
    expect(screen.getByRole('searchbox', { name: 'Сегмент' })).toHaveValue('опт');
  });
});
