import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import type { WebhookDelivery, WebhookEndpoint } from './queries';

const endpoint: WebhookEndpoint = {
  id: 'ep-1',
  url: 'https://erp.example.com/hooks',
  events: ['deal.won'],
  description: 'ERP',
  is_active: true,
  disabled_reason: null,
  failing_since: null,
  created_at: '2026-12-01T10:00:00Z',
  version: 1,
};

const delivery: WebhookDelivery = {
  id: 'dl-1',
  endpoint_id: 'ep-1',
  event_id: 'ev-1',
  event_type: 'deal.won',
  status: 'succeeded',
  attempt_count: 2,
  next_attempt_at: null,
  created_at: '2026-12-01T10:00:00Z',
  payload: '{}',
  attempts: [
    {
      id: 'a-1',
      attempted_at: '2026-12-01T10:00:00Z',
      succeeded: false,
      status_code: 500,
      duration_ms: 12,
      response_body: 'boom',
      error: null,
    },
    {
      id: 'a-2',
      attempted_at: '2026-12-01T10:00:05Z',
      succeeded: true,
      status_code: 200,
      duration_ms: 8,
      response_body: 'ok',
      error: null,
    },
  ],
};

describe('WebhookList', () => {
  it('creates an endpoint and shows its secret once, refuses a private URL on the field, shows the log and redelivers', async () => {
    setTokens({ access: 'access-1' });
    let endpoints: WebhookEndpoint[] = [endpoint];
    let creates = 0;
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/webhooks': () => json(200, { items: endpoints, next_cursor: null }),
      'GET /api/v1/webhooks/event-types': () => json(200, ['*', 'deal.lost', 'deal.won']),
      'POST /api/v1/webhooks': () => {
        creates += 1;
        if (creates === 1) {
          return problem(422, 'url: must point at a public address', [
            { loc: ['body', 'url'], msg: 'must point at a public address' },
          ]);
        }
        const created = { ...endpoint, id: 'ep-2', url: 'https://crm-hooks.example.com/in' };
        endpoints = [created, ...endpoints];
        return json(201, { ...created, secret: 'whsec_c2VjcmV0' });
      },
      'GET /api/v1/webhooks/ep-1/deliveries': () =>
        json(200, { items: [delivery], next_cursor: null }),
      'POST /api/v1/webhooks/ep-1/deliveries/dl-1/redeliver': () => json(202, delivery),
    });
    const { user } = renderApp('/webhooks');

    expect(
      await screen.findByText('https://erp.example.com/hooks', {}, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Вебхуки' })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Добавить адрес' }));
    const url = await screen.findByLabelText(/URL/);
    await user.type(url, 'http://10.0.0.1/x');
    await user.click(screen.getByRole('combobox', { name: 'События' }));
    await user.click(await screen.findByRole('option', { name: 'deal.won' }));
    await user.click(screen.getByRole('button', { name: 'Сохранить' }));
    expect(await screen.findByText('must point at a public address')).toBeInTheDocument();

    await user.clear(url);
    await user.type(url, 'https://crm-hooks.example.com/in');
    await user.click(screen.getByRole('button', { name: 'Сохранить' }));
    expect(await screen.findByTestId('webhook-secret')).toHaveTextContent('whsec_c2VjcmV0');
    expect(screen.getByText(/показывается только один раз/)).toBeInTheDocument();
    const sent = JSON.parse(api.calls.filter((c) => c.method === 'POST').at(-1)?.body ?? '{}') as {
      url: string;
    };
    expect(sent.url).toBe('https://crm-hooks.example.com/in');

    await user.click(screen.getByRole('button', { name: 'Копировать' }));
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByTestId('webhook-secret')).not.toBeInTheDocument());

    const row = screen.getByText('https://erp.example.com/hooks').closest('tr');
    await user.click(within(row as HTMLElement).getByRole('button', { name: 'Доставки' }));
    const log = await screen.findByTestId('webhook-delivery');
    expect(within(log).getByText('500')).toBeInTheDocument();
    expect(within(log).getByText('200')).toBeInTheDocument();
    await user.click(within(log).getByRole('button', { name: 'Отправить повторно' }));
    await waitFor(() =>
      expect(api.calls.some((c) => c.path.endsWith('/dl-1/redeliver'))).toBe(true),
    );
  });

  it('checks the address, the events and the description as typed and puts refusals on their fields', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/webhooks': () => json(200, { items: [endpoint], next_cursor: null }),
      'GET /api/v1/webhooks/event-types': () => json(200, ['*', 'deal.lost', 'deal.won']),
      'POST /api/v1/webhooks': () =>
        problem(422, 'Invalid input', [
          {
            loc: ['body', 'description'],
            msg: "String should match pattern '^[^\\x00-\\x08]*$'",
            code: 'control_characters',
          },
        ]),
    });
    const { user } = renderApp('/webhooks');

    await user.click(
      await screen.findByRole('button', { name: 'Добавить адрес' }, { timeout: 5000 }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    const url = dialog.getByLabelText(/URL/);
    await user.type(url, 'crm.example.com');
    // Said while typing, before anything is sent.
    expect(url).toHaveAccessibleDescription(/Введите адрес вида https:\/\//);
    await user.clear(url);
    expect(url).toHaveAccessibleDescription(/Обязательное поле/);
    await user.type(url, 'https://crm.example.com/in');
    expect(url).not.toHaveAttribute('aria-invalid', 'true');
    const description = dialog.getByLabelText('Описание');
    await user.click(description);
    await user.paste('о'.repeat(501));
    expect(description).toHaveAccessibleDescription(/Не длиннее 500 символов/);
    await user.clear(description);
    await user.type(description, 'ERP');
    await user.click(dialog.getByRole('button', { name: 'Сохранить' }));
    expect(await dialog.findByText('Выберите хотя бы одно событие')).toBeInTheDocument();
    expect(api.callsTo('POST', '/api/v1/webhooks')).toHaveLength(0);

    await user.click(dialog.getByRole('combobox', { name: 'События' }));
    await user.click(await screen.findByRole('option', { name: 'deal.won' }));
    expect(dialog.queryByText('Выберите хотя бы одно событие')).not.toBeInTheDocument();
    await user.click(dialog.getByRole('button', { name: 'Сохранить' }));
    await waitFor(() =>
      expect(description).toHaveAccessibleDescription(/Уберите управляющие символы/),
    );
    expect(api.callsTo('POST', '/api/v1/webhooks')).toHaveLength(1);
    expect(dialog.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('keeps the open delivery log fresh while a delivery waits for the worker', async () => {
    setTokens({ access: 'access-1' });
    const pending: WebhookDelivery = {
      ...delivery,
      status: 'pending',
      attempt_count: 0,
      attempts: [],
    };
    let reads = 0;
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/webhooks': () => json(200, { items: [endpoint], next_cursor: null }),
      'GET /api/v1/webhooks/event-types': () => json(200, ['*', 'deal.won']),
      'GET /api/v1/webhooks/ep-1/deliveries': () => {
        reads += 1;
        // The worker has delivered by the third read.
        const item = reads < 3 ? pending : { ...delivery, attempts: [delivery.attempts[1]!] };
        return json(200, { items: [item], next_cursor: null });
      },
    });
    const { user } = renderApp('/webhooks');

    const row = (
      await screen.findByText('https://erp.example.com/hooks', {}, { timeout: 5000 })
    ).closest('tr');
    await user.click(within(row as HTMLElement).getByRole('button', { name: 'Доставки' }));
    const log = await screen.findByTestId('webhook-delivery');
    expect(within(log).getByText('В очереди')).toBeInTheDocument();
    expect(await within(log).findByText('200', {}, { timeout: 8000 })).toBeInTheDocument();
    expect(within(log).getByText('Доставлено')).toBeInTheDocument();
    const polled = api.callsTo('GET', '/api/v1/webhooks/ep-1/deliveries').length;
    expect(polled).toBe(3);
  }, 15_000);

  it('says a failed load failed, never "no endpoints" or "no deliveries", and retries', async () => {
    setTokens({ access: 'access-1' });
    let failEndpoints = true;
    let failDeliveries = true;
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/webhooks': () =>
        failEndpoints
          ? problem(403, 'denied')
          : json(200, { items: [endpoint], next_cursor: null }),
      'GET /api/v1/webhooks/event-types': () => json(200, ['*', 'deal.won']),
      'GET /api/v1/webhooks/ep-1/deliveries': () =>
        failDeliveries
          ? problem(403, 'denied')
          : json(200, { items: [delivery], next_cursor: null }),
    });
    const { user } = renderApp('/webhooks');

    expect(
      await screen.findByText('Не удалось загрузить данные.', {}, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(screen.queryByText('Адресов пока нет.')).not.toBeInTheDocument();
    failEndpoints = false;
    await user.click(screen.getByRole('button', { name: 'Повторить' }));
    const row = (await screen.findByText('https://erp.example.com/hooks')).closest('tr');

    await user.click(within(row as HTMLElement).getByRole('button', { name: 'Доставки' }));
    expect(await screen.findByText('Не удалось загрузить данные.')).toBeInTheDocument();
    expect(screen.queryByTestId('webhook-delivery')).not.toBeInTheDocument();
    failDeliveries = false;
    await user.click(screen.getByRole('button', { name: 'Повторить' }));
    expect(await screen.findByTestId('webhook-delivery')).toBeInTheDocument();
  }, 15_000);
});
