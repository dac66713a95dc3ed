import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import type { CallbackReport, LeadReport } from './reports';

const period = { date_from: '2026-11-02', date_to: '2026-12-01', time_zone: 'Europe/Moscow' };
const leadRow = { with_deal: 0, assigned: 0, responded: 0, spam: 0 };
const leads: LeadReport = {
  period,
  group_by: 'source',
  rows: [
    { key: 'yandex', label: 'yandex', leads: 1234, ...leadRow, with_deal: 1200, spam: 3 },
    { key: null, label: null, leads: 5, ...leadRow },
  ],
  total: { key: null, label: null, leads: 1239, ...leadRow, with_deal: 1200, spam: 3 },
  truncated: false,
};
const missed: CallbackReport = {
  period,
  group_by: 'manager',
  rows: [
    {
      key: 'u-1',
      label: 'Ирина',
      missed: 4,
      called_back: 3,
      average_seconds: 3900,
      median_seconds: 125,
      max_seconds: 30,
    },
  ],
  total: {
    key: null,
    label: null,
    missed: 4,
    called_back: 3,
    average_seconds: 3900,
    median_seconds: 125,
    max_seconds: 30,
  },
  truncated: true,
};

describe('IntakeReports', () => {
  it('shows the lead report by source, then missed calls by manager with their call-back times', async () => {
    setTokens({ access: 'access-1' });
    const asked: string[] = [];
    let answerMissed = () => {};
    const missedAnswer = new Promise<void>((resolve) => {
      answerMissed = resolve;
    });
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/intake/reports/leads': (request) => {
        asked.push(new URL(request.url).search);
        return json(200, leads);
      },
      'GET /api/v1/intake/reports/missed-calls': async (request) => {
        asked.push(new URL(request.url).search);
        await missedAnswer;
        return json(200, missed);
      },
    });
    const { user, router } = renderApp('/reports');

    const table = await screen.findByTestId('report-table', {}, { timeout: 5000 });
    expect(router.state.location.pathname).toBe('/reports/intake');
    const yandex = within(table).getByText('yandex').closest('tr') as HTMLElement;
    // 1 234 in Russian (a narrow space between the thousands).
    expect(within(yandex).getByText(/^1\s234$/)).toBeInTheDocument();
    expect(within(table).getByText('Без источника')).toBeInTheDocument();
    expect(within(screen.getByTestId('report-totals')).getByText('Заявок')).toBeInTheDocument();
    expect(screen.getByTestId('report-period')).toHaveTextContent('Период:');
    expect(asked[0]).toContain('group_by=source');

    await user.click(screen.getByRole('tab', { name: 'Пропущенные' }));
    // While the missed calls load, the lead report's rows are not shown under their columns.
    await waitFor(() => expect(asked.some((q) => q.includes('group_by=manager'))).toBe(true));
    expect(screen.queryByText('yandex')).toBeNull();
    expect(screen.queryByTestId('report-table')).toBeNull();
    answerMissed();
    const callbacks = await screen.findByText('Ирина');
    const row = callbacks.closest('tr') as HTMLElement;
    expect(within(row).getByText('1 ч 5 мин')).toBeInTheDocument();
    expect(within(row).getByText('2 мин 5 с')).toBeInTheDocument();
    expect(within(row).getByText('30 с')).toBeInTheDocument();
    expect(screen.getByText(/Показаны 200 крупнейших групп/)).toBeInTheDocument();
    expect(router.state.location.search).toContain('report=missed-calls');
    expect(asked.at(-1)).toContain('group_by=manager');
  });

  it('sends the chosen period and shows a refused one in the reader’s language', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/intake/reports/leads': (request) =>
        new URL(request.url).searchParams.get('date_from') === '2026-12-05'
          ? problem(422, 'date_from: must not be after date_to', [
              { loc: ['query', 'date_from'], msg: 'must not be after date_to' },
            ])
          : json(200, leads),
    });
    renderApp('/reports/intake?from=2026-12-05&to=2026-12-01');

    await waitFor(() => expect(screen.getByRole('alert')).toBeInTheDocument());
    expect(screen.queryByTestId('report-table')).toBeNull();
  });
});
