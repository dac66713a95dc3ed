import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import type { CallItemCard, CallList } from './queries';

const LIST = '00000000-0000-4000-8000-00000000c001';
const ITEM = '00000000-0000-4000-8000-00000000c101';

const telemarketer = {
  ...adminUser,
  id: '00000000-0000-4000-8000-000000000077',
  full_name: 'Мария Иванова',
  role_code: 'telemarketer',
  role_name: 'Телемаркетолог',
  permissions: ['call_lists:work', 'users:read', 'clients:read'],
};

const list: CallList = {
  id: LIST,
  name: 'Холодные клиенты',
  description: null,
  status: 'active',
  assignee_ids: [telemarketer.id],
  funnel_id: null,
  script_id: null,
  max_attempts: 3,
  retry_interval_minutes: 120,
  build: null,
  progress: {
    total: 30,
    done: 3,
    due: 26,
    waiting: 0,
    in_progress: 1,
    calls: 4,
    by_outcome: { no_answer: 1, not_interested: 3 },
    qualified: 0,
  },
  created_by: adminUser.id,
  created_at: '2026-12-01T09:00:00Z',
  updated_at: '2026-12-01T09:00:00Z',
  version: 2,
};

const card: CallItemCard = {
  item: {
    id: ITEM,
    call_list_id: LIST,
    phone: '+79120000011',
    name: 'ООО Ромашка',
    client_id: '00000000-0000-4000-8000-00000000d001',
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
  },
  client_name: 'ООО Ромашка',
  activities: [
    {
      kind: 'call',
      subject: 'Обзвон: не ответил (Холодные клиенты)',
      occurred_at: '2026-11-30T10:00:00Z',
      author_id: telemarketer.id,
    },
  ],
};

function api() {
  let handed = 0;
  const bodies: unknown[] = [];
  const mock = mockApi({
    'GET /api/v1/users/me': () => json(200, telemarketer),
    [`GET /api/v1/call-lists/${LIST}`]: () => json(200, list),
    [`POST /api/v1/call-lists/${LIST}/next`]: () => {
      handed += 1;
      return json(200, { card: handed === 1 ? card : null });
    },
    [`POST /api/v1/call-lists/${LIST}/items/${ITEM}/outcome`]: async (request) => {
      const body = (await request.json()) as { outcome: string };
      bodies.push(body);
      return json(200, {
        ...card,
        item: {
          ...card.item,
          status: body.outcome === 'call_back' ? 'open' : 'closed',
          outcome: body.outcome,
          attempts: 1,
        },
      });
    },
  });
  return { mock, bodies };
}

describe('CallListWork', () => {
  it('shows the number it was handed, with a tel: link and the latest activities', async () => {
    setTokens({ access: 'access-1' });
    api();
    renderApp(`/call-lists/${LIST}/work`);

    const current = await screen.findByLabelText('Текущий номер');
    expect(within(current).getByText('ООО Ромашка')).toBeInTheDocument();
    expect(within(current).getByRole('link', { name: '+79120000011' })).toHaveAttribute(
      'href',
      'tel:+79120000011',
    );
    expect(
      within(current).getByText(/Обзвон: не ответил \(Холодные клиенты\)/),
    ).toBeInTheDocument();
    // Holding a number, the caller records its outcome before asking for another.
    expect(screen.getByRole('button', { name: 'Следующий' })).toBeDisabled();
  });

  it('records interested and then offers the next number', async () => {
    setTokens({ access: 'access-1' });
    const { bodies, mock } = api();
    renderApp(`/call-lists/${LIST}/work`);

    const current = await screen.findByLabelText('Текущий номер');
    fireEvent.click(within(current).getByRole('button', { name: 'Заинтересован' }));
    await screen.findByText('Лид передан в продажи.');
    expect(bodies).toEqual([{ outcome: 'interested', call_back_at: null, note: null }]);
    const next = screen.getByRole('button', { name: 'Следующий' });
    expect(next).toBeEnabled();
    fireEvent.click(next);
    await screen.findByText(/Сейчас звонить некому/);
    expect(mock.callsTo('POST', `/api/v1/call-lists/${LIST}/next`)).toHaveLength(2);
  });

  it('asks when to call back before saving a call-back', async () => {
    setTokens({ access: 'access-1' });
    const { bodies } = api();
    renderApp(`/call-lists/${LIST}/work`);

    const current = await screen.findByLabelText('Текущий номер');
    fireEvent.click(within(current).getByRole('button', { name: 'Перезвонить' }));
    const picker = await screen.findByLabelText('Перезвонить в');
    expect(bodies).toEqual([]);
    fireEvent.change(picker, { target: { value: '2030-01-15T14:30' } });
    fireEvent.click(within(current).getByRole('button', { name: 'Сохранить перезвон' }));
    await waitFor(() => expect(bodies).toHaveLength(1));
    const sent = bodies[0] as { outcome: string; call_back_at: string };
    expect(sent.outcome).toBe('call_back');
    expect(new Date(sent.call_back_at).getTime()).toBe(new Date('2030-01-15T14:30').getTime());
  });
});
