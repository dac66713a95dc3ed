import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import type { Job, KarmaRules, SectorKarma } from './queries';

const rules: KarmaRules = {
  version: 0,
  recalculation: null,
  rules: [
    { kind: 'turnover', weight: '1.00', per_unit: '100000.00' },
    { kind: 'profit', weight: '1.00', per_unit: '10000.00' },
    { kind: 'lost_tender', weight: '-10.00', per_unit: null },
    { kind: 'loss_making', weight: '-20.00', per_unit: null },
    { kind: 'public_conflict', weight: '-30.00', per_unit: null },
  ],
};

const sectors: SectorKarma[] = [
  { sector: 'Строительство', clients: 12, average: '41.50' },
  { sector: null, clients: 3, average: '-2.00' },
];

const job = (over: Partial<Job>): Job => ({
  id: 'job-1',
  kind: 'karma.recalculate',
  status: 'queued',
  progress: 0,
  message: null,
  result: null,
  error: null,
  created_by: adminUser.id,
  created_at: '2025-03-03T10:00:00Z',
  started_at: null,
  finished_at: null,
  ...over,
});

describe('KarmaRulesSettings', () => {
  it('saves the weights at the version read and shows the recalculation until it is done', async () => {
    setTokens({ access: 'access-1' });
    let polls = 0;
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/karma/rules': () => json(200, rules),
      'GET /api/v1/karma/sectors': () => json(200, sectors),
      'PUT /api/v1/karma/rules': () =>
        json(200, {
          ...rules,
          version: 1,
          rules: rules.rules.map((r) =>
            r.kind === 'lost_tender' ? { ...r, weight: '-15.00' } : r,
          ),
          recalculation: job({}),
        }),
      'GET /api/v1/jobs/job-1': () => {
        polls += 1;
        return json(
          200,
          polls > 1
            ? job({ status: 'done', progress: 100, result: { clients: 42 } })
            : job({ status: 'running', progress: 40 }),
        );
      },
    });
    const { user } = renderApp('/settings/karma');

    const weight = await screen.findByLabelText('Баллы: Проигранный тендер', {}, { timeout: 5000 });
    await user.clear(weight);
    await user.type(weight, '-15');
    await user.click(screen.getByRole('button', { name: 'Сохранить и пересчитать' }));

    await waitFor(() => expect(api.callsTo('PUT', '/api/v1/karma/rules')).toHaveLength(1));
    const put = api.callsTo('PUT', '/api/v1/karma/rules')[0]!;
    expect(put.headers.get('If-Match')).toBe('"v0"');
    const sent = JSON.parse(put.body) as { rules: { kind: string; weight: string }[] };
    expect(sent.rules.find((r) => r.kind === 'lost_tender')?.weight).toBe('-15');
    expect(
      await screen.findByText('Пересчёт всех клиентов: 40 %', {}, { timeout: 5000 }),
    ).toBeVisible();
    expect(
      await screen.findByText('Пересчитано клиентов: 42', {}, { timeout: 5000 }),
    ).toBeVisible();
  });

  it('lists the average karma of each sector', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/karma/rules': () => json(200, rules),
      'GET /api/v1/karma/sectors': () => json(200, sectors),
    });
    renderApp('/settings/karma');
    const table = await screen.findByRole(
      'table',
      { name: 'Средняя карма по отраслям' },
      { timeout: 5000 },
    );
    expect(within(table).getByText('Строительство')).toBeInTheDocument();
    expect(within(table).getByText('41,5')).toBeInTheDocument();
    expect(within(table).getByText('Без отрасли')).toBeInTheDocument();
  });
});
