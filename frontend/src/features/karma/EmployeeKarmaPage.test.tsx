import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { adminUser, json, mockApi } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { periodStart, shiftPeriod } from '../kpi/period';
import { visibleNavItems } from '../shell/navigation';
import { dispositionFilename, type MonthKarma } from './employeeQueries';

const current = periodStart('month', new Date());
const previous = shiftPeriod('month', current, -1);

function month(start: string, over: Partial<MonthKarma> = {}): MonthKarma {
  return {
    month: start,
    currency: 'RUB',
    bonus_per_point: '100.00',
    closed: null,
    items: [
      {
        user_id: 'u-head',
        name: 'Ирина Петрова',
        department_id: 'd-1',
        is_head: true,
        facts: {
          won_deals: 1,
          upsells: 0,
          promoters: 0,
          detractors: 0,
          overdue_tasks: 2,
          plan_percent: null,
        },
        own_score: '8.00',
        score: '24.50',
        bonus: '2450.00',
      },
      {
        user_id: 'u-seller',
        name: 'Алексей Сидоров',
        department_id: 'd-1',
        is_head: false,
        facts: {
          won_deals: 3,
          upsells: 1,
          promoters: 2,
          detractors: 1,
          overdue_tasks: 0,
          plan_percent: '75.0',
        },
        own_score: '24.50',
        score: '24.50',
        bonus: '2450.00',
      },
    ],
    ...over,
  };
}

const closedAt = (start: string) => ({
  month: start,
  closed_at: '2026-12-01T09:30:00Z',
  closed_by: adminUser.id,
  bonus_per_point: '100.00',
  currency: 'RUB',
});

afterEach(() => vi.restoreAllMocks());

describe('EmployeeKarmaPage', () => {
  it('lists the month live: ranks, facts, karma, bonus, and the head marked with the team mean', async () => {
    setTokens({ access: 'access-1' });
    const asked: (string | null)[] = [];
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/karma/periods': () => json(200, { items: [] }),
      'GET /api/v1/karma/employees': (request) => {
        asked.push(new URL(request.url).searchParams.get('month'));
        return json(200, month(current));
      },
    });
    renderApp('/karma');

    const table = await screen.findByRole(
      'table',
      { name: 'Карма сотрудников' },
      { timeout: 5000 },
    );
    expect(asked).toEqual([current]);
    const rows = within(table).getAllByTestId('karma-row');
    expect(rows).toHaveLength(2);
    // Equal karma, equal place.
    expect(rows.map((row) => row.querySelector('td')?.textContent)).toEqual(['1', '1']);
    expect(within(rows[0]!).getByText('Руководитель')).toBeVisible();
    expect(within(rows[0]!).getByText('среднее по команде; своя карма: 8')).toBeVisible();
    expect(within(rows[1]!).queryByText('Руководитель')).toBeNull();
    expect(within(rows[1]!).getByText('75 %')).toBeVisible();
    expect(within(rows[0]!).getByTestId('karma-score')).toHaveTextContent('24,5');
    expect(screen.getByTestId('karma-month-state')).toHaveTextContent(
      'Месяц открыт: карма считается на лету',
    );
    // The current month is not over: it cannot be closed yet, and there is no statement.
    expect(screen.getByRole('button', { name: 'Закрыть месяц' })).toBeDisabled();
    expect(screen.queryByRole('button', { name: 'Скачать ведомость (XLSX)' })).toBeNull();
  });

  it('shows a closed month as frozen, with the closed months to jump to', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/karma/periods': () => json(200, { items: [closedAt(previous)] }),
      'GET /api/v1/karma/employees': (request) => {
        const start = new URL(request.url).searchParams.get('month') ?? '';
        return json(200, month(start, start === previous ? { closed: closedAt(previous) } : {}));
      },
    });
    const { user, router } = renderApp('/karma');

    await screen.findByText('Месяц открыт: карма считается на лету', {}, { timeout: 5000 });
    const jump = within(await screen.findByRole('group', { name: 'Закрытые месяцы' }));
    await user.click(jump.getByRole('button'));
    expect(router.state.location.search).toBe(`?month=${previous}`);
    expect(await screen.findByTestId('karma-month-state')).toHaveTextContent(
      /^Месяц закрыт .*: значения заморожены/,
    );
    expect(screen.queryByRole('button', { name: 'Закрыть месяц' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Скачать ведомость (XLSX)' })).toBeEnabled();
  });

  it('closes a month after the confirmation and then downloads its statement', async () => {
    setTokens({ access: 'access-1' });
    let closed = false;
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/karma/periods': () => json(200, { items: closed ? [closedAt(previous)] : [] }),
      'GET /api/v1/karma/employees': () =>
        json(200, month(previous, closed ? { closed: closedAt(previous) } : {})),
      [`POST /api/v1/karma/periods/${previous}/close`]: () => {
        closed = true;
        return json(200, month(previous, { closed: closedAt(previous) }));
      },
      [`GET /api/v1/karma/periods/${previous}/bonus-statement.xlsx`]: () =>
        new Response('PK', {
          status: 200,
          headers: {
            'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
            'Content-Disposition': `attachment; filename="_ 2026-11.xlsx"; filename*=UTF-8''%D0%9F%D1%80%D0%B5%D0%BC%D0%B8%D0%B8%202026-11.xlsx`,
          },
        }),
    });
    const createObjectURL = vi.fn(() => 'blob:statement');
    // jsdom has no object URLs: the download hands the file to these.
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const clicked: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      clicked.push(this.download);
    });
    const { user } = renderApp(`/karma?month=${previous}`);

    await user.click(
      await screen.findByRole('button', { name: 'Закрыть месяц' }, { timeout: 5000 }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('больше никогда не изменятся');
    expect(api.callsTo('POST', `/api/v1/karma/periods/${previous}/close`)).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Закрыть навсегда' }));

    await waitFor(() =>
      expect(api.callsTo('POST', `/api/v1/karma/periods/${previous}/close`)).toHaveLength(1),
    );
    expect(await screen.findByTestId('karma-month-state')).toHaveTextContent(/Месяц закрыт/);
    await user.click(await screen.findByRole('button', { name: 'Скачать ведомость (XLSX)' }));
    await waitFor(() => expect(clicked).toEqual(['Премии 2026-11.xlsx']));
    expect(createObjectURL).toHaveBeenCalledTimes(1);
  });

  it('says why the server refused to close: closed already by someone else', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/karma/periods': () => json(200, { items: [] }),
      'GET /api/v1/karma/employees': () => json(200, month(previous)),
      [`POST /api/v1/karma/periods/${previous}/close`]: () =>
        json(
          409,
          {
            type: 'https://crm.example/problems/period-already-closed',
            title: 'Period already closed',
            status: 409,
            detail: 'The month is closed already',
            period: previous,
          },
          'application/problem+json',
        ),
    });
    const { user } = renderApp(`/karma?month=${previous}`);

    await user.click(
      await screen.findByRole('button', { name: 'Закрыть месяц' }, { timeout: 5000 }),
    );
    await user.click(
      within(await screen.findByRole('dialog')).getByRole('button', { name: 'Закрыть навсегда' }),
    );
    expect(await screen.findByTestId('karma-close-error')).toHaveTextContent(
      /^Месяц «.+ \d{4} г\.» уже закрыт: сохранённые значения больше не меняются\.$/,
    );
  });

  it('is in everyone’s navigation and reads the file name the server gives', () => {
    expect(visibleNavItems({ role_code: 'seller', permissions: [] }).map((i) => i.to)).toContain(
      '/karma',
    );
    expect(dispositionFilename('attachment; filename="a.xlsx"')).toBe('a.xlsx');
    expect(dispositionFilename(`attachment; filename="_.xlsx"; filename*=UTF-8''%D0%9F.xlsx`)).toBe(
      'П.xlsx',
    );
    expect(dispositionFilename(null)).toBeNull();
  });
});
