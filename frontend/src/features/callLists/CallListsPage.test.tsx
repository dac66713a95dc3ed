import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { visibleNavItems } from '../shell/navigation';
import type { CallList } from './queries';

const head = {
  ...adminUser,
  role_code: 'head_of_sales',
  role_name: 'Руководитель отдела продаж',
  permissions: ['call_lists:manage', 'users:read', 'clients:read'],
};
const agent = {
  ...adminUser,
  id: '00000000-0000-4000-8000-000000000077',
  full_name: 'Мария Иванова',
};

const list: CallList = {
  id: '00000000-0000-4000-8000-00000000c001',
  name: 'Холодные клиенты',
  description: null,
  status: 'active',
  assignee_ids: [agent.id],
  funnel_id: null,
  script_id: null,
  max_attempts: 3,
  retry_interval_minutes: 120,
  build: null,
  progress: {
    total: 40,
    done: 10,
    due: 28,
    waiting: 1,
    in_progress: 1,
    calls: 12,
    by_outcome: { interested: 2, not_interested: 8 },
    qualified: 2,
  },
  created_by: head.id,
  created_at: '2026-12-01T09:00:00Z',
  updated_at: '2026-12-01T09:00:00Z',
  version: 2,
};

describe('CallListsPage', () => {
  it('shows a head every list with its progress and the telemarketers’ figures', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, head),
      'GET /api/v1/users': () => json(200, { items: [head, agent], next_cursor: null }),
      'GET /api/v1/call-lists': () => json(200, { items: [list], next_cursor: null }),
      'GET /api/v1/call-lists/agents': () =>
        json(200, {
          items: [
            {
              user_id: agent.id,
              calls: 12,
              done: 10,
              by_outcome: { interested: 2, not_interested: 8, no_answer: 2 },
              qualified: 2,
            },
          ],
        }),
    });
    renderApp('/call-lists');

    const row = await screen.findByRole('row', { name: /Холодные клиенты/ });
    expect(
      within(row).getByRole('progressbar', { name: 'Прогресс списка «Холодные клиенты»' }),
    ).toHaveAttribute('aria-valuenow', '25');
    expect(within(row).getByText('обработано 10 из 40')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Новый список обзвона' })).toBeInTheDocument();
    const agents = await screen.findByRole('table', { name: 'Показатели телемаркетологов' });
    const agentRow = await within(agents).findByRole('row', { name: /Мария Иванова/ });
    expect(
      within(agentRow)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual(['Мария Иванова', '12', '10', '2', '0', '0', '8', '2', '2']);
  });

  it('is in the navigation of heads and telemarketers only', () => {
    const labels = (permissions: string[]) =>
      visibleNavItems({ role_code: 'x', permissions }).map((item) => item.to);
    expect(labels(['call_lists:work'])).toContain('/call-lists');
    expect(labels(['call_lists:manage'])).toContain('/call-lists');
    expect(labels(['deals:read'])).not.toContain('/call-lists');
  });
});
