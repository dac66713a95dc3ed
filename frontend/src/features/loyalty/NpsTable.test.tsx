import { render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AppProviders } from '../../AppProviders';
import { createQueryClient } from '../../api/queryClient';
import { json, mockApi } from '../../test/api';
import { setTokens } from '../auth/authStore';
import { NpsTable } from './NpsTable';
import type { NpsRow } from './queries';

const row = (name: string, nps: string | null, over: Partial<NpsRow> = {}): NpsRow => ({
  user_id: `u-${name}`,
  name,
  surveys: 4,
  answers: 3,
  promoters: 2,
  passives: 1,
  detractors: 0,
  nps,
  ...over,
});

describe('NpsTable', () => {
  it('shows each manager’s score over the plans’ period, first to last day', async () => {
    setTokens({ access: 'access-1' });
    const asked: URLSearchParams[] = [];
    mockApi({
      'GET /api/v1/kpi/nps': (request) => {
        asked.push(new URL(request.url).searchParams);
        return json(200, {
          date_from: '2026-02-01',
          date_to: '2026-02-28',
          items: [row('Алексей Сидоров', '66.7'), row('Ирина Петрова', null, { answers: 0 })],
          total: row('', '40.0', { surveys: 8, answers: 3 }),
        });
      },
    });
    render(
      <AppProviders queryClient={createQueryClient()} env="test">
        <NpsTable period={{ kind: 'month', start: '2026-02-01' }} />
      </AppProviders>,
    );
    const table = await screen.findByRole('table', { name: 'NPS по менеджерам' });
    const first = within(table).getByRole('row', { name: /Алексей Сидоров/ });
    expect(
      within(first)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual(['Алексей Сидоров', '4', '3', '2', '1', '0', '66,7']);
    expect(within(table).getByRole('row', { name: /Ирина Петрова/ })).toHaveTextContent('—');
    expect(within(table).getByRole('row', { name: /Все вместе/ })).toHaveTextContent('40');
    await waitFor(() => expect(asked).toHaveLength(1));
    expect(asked[0]?.get('from')).toBe('2026-02-01');
    expect(asked[0]?.get('to')).toBe('2026-02-28');
  });
});
