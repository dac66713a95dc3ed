import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { coldCall } from './fixtures';

const LIST = '00000000-0000-4000-8000-00000000c001';
const ITEM = '00000000-0000-4000-8000-00000000c101';

const telemarketer = {
  ...adminUser,
  id: '00000000-0000-4000-8000-000000000077',
  role_code: 'telemarketer',
  permissions: ['call_lists:work', 'users:read', 'clients:read', 'deals:read'],
};

const item = {
  id: ITEM,
  call_list_id: LIST,
  phone: '+79120000011',
  name: 'ООО Ромашка',
  client_id: null,
  status: 'open',
  outcome: null,
  attempts: 0,
  due_at: '2026-12-01T09:00:00Z',
  assignee_id: null,
  locked_by: telemarketer.id,
  locked_until: '2026-12-01T09:15:00Z',
  last_called_at: null,
  last_called_by: null,
  lead_id: null,
  deal_id: null,
  version: 2,
};

describe('the call list work screen with a script', () => {
  it('shows the list’s script beside the number and presets the outcome it ended with', async () => {
    setTokens({ access: 'access-1' });
    const outcomes: unknown[] = [];
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, telemarketer),
      [`GET /api/v1/call-lists/${LIST}`]: () =>
        json(200, {
          id: LIST,
          name: 'Холодные клиенты',
          description: null,
          status: 'active',
          assignee_ids: [telemarketer.id],
          funnel_id: null,
          script_id: coldCall.id,
          max_attempts: 3,
          retry_interval_minutes: 120,
          build: null,
          progress: {
            total: 1,
            done: 0,
            due: 0,
            waiting: 0,
            in_progress: 1,
            calls: 0,
            by_outcome: {},
            qualified: 0,
          },
          created_by: adminUser.id,
          created_at: '2026-12-01T09:00:00Z',
          updated_at: '2026-12-01T09:00:00Z',
          version: 2,
        }),
      [`POST /api/v1/call-lists/${LIST}/next`]: () =>
        json(200, { card: { item, client_name: null, activities: [] } }),
      'GET /api/v1/call-scripts/resolve': () =>
        json(200, { script: coldCall, source: 'call_list' }),
      'GET /api/v1/call-script-runs': () => json(200, { items: [], next_cursor: null }),
      'POST /api/v1/call-script-runs': () =>
        json(201, {
          id: 'run-1',
          script_id: coldCall.id,
          script_name: coldCall.name,
          script_version: 2,
          user_id: telemarketer.id,
          user_name: null,
          client_id: null,
          deal_id: null,
          call_list_id: LIST,
          call_list_item_id: ITEM,
          call_id: null,
          activity_id: null,
          outcome: 'not_interested',
          path: [],
          started_at: '2026-12-03T10:00:00Z',
          finished_at: '2026-12-03T10:01:00Z',
        }),
      [`POST /api/v1/call-lists/${LIST}/items/${ITEM}/outcome`]: async (request) => {
        outcomes.push(await request.json());
        return json(200, {
          item: { ...item, status: 'closed' },
          client_name: null,
          activities: [],
        });
      },
    });
    const { user } = renderApp(`/call-lists/${LIST}/work`);

    const player = await screen.findByTestId('script-player', {}, { timeout: 5000 });
    expect(api.calls.find((call) => call.path === '/api/v1/call-scripts/resolve')?.url).toContain(
      `call_list_item_id=${ITEM}`,
    );
    await user.click(within(player).getByRole('button', { name: 'Да, слушаю' }));
    await user.click(within(player).getByRole('button', { name: 'Дорого' }));
    await user.click(within(player).getByRole('button', { name: 'Нет' }));
    expect(
      await screen.findByText('Скрипт завершён: «Не интересно». Подтвердите исход звонка ниже.'),
    ).toBeInTheDocument();
    const run = JSON.parse(api.callsTo('POST', '/api/v1/call-script-runs')[0]!.body) as {
      call_list_item_id: string;
    };
    expect(run.call_list_item_id).toBe(ITEM);

    // The preset outcome is the one offered first; the telemarketer confirms it.
    const current = screen.getByLabelText('Текущий номер');
    const notInterested = within(current).getByRole('button', { name: 'Не интересно' });
    expect(notInterested).toHaveAttribute('data-variant', 'filled');
    expect(within(current).getByRole('button', { name: 'Заинтересован' })).toHaveAttribute(
      'data-variant',
      'light',
    );
    await user.click(notInterested);
    await waitFor(() => expect(outcomes).toHaveLength(1));
    expect(outcomes[0]).toMatchObject({ outcome: 'not_interested' });
  });
});
