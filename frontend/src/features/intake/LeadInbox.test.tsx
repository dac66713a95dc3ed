import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { clock, type Lead } from './leads';

const telemarketer = {
  ...adminUser,
  id: '00000000-0000-4000-8000-000000000007',
  full_name: 'Тая Звонкова',
  role_code: 'telemarketer',
  role_name: 'Телемаркетолог',
  permissions: ['intake:write', 'deals:read', 'clients:read'],
};

const received = new Date(Date.now() - 3 * 60_000);
const free: Lead = {
  id: 'lead-1',
  kind: 'form',
  status: 'open',
  inbox_item_id: 'item-1',
  channel_id: 'form-1',
  channel_name: 'Заявка на курс',
  source: 'yandex',
  campaign: 'spring',
  person_name: 'Ольга Петрова',
  phone: '+79165550211',
  email: null,
  comment: 'Перезвоните после обеда',
  client_id: 'client-1',
  client_name: 'Ольга Петрова',
  deal_id: 'deal-1',
  deal_title: 'Заявка на курс: Ольга Петрова',
  match: 'new_client',
  assignee_id: adminUser.id,
  assignee_name: adminUser.full_name,
  assigned_at: received.toISOString(),
  assignment: 'fallback',
  received_at: received.toISOString(),
  respond_by: new Date(received.getTime() + 15 * 60_000).toISOString(),
  escalate_at: null,
  first_response_at: null,
  version: 2,
};
const overdueCall: Lead = {
  ...free,
  id: 'lead-2',
  kind: 'telephony',
  channel_name: null,
  person_name: null,
  phone: '+380501234567',
  comment: null,
  received_at: new Date(Date.now() - 40 * 60_000).toISOString(),
  respond_by: new Date(Date.now() - 25 * 60_000).toISOString(),
};

afterEach(() => vi.useRealTimers());

describe('clock', () => {
  it('writes a span as m:ss or h:mm:ss', () => {
    expect(clock(65_000)).toBe('1:05');
    expect(clock(3_723_000)).toBe('1:02:03');
    expect(clock(-5)).toBe('0:00');
  });
});

describe('LeadInbox', () => {
  it('shows each lead with its source, waiting time and deadline, and takes one with its ETag', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, telemarketer),
      'GET /api/v1/intake/leads': () =>
        json(200, { items: [free, overdueCall], next_cursor: null, can_assign: false }),
      'GET /api/v1/intake/leads/counts': () =>
        json(200, { open: 2, unassigned: 2, mine: 0, overdue: 1 }),
      'POST /api/v1/intake/leads/lead-1/take': () =>
        json(200, {
          ...free,
          assignee_id: telemarketer.id,
          assignee_name: telemarketer.full_name,
          assignment: 'manual',
          version: 3,
        }),
    });
    const { user } = renderApp('/leads');

    const list = await screen.findByTestId('lead-list', {}, { timeout: 5000 });
    const card = await within(list).findByRole('article', { name: 'Ольга Петрова' });
    expect(
      within(card).getByText(/Заявка на курс · источник: yandex · кампания: spring/),
    ).toBeInTheDocument();
    expect(within(card).getByText(/Ждёт 3:0\d/)).toBeInTheDocument();
    expect(within(card).getByTestId('lead-deadline')).toHaveTextContent(
      /Перезвонить в течение 1[12]:\d\d/,
    );
    expect(within(card).getByText('свободен')).toBeInTheDocument();
    const call = within(list).getByRole('article', { name: '+380501234567' });
    expect(within(call).getByText('Пропущенный звонок')).toBeInTheDocument();
    expect(within(call).getByTestId('lead-deadline')).toHaveTextContent(/Просрочен на 2[45]:\d\d/);
    expect(screen.getByText('Свободных: 2')).toBeInTheDocument();
    expect(screen.getByText('Просрочено: 1')).toBeInTheDocument();
    // Nobody but a head hands leads over; a telemarketer sees no dead letters.
    expect(within(card).queryByRole('button', { name: 'Передать' })).not.toBeInTheDocument();
    expect(screen.queryByText('Необработанные запросы')).not.toBeInTheDocument();
    expect(await screen.findByTestId('nav-count-/leads')).toHaveTextContent('2');

    await user.click(within(card).getByRole('button', { name: 'Взять' }));
    await waitFor(() =>
      expect(api.callsTo('POST', '/api/v1/intake/leads/lead-1/take')).toHaveLength(1),
    );
    expect(
      api.callsTo('POST', '/api/v1/intake/leads/lead-1/take')[0]?.headers.get('If-Match'),
    ).toBe('"v2"');
    expect(await screen.findByText('Лид ваш')).toBeInTheDocument();
  });

  it('says when a lead was taken a moment earlier by someone else', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, telemarketer),
      'GET /api/v1/intake/leads': () =>
        json(200, { items: [free], next_cursor: null, can_assign: false }),
      'POST /api/v1/intake/leads/lead-1/take': () =>
        json(
          409,
          {
            type: 'https://crm.example/problems/conflict',
            title: 'Conflict',
            status: 409,
            detail: 'taken',
          },
          'application/problem+json',
        ),
    });
    const { user } = renderApp('/leads');
    const card = await screen.findByRole('article', { name: 'Ольга Петрова' }, { timeout: 5000 });
    await user.click(within(card).getByRole('button', { name: 'Взять' }));
    expect(
      await screen.findByText(
        'Действие противоречит текущему состоянию записи.',
        {},
        { timeout: 10_000 },
      ),
    ).toBeInTheDocument();
  });

  it('lets a head hand a lead over and an admin reach the dead letters', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/intake/leads': () =>
        json(200, { items: [free], next_cursor: null, can_assign: true }),
      'GET /api/v1/users': () => json(200, { items: [{ ...telemarketer }], next_cursor: null }),
      'POST /api/v1/intake/leads/lead-1/assign': () =>
        json(200, { ...free, assignee_id: telemarketer.id, assignment: 'manual', version: 3 }),
    });
    const { user } = renderApp('/leads');
    const card = await screen.findByRole('article', { name: 'Ольга Петрова' }, { timeout: 5000 });
    expect(screen.getByRole('link', { name: 'Необработанные запросы' })).toHaveAttribute(
      'href',
      '/settings/intake-inbox',
    );
    await user.click(within(card).getByRole('button', { name: 'Передать' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('combobox', { name: 'Кому передать' }));
    await user.click(await screen.findByRole('option', { name: telemarketer.full_name }));
    await user.click(within(dialog).getByRole('button', { name: 'Передать' }));
    await waitFor(() =>
      expect(api.callsTo('POST', '/api/v1/intake/leads/lead-1/assign')).toHaveLength(1),
    );
    expect(
      JSON.parse(api.callsTo('POST', '/api/v1/intake/leads/lead-1/assign')[0]?.body ?? '{}'),
    ).toEqual({
      assignee_id: telemarketer.id,
    });
  });

  it('shows an empty inbox, and a failed load with a retry', async () => {
    setTokens({ access: 'access-1' });
    let fail = true;
    mockApi({
      'GET /api/v1/users/me': () => json(200, telemarketer),
      'GET /api/v1/intake/leads': () =>
        fail
          ? problem(500, 'boom')
          : json(200, { items: [], next_cursor: null, can_assign: false }),
    });
    const { user } = renderApp('/leads');
    expect(
      await screen.findByText('Не удалось загрузить лиды', {}, { timeout: 8000 }),
    ).toBeInTheDocument();
    fail = false;
    await user.click(screen.getByRole('button', { name: 'Повторить' }));
    expect(await screen.findByTestId('leads-empty')).toHaveTextContent('Новых лидов нет.');
  });
});
