import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AppProviders } from '../../AppProviders';
import { createQueryClient } from '../../api/queryClient';
import { adminUser, json, mockApi } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { CallButton } from './CallButton';
import { ClientRecordings } from './ClientRecordings';
import { talkTime } from './format';
import type { Call } from './queries';

const head = {
  ...adminUser,
  id: '00000000-0000-4000-8000-000000000009',
  full_name: 'Ирина Петрова',
  role_code: 'head_of_sales',
  role_name: 'Руководитель отдела продаж',
  permissions: ['deals:read', 'clients:read', 'users:read', 'reports:read', 'calls:review'],
};
const seller = {
  ...head,
  id: '00000000-0000-4000-8000-000000000010',
  full_name: 'Алексей Сидоров',
  role_code: 'seller',
  role_name: 'Продавец',
  permissions: ['deals:read', 'clients:read'],
};

const call: Call = {
  id: 'call-1',
  integration_id: 'pbx-1',
  provider: 'zadarma',
  provider_call_id: 'in_1',
  direction: 'inbound',
  client_number: '+79165550190',
  company_number: '+74994509495',
  source: 'yandex',
  campaign: null,
  extension: '101',
  employee_id: seller.id,
  started_at: '2026-12-03T09:15:00Z',
  answered_at: '2026-12-03T09:15:05Z',
  ended_at: '2026-12-03T09:17:10Z',
  result: 'answered',
  duration_seconds: 130,
  talk_seconds: 125,
  recording_id: null,
  recording_url: null,
  recording_status: null,
  recording_error: null,
  recording_attempts: 0,
  recording_available: false,
  closed_by_sweep: false,
  client_id: 'client-1',
  contact_id: null,
  deal_id: 'deal-1',
  callback_task_id: null,
  events: ['NOTIFY_START', 'NOTIFY_END'],
  review: null,
};

describe('talkTime', () => {
  it('writes seconds as m:ss or h:mm:ss', () => {
    expect(talkTime(125)).toBe('2:05');
    expect(talkTime(3723)).toBe('1:02:03');
    expect(talkTime(null)).toBe('—');
  });
});

describe('CallsPage', () => {
  it("lets a head score a seller's call with a comment", async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, head),
      [`GET /api/v1/users/${seller.id}`]: () => json(200, seller),
      'GET /api/v1/intake/calls': () => json(200, { items: [call], next_cursor: null }),
      'PUT /api/v1/intake/calls/call-1/review': () =>
        json(200, {
          ...call,
          review: {
            score: 4,
            comment: 'Хорошо, но без КП',
            reviewer_id: head.id,
            reviewed_at: '2026-12-03T10:00:00Z',
          },
        }),
    });
    const { user } = renderApp('/calls');

    const table = await screen.findByRole('table', { name: 'Список звонков' }, { timeout: 5000 });
    expect(within(table).getByText('+79165550190')).toBeInTheDocument();
    expect(within(table).getByText('2:05')).toBeInTheDocument();
    expect(await within(table).findByText('Алексей Сидоров')).toBeInTheDocument();
    expect(within(table).getByText('Отвечен')).toBeInTheDocument();

    await user.click(within(table).getByRole('button', { name: 'Оценить' }));
    const dialog = await screen.findByRole('dialog', { name: 'Оценка звонка' });
    // Saving without a score says so and sends nothing.
    await user.click(within(dialog).getByRole('button', { name: 'Сохранить' }));
    expect(await within(dialog).findByText('Поставьте оценку')).toBeInTheDocument();
    expect(api.callsTo('PUT', '/api/v1/intake/calls/call-1/review')).toHaveLength(0);

    // The fourth star, chosen from the keyboard (the stars are radios under their labels).
    within(dialog)
      .getAllByRole<HTMLInputElement>('radio')
      .find((star) => star.value === '4')!
      .focus();
    await user.keyboard('{Enter}');
    await user.type(within(dialog).getByLabelText('Комментарий'), 'Хорошо, но без КП');
    await user.click(within(dialog).getByRole('button', { name: 'Сохранить' }));
    await waitFor(() =>
      expect(api.callsTo('PUT', '/api/v1/intake/calls/call-1/review')).toHaveLength(1),
    );
    const sent: unknown = JSON.parse(
      api.callsTo('PUT', '/api/v1/intake/calls/call-1/review')[0]!.body,
    );
    expect(sent).toEqual({ score: 4, comment: 'Хорошо, но без КП' });
  });

  it('asks for unreviewed calls only, and offers no scoring to a seller', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, seller),
      [`GET /api/v1/users/${seller.id}`]: () => json(200, seller),
      'GET /api/v1/intake/calls': () => json(200, { items: [call], next_cursor: null }),
    });
    const { user } = renderApp('/calls');
    const table = await screen.findByRole('table', { name: 'Список звонков' }, { timeout: 5000 });
    expect(within(table).queryByRole('button', { name: 'Оценить' })).not.toBeInTheDocument();

    await user.click(screen.getByText('Не оценённые'));
    await waitFor(() =>
      expect(
        api
          .callsTo('GET', '/api/v1/intake/calls')
          .some((c) => new URL(c.url).searchParams.get('reviewed') === 'false'),
      ).toBe(true),
    );
  });
});

describe('CallButton', () => {
  it('starts a call through the PBX and shows its refusal with the reason', async () => {
    setTokens({ access: 'access-1' });
    let refuse = false;
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, seller),
      [`GET /api/v1/users/${seller.id}`]: () => json(200, seller),
      'GET /api/v1/intake/calls': () => json(200, { items: [], next_cursor: null }),
      'GET /api/v1/intake/click-to-call/line': () =>
        json(200, { available: true, provider: 'zadarma', extension: '101' }),
      'POST /api/v1/intake/click-to-call': () =>
        refuse
          ? json(502, {
              type: 'https://crm.example/problems/pbx-refused',
              title: 'The PBX did not start the call',
              status: 502,
              detail: "zadarma: HTTP 200: Wrong parameter 'from'",
            })
          : json(201, {
              id: 'o-1',
              status: 'accepted',
              error: null,
              number: '+79165550190',
              extension: '101',
              integration_id: 'pbx-1',
              client_id: 'client-1',
              deal_id: null,
              call_list_item_id: null,
              call_id: null,
              requested_at: '2026-12-03T10:00:00Z',
            }),
    });
    const user = userEvent.setup();
    render(
      <AppProviders queryClient={createQueryClient()} env="test">
        <CallButton phone="+79165550190" clientId="client-1" />
      </AppProviders>,
    );
    const button = await screen.findByRole('button', { name: /Позвонить на/ });
    await user.click(button);
    await waitFor(() =>
      expect(api.callsTo('POST', '/api/v1/intake/click-to-call')).toHaveLength(1),
    );
    const sent: unknown = JSON.parse(api.callsTo('POST', '/api/v1/intake/click-to-call')[0]!.body);
    expect(sent).toMatchObject({ number: '+79165550190', client_id: 'client-1' });
    expect(await screen.findByText(/добавочный 101/)).toBeInTheDocument();

    refuse = true;
    await user.click(button);
    expect(
      await screen.findByText("АТС не начала звонок. zadarma: HTTP 200: Wrong parameter 'from'"),
    ).toBeInTheDocument();
    expect(screen.getByText('Звонок не начат')).toBeInTheDocument();
  });
});

describe('ClientRecordings', () => {
  it("asks for the client's recorded calls on demand and offers their players", async () => {
    setTokens({ access: 'access-1' });
    const recorded = { ...call, recording_available: true, recording_status: 'stored' as const };
    const api = mockApi({
      'GET /api/v1/intake/calls': () => json(200, { items: [recorded], next_cursor: null }),
    });
    const user = userEvent.setup();
    render(
      <AppProviders queryClient={createQueryClient()} env="test">
        <ClientRecordings clientId="client-1" onDemand />
      </AppProviders>,
    );
    expect(api.callsTo('GET', '/api/v1/intake/calls')).toHaveLength(0);
    await user.click(await screen.findByRole('button', { name: 'Записи разговоров с клиентом' }));
    const group = await screen.findByRole('group', { name: 'Записи последних разговоров' });
    expect(within(group).getByRole('button', { name: 'Прослушать запись' })).toBeInTheDocument();
    const asked = new URL(api.callsTo('GET', '/api/v1/intake/calls')[0]!.url).searchParams;
    expect(asked.get('client_id')).toBe('client-1');
    expect(asked.get('with_recording')).toBe('true');
  });
});
