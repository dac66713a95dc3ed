import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import type { Complaint } from './queries';

const day = (offset: number) => {
  const d = new Date();
  d.setDate(d.getDate() + offset);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};

const complaint = (id: string, overrides: Partial<Complaint> = {}): Complaint => ({
  id,
  client_id: 'client-1',
  client_name: 'ООО Ромашка',
  deal_id: null,
  deal_title: null,
  kind: 'delivery',
  description: 'Привезли не ту модель',
  owner_id: 'user-7',
  owner_name: 'Олег Петров',
  deadline: day(3),
  status: 'new',
  resolution: null,
  resolved_at: null,
  public_conflict: false,
  is_overdue: false,
  created_by: 'user-7',
  created_at: '2026-11-01T10:00:00Z',
  updated_at: '2026-11-01T10:00:00Z',
  version: 1,
  ...overrides,
});

describe('ComplaintsPage', () => {
  it('lists complaints by deadline, the overdue one in red with the days it is late, and filters', async () => {
    setTokens({ access: 'access-1' });
    const asked: URLSearchParams[] = [];
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/users': () => json(200, { items: [], next_cursor: null }),
      'GET /api/v1/complaints': (request) => {
        const query = new URL(request.url).searchParams;
        asked.push(query);
        const late = complaint('c-1', { deadline: day(-2), is_overdue: true, kind: 'quality' });
        if (query.get('overdue') === 'true') return json(200, { items: [late], next_cursor: null });
        return json(200, { items: [late, complaint('c-2')], next_cursor: null });
      },
    });
    const { user, router } = renderApp('/complaints');

    const table = await screen.findByRole('table', { name: 'Рекламации' }, { timeout: 5000 });
    const [late, fresh] = within(table).getAllByTestId('complaint-row');
    expect(late).toHaveAttribute('data-overdue', 'true');
    expect(late).toHaveTextContent('Качество');
    expect(late).toHaveTextContent('просрочена на 2 дня');
    expect(fresh).not.toHaveAttribute('data-overdue');
    expect(fresh).toHaveTextContent('осталось 3 дня');
    expect(fresh).toHaveTextContent('Доставка');
    expect(fresh).toHaveTextContent('Олег Петров');
    expect(within(fresh!).getByText('Новая')).toBeInTheDocument();

    await user.click(screen.getByRole('switch', { name: 'Только просроченные' }));
    await waitFor(() => expect(asked.at(-1)?.get('overdue')).toBe('true'));
    await waitFor(() => expect(within(table).getAllByTestId('complaint-row')).toHaveLength(1));
    expect(router.state.location.search).toBe('?overdue=true');
  });

  it('takes a complaint in work and resolves it only with a resolution', async () => {
    setTokens({ access: 'access-1' });
    let current = complaint('c-1');
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/users': () => json(200, { items: [], next_cursor: null }),
      'GET /api/v1/complaints': () => json(200, { items: [current], next_cursor: null }),
      'GET /api/v1/complaints/c-1': () => json(200, current),
      'POST /api/v1/complaints/c-1/take': () => {
        current = { ...current, status: 'in_work', version: 2 };
        return json(200, current);
      },
      'POST /api/v1/complaints/c-1/resolve': async (request) => {
        const body = (await request.json()) as { resolution: string };
        if (body.resolution === 'нет') {
          return problem(422, 'bad', [{ loc: ['body', 'resolution'], msg: 'слишком коротко' }]);
        }
        current = {
          ...current,
          status: 'resolved',
          resolution: body.resolution,
          resolved_at: '2026-11-02T10:00:00Z',
          version: 3,
        };
        return json(200, current);
      },
    });
    const { user } = renderApp('/complaints?open=c-1');

    const details = await screen.findByTestId('complaint-details', {}, { timeout: 5000 });
    await user.click(within(details).getByRole('button', { name: 'Взять в работу' }));
    await within(details).findByText('В работе');
    expect(api.callsTo('POST', '/api/v1/complaints/c-1/take')[0]!.headers.get('If-Match')).toBe(
      '"v1"',
    );

    await user.click(within(details).getByRole('button', { name: 'Решена' }));
    expect(
      await within(details).findByText('Опишите решение: без него рекламацию не закрыть'),
    ).toBeInTheDocument();
    expect(api.callsTo('POST', '/api/v1/complaints/c-1/resolve')).toHaveLength(0);

    await user.type(within(details).getByLabelText('Решение'), 'нет');
    await user.click(within(details).getByRole('button', { name: 'Решена' }));
    expect(await within(details).findByText('слишком коротко')).toBeInTheDocument();

    await user.clear(within(details).getByLabelText('Решение'));
    await user.type(within(details).getByLabelText('Решение'), 'Заменили товар');
    await user.click(within(details).getByRole('button', { name: 'Решена' }));
    expect(await within(details).findByText('Заменили товар')).toBeInTheDocument();
    const sent = api.callsTo('POST', '/api/v1/complaints/c-1/resolve').at(-1)!;
    expect(JSON.parse(sent.body)).toEqual({ resolution: 'Заменили товар' });
    expect(sent.headers.get('If-Match')).toBe('"v2"');
    expect(within(details).queryByRole('button', { name: 'Решена' })).not.toBeInTheDocument();
  });
});

describe('ComplaintsReportPage', () => {
  it('shows counts and time to resolve per owner for the period', async () => {
    setTokens({ access: 'access-1' });
    const asked: URLSearchParams[] = [];
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/complaints/report': (request) => {
        asked.push(new URL(request.url).searchParams);
        return json(200, {
          date_from: '2026-11-01',
          date_to: '2026-11-30',
          items: [
            {
              owner_id: 'user-7',
              owner_name: 'Олег Петров',
              total: 5,
              open: 2,
              overdue: 1,
              resolved: 2,
              rejected: 1,
              median_hours_to_resolve: 26.5,
              average_hours_to_resolve: 30,
            },
          ],
        });
      },
    });
    renderApp('/reports/complaints');

    const row = await screen.findByTestId('complaint-report-row', {}, { timeout: 5000 });
    expect(row).toHaveTextContent('Олег Петров');
    expect(
      within(row)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual(['Олег Петров', '5', '2', '1', '2', '1', '26,5 ч', '30 ч']);
    expect(asked[0]?.get('from')).toMatch(/^\d{4}-\d{2}-01$/);
  });
});
