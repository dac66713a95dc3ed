import { render, screen, waitFor, within } from '@testing-library/react';
import { MantineProvider } from '@mantine/core';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it, vi } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { WorkTimeline } from '../activities/WorkTimeline';
import { setTokens } from '../auth/authStore';
import type { TelephonyIntegration } from './queries';

const existing: TelephonyIntegration = {
  id: '11111111-1111-4111-8111-111111111111',
  name: 'Zadarma офис',
  provider: 'zadarma',
  event_path: '/api/v1/intake/telephony/zadarma/11111111-1111-4111-8111-111111111111',
  api_key_hint: null,
  secret_hint: '…1234',
  numbers: ['+74994509495'],
  extensions: { '100': adminUser.id },
  tracking: [{ number: '+74994509496', source: 'yandex', campaign: null }],
  default_user_id: null,
  funnel_id: null,
  callback_minutes: 15,
  is_active: true,
  created_at: '2026-11-30T10:00:00Z',
  version: 1,
};

// Mantine labels a select's input and its listbox alike: the input is the one to click.
const selectInput = (labelled: HTMLElement[]) =>
  labelled.find((element) => element.tagName === 'INPUT') as HTMLElement;

describe('TelephonySettings', () => {
  it('lists integrations with the URL to copy and connects a new PBX', async () => {
    setTokens({ access: 'access-1' });
    let integrations = [existing];
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/funnels': () => json(200, []),
      'GET /api/v1/intake/telephony-settings': () =>
        json(200, { items: integrations, next_cursor: null }),
      'POST /api/v1/intake/telephony-settings': () => {
        const made = {
          ...existing,
          id: '22222222-2222-4222-8222-222222222222',
          name: 'Mango',
          provider: 'mango' as const,
          event_path: '/api/v1/intake/telephony/mango/22222222-2222-4222-8222-222222222222',
        };
        integrations = [made, ...integrations];
        return json(201, { ...made, secret: 'salt' });
      },
    });
    const { user } = renderApp('/settings/telephony');

    const row = (await screen.findByText('Zadarma офис', {}, { timeout: 5000 })).closest('tr');
    expect(
      within(row as HTMLElement).getByText(`${window.location.origin}${existing.event_path}`),
    ).toBeInTheDocument();
    expect(within(row as HTMLElement).getByText(/Добавочных: 1/)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Подключить АТС' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText(/Название/), 'Mango');
    await user.click(selectInput(within(dialog).getAllByLabelText('АТС')));
    await user.click(await screen.findByRole('option', { name: 'Mango Office' }));
    await user.click(within(dialog).getByRole('button', { name: 'Создать' }));
    // Mango signs with its key: it is asked for before anything is sent.
    expect(within(dialog).getAllByText('Обязательное поле').length).toBeGreaterThan(0);
    await user.type(within(dialog).getByLabelText(/vpbx_api_key/), 'KEY');
    await user.type(within(dialog).getByLabelText(/salt/), 'salt');
    await user.click(within(dialog).getByRole('button', { name: 'Добавить номер' }));
    await user.type(within(dialog).getByLabelText('Номер'), '+7 499 450-94-97');
    await user.type(within(dialog).getByLabelText('Источник'), 'google');
    await user.click(within(dialog).getByRole('button', { name: 'Создать' }));

    expect(await screen.findByText('АТС подключена')).toBeInTheDocument();
    expect(screen.getByTestId('telephony-created-url')).toHaveTextContent('/telephony/mango/');
    const sent: unknown = JSON.parse(
      api.callsTo('POST', '/api/v1/intake/telephony-settings')[0]!.body,
    );
    expect(sent).toMatchObject({
      name: 'Mango',
      provider: 'mango',
      api_key: 'KEY',
      secret: 'salt',
      tracking: [{ number: '+7 499 450-94-97', source: 'google', campaign: null }],
      callback_minutes: 15,
    });
  }, 30_000);
  it('checks the name and a tracking number as typed and puts a refused name on it', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/funnels': () => json(200, []),
      'GET /api/v1/intake/telephony-settings': () => json(200, { items: [], next_cursor: null }),
      'POST /api/v1/intake/telephony-settings': () =>
        problem(422, 'Invalid input', [
          {
            loc: ['body', 'name'],
            msg: 'must not contain control characters',
            code: 'control_characters',
          },
        ]),
    });
    const { user } = renderApp('/settings/telephony');

    await user.click(
      await screen.findByRole('button', { name: 'Подключить АТС' }, { timeout: 5000 }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    const name = dialog.getByLabelText(/Название/);
    await user.click(name);
    await user.paste('А'.repeat(201));
    // Said while typing, before anything is sent or the field is left.
    expect(name).toHaveAccessibleDescription(/Не длиннее 200 символов/);
    await user.clear(name);
    expect(name).toHaveAccessibleDescription(/Обязательное поле/);
    await user.type(name, 'Zadarma');
    await user.click(dialog.getByRole('button', { name: 'Добавить номер' }));
    const number = dialog.getByLabelText('Номер');
    expect(number).not.toHaveAttribute('aria-invalid', 'true');
    await user.click(number);
    await user.paste('7'.repeat(65));
    expect(number).toHaveAccessibleDescription(/Не длиннее 64 символов/);
    await user.clear(number);
    await user.type(number, '+7 499 450-94-97');
    await user.type(dialog.getByLabelText(/Секретный ключ API Zadarma/), 'secret');
    await user.click(dialog.getByRole('button', { name: 'Создать' }));

    await waitFor(() => expect(name).toHaveAccessibleDescription(/Уберите управляющие символы/));
    expect(api.callsTo('POST', '/api/v1/intake/telephony-settings')).toHaveLength(1);
  }, 30_000);
});

describe('WorkTimeline', () => {
  it('says a call in words, with its length and recording', () => {
    render(
      <MantineProvider>
        <MemoryRouter>
          <WorkTimeline
            items={[
              {
                at: '2026-11-30T10:00:00Z',
                kind: 'call',
                id: '33333333-3333-4333-8333-333333333333',
                client_id: null,
                deal_id: null,
                actor_id: null,
                actor_name: 'Анна',
                title: null,
                body: null,
                data: {
                  direction: 'inbound',
                  result: 'answered',
                  client_number: '+79165550190',
                  talk_seconds: 75,
                  source: 'yandex',
                  recording_url: 'https://pbx.example/rec/1.mp3',
                },
              },
            ]}
          />
        </MemoryRouter>
      </MantineProvider>,
    );
    expect(screen.getByText('Звонок (входящий) +79165550190: разговор · 1:15')).toBeInTheDocument();
    expect(screen.getByText(/Источник: yandex/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Запись разговора' })).toHaveAttribute(
      'href',
      'https://pbx.example/rec/1.mp3',
    );
  });
  it('plays a stored recording, fetched with the session when asked for', async () => {
    setTokens({ access: 'access-1' });
    const callId = '44444444-4444-4444-8444-444444444444';
    const api = mockApi({
      [`GET /api/v1/intake/calls/${callId}/recording`]: () =>
        new Response('ID3', {
          status: 200,
          headers: { 'Content-Type': 'audio/mpeg' },
        }),
    });
    const created = vi.fn(() => 'blob:recording-1');
    vi.stubGlobal(
      'URL',
      Object.assign(URL, { createObjectURL: created, revokeObjectURL: vi.fn() }),
    );
    render(
      <MantineProvider>
        <MemoryRouter>
          <WorkTimeline
            items={[
              {
                at: '2026-11-30T10:00:00Z',
                kind: 'call',
                id: callId,
                client_id: null,
                deal_id: null,
                actor_id: null,
                actor_name: null,
                title: null,
                body: null,
                data: {
                  direction: 'inbound',
                  result: 'answered',
                  client_number: '+79165550190',
                  recording_id: '1647439288.1115107',
                  recording_status: 'stored',
                  recording_available: true,
                },
              },
            ]}
          />
        </MemoryRouter>
      </MantineProvider>,
    );
    expect(api.callsTo('GET', `/api/v1/intake/calls/${callId}/recording`)).toHaveLength(0);
    screen.getByRole('button', { name: 'Прослушать запись' }).click();
    const player = await screen.findByLabelText('Запись разговора');
    expect(player.tagName).toBe('AUDIO');
    expect(player).toHaveAttribute('controls');
    expect(player).toHaveAttribute('src', 'blob:recording-1');
    const [fetched] = api.callsTo('GET', `/api/v1/intake/calls/${callId}/recording`);
    expect(fetched?.headers.get('Authorization')).toBe('Bearer access-1');
  });
});
