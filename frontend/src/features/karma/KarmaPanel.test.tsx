import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { client } from '../clients/fixtures';
import type { ClientKarma, KarmaEntry } from './queries';

// ECharts cannot draw in jsdom: the chart stands in as the points it was given.
vi.mock('./KarmaChart', () => ({
  KarmaChart: ({ points, title }: { points: { day: string; score: number }[]; title: string }) => (
    <div role="img" aria-label={title}>
      {points.map((p) => `${p.day}:${p.score}`).join(' ')}
    </div>
  ),
}));

const ID = '00000000-0000-4000-8000-00000000c301';
const seller = {
  ...adminUser,
  role_code: 'seller',
  permissions: ['clients:read', 'clients:write', 'deals:read'],
};

const scored: ClientKarma = {
  client_id: ID,
  score: '-5.00',
  expected: null,
  entries: 2,
  sector: 'Стройка',
  sector_average: '3.00',
  history: [
    { day: '2025-03-01', change: '-10.00', score: '-10.00' },
    { day: '2025-03-02', change: '5.00', score: '-5.00' },
  ],
  public_conflict: null,
};

const entry = (over: Partial<KarmaEntry>): KarmaEntry => ({
  id: 'e-1',
  kind: 'lost_tender',
  points: '-10.00',
  reason: null,
  source_kind: 'deal',
  source_id: 'd-1',
  occurred_at: '2025-03-01T10:00:00Z',
  created_by: null,
  created_by_name: null,
  created_at: '2025-03-01T10:00:00Z',
  ...over,
});

function routes(me: typeof adminUser, karma: ClientKarma, entries: KarmaEntry[]) {
  return {
    'GET /api/v1/users/me': () => json(200, me),
    [`GET /api/v1/users/${adminUser.id}`]: () => json(200, adminUser),
    'GET /api/v1/users': () => json(200, { items: [adminUser], next_cursor: null }),
    'GET /api/v1/custom-fields': () => json(200, []),
    'GET /api/v1/deals': () => json(200, { items: [], next_cursor: null }),
    'GET /api/v1/tasks': () => json(200, { items: [], next_cursor: null }),
    [`GET /api/v1/clients/${ID}/timeline`]: () => json(200, { items: [], next_cursor: null }),
    [`GET /api/v1/clients/${ID}`]: () => json(200, client(ID, 'ООО Карма')),
    [`GET /api/v1/clients/${ID}/karma`]: () => json(200, karma),
    [`GET /api/v1/clients/${ID}/karma/entries`]: () =>
      json(200, { items: entries, next_cursor: null }),
  };
}

describe('KarmaPanel', () => {
  it('shows the score, its history and the latest entries with their reasons and authors', async () => {
    setTokens({ access: 'access-1' });
    mockApi(
      routes(adminUser, scored, [
        entry({
          id: 'e-2',
          kind: 'manual',
          points: '5.00',
          reason: 'Рекомендовал нас',
          created_by: adminUser.id,
          created_by_name: 'Ирина Карпова',
        }),
        entry({}),
      ]),
    );
    renderApp(`/clients/${ID}`);

    const panel = within(await screen.findByTestId('client-karma', {}, { timeout: 5000 }));
    expect(panel.getByTestId('karma-score')).toHaveTextContent('-5');
    expect(
      await panel.findByRole('img', { name: 'Карма во времени' }, { timeout: 5000 }),
    ).toHaveTextContent('2025-03-01:-10 2025-03-02:-5');
    const entries = await panel.findAllByTestId('karma-entry');
    expect(entries[0]).toHaveTextContent('Ручная корректировка: Рекомендовал нас');
    expect(entries[0]).toHaveTextContent('автор: Ирина Карпова');
    expect(entries[0]).toHaveTextContent('+5');
    expect(entries[1]).toHaveTextContent('Проигранный тендер');
    expect(entries[1]).not.toHaveTextContent('автор');
    expect(entries[1]).toHaveTextContent('-10');
  });

  it('shows the sector average as expected karma while the client has no entries', async () => {
    setTokens({ access: 'access-1' });
    mockApi(
      routes(seller, { ...scored, score: null, expected: '3.00', entries: 0, history: [] }, []),
    );
    renderApp(`/clients/${ID}`);

    expect(await screen.findByTestId('karma-expected', {}, { timeout: 5000 })).toHaveTextContent(
      'Записей пока нет; ожидаемая: среднее по отрасли 3',
    );
    // A seller has no karma:manage: no adjustment form.
    expect(screen.queryByRole('button', { name: 'Скорректировать' })).not.toBeInTheDocument();
  });

  it('adds a manual adjustment with a reason, and shows a refused reason under its field', async () => {
    setTokens({ access: 'access-1' });
    let refuse = true;
    const api = mockApi({
      ...routes(adminUser, scored, []),
      [`POST /api/v1/clients/${ID}/karma/adjustments`]: () =>
        refuse
          ? problem(422, 'Invalid input', [{ loc: ['body', 'reason'], msg: 'Field required' }])
          : json(201, entry({ id: 'e-9', kind: 'manual', points: '7.00', reason: 'Помог' })),
    });
    const { user } = renderApp(`/clients/${ID}`);

    const panel = within(await screen.findByTestId('client-karma', {}, { timeout: 5000 }));
    await user.type(panel.getByLabelText('Баллы'), '7');
    await user.click(panel.getByRole('button', { name: 'Скорректировать' }));
    await waitFor(() =>
      expect(panel.getByLabelText('Причина')).toHaveAttribute('aria-invalid', 'true'),
    );
    expect(panel.getByLabelText('Баллы')).not.toHaveAttribute('aria-invalid', 'true');

    refuse = false;
    await user.type(panel.getByLabelText('Причина'), 'Помог');
    await user.click(panel.getByRole('button', { name: 'Скорректировать' }));
    await waitFor(() =>
      expect(api.callsTo('POST', `/api/v1/clients/${ID}/karma/adjustments`)).toHaveLength(2),
    );
    const [, sent] = api.callsTo('POST', `/api/v1/clients/${ID}/karma/adjustments`);
    expect(JSON.parse(sent!.body)).toEqual({ points: '7', reason: 'Помог' });
  });

  it('records a public conflict from the toggle', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      ...routes(seller, scored, []),
      [`PUT /api/v1/clients/${ID}/karma/public-conflict`]: () => json(200, scored),
    });
    const { user } = renderApp(`/clients/${ID}`);

    const toggle = await screen.findByRole(
      'switch',
      { name: 'Публичный конфликт с клиентом' },
      { timeout: 5000 },
    );
    await user.click(toggle);
    await waitFor(() =>
      expect(api.callsTo('PUT', `/api/v1/clients/${ID}/karma/public-conflict`)).toHaveLength(1),
    );
  });
});
