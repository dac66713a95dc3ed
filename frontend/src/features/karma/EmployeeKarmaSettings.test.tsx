import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import type { EmployeeKarmaRules } from './employeeQueries';

const rules: EmployeeKarmaRules = {
  version: 3,
  updated_at: '2026-11-01T10:00:00Z',
  bonus_per_point: '100.00',
  weights: {
    won_deal: '10.00',
    upsell: '5.00',
    promoter: '3.00',
    detractor: '-5.00',
    plan_fulfilment: '20.00',
    overdue_task: '-1.00',
  },
};

describe('EmployeeKarmaSettings', () => {
  it('explains each criterion and saves the weights at the version read', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/karma/employee-rules': () => json(200, rules),
      'PUT /api/v1/karma/employee-rules': () =>
        json(200, { ...rules, version: 4, weights: { ...rules.weights, won_deal: '12.00' } }),
    });
    const { user } = renderApp('/settings/karma-employees');

    const won = await screen.findByLabelText('Выигранная сделка', {}, { timeout: 5000 });
    expect(won).toHaveAccessibleDescription(
      'Баллы за каждую сделку, выигранную сотрудником в месяце.',
    );
    await user.clear(won);
    await user.type(won, '12');
    await user.click(screen.getByRole('button', { name: 'Сохранить' }));

    await waitFor(() => expect(api.callsTo('PUT', '/api/v1/karma/employee-rules')).toHaveLength(1));
    const [put] = api.callsTo('PUT', '/api/v1/karma/employee-rules');
    expect(put?.headers.get('If-Match')).toBe('"v3"');
    expect(JSON.parse(put?.body ?? '{}')).toEqual({
      weights: {
        won_deal: '12',
        upsell: '5',
        promoter: '3',
        detractor: '-5',
        plan_fulfilment: '20',
        overdue_task: '-1',
      },
      bonus_per_point: '100',
    });
    expect(await screen.findByText('Сохранено')).toBeVisible();
  });

  it('puts a refused weight on its field', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/karma/employee-rules': () => json(200, rules),
      'PUT /api/v1/karma/employee-rules': () =>
        problem(422, 'Invalid input', [
          {
            loc: ['body', 'weights', 'upsell'],
            msg: 'must be at most 10000',
            code: 'less_than_equal',
            ctx: { le: '10000' },
          },
        ]),
    });
    const { user } = renderApp('/settings/karma-employees');

    const upsell = await screen.findByLabelText('Повторная продажа', {}, { timeout: 5000 });
    await user.click(screen.getByRole('button', { name: 'Сохранить' }));

    await waitFor(() => expect(upsell).toHaveAttribute('aria-invalid', 'true'));
    expect(upsell).toHaveAccessibleDescription(expect.stringContaining('Не больше 10000'));
    expect(screen.getByTestId('settings-refusal')).toBeVisible();
  });
});
