import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import type { InboxItem, IntakeForm } from './forms';

const form: IntakeForm = {
  id: 'form-1',
  key: 'k3y',
  post_path: '/api/v1/intake/forms/k3y',
  embed_path: '/api/v1/intake/forms/k3y/embed.js',
  name: 'Заявка на курс',
  funnel_id: null,
  field_map: { phone: ['Ваш телефон'] },
  distribution: { kind: 'manual', user_ids: [], tag: null },
  secret_field: 'api-key',
  require_secret: false,
  honeypot_field: 'website',
  rate_limit_per_minute: 30,
  is_active: true,
  created_at: '2026-12-01T10:00:00Z',
  version: 4,
};

const landed: InboxItem = {
  id: 'item-9',
  source: 'form',
  provider: 'generic',
  channel_id: 'form-1',
  event_key: null,
  received_at: '2026-12-01T10:00:00Z',
  remote_addr: '127.0.0.1',
  content_type: 'application/x-www-form-urlencoded',
  headers: {},
  body_size: 10,
  body_text: 'name=…',
  body_truncated: false,
  state: 'processed',
  attempts: 0,
  next_attempt_at: null,
  last_error: null,
  processed_at: '2026-12-01T10:00:01Z',
  lead: { name: 'Тестовая заявка', client_id: 'client-9', deal_id: 'deal-9' },
};

describe('FormSettings', () => {
  it('shows each form with its webhook address and embed code, and sends a test lead through the public endpoint', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/intake/form-settings': () => json(200, { items: [form], next_cursor: null }),
      'POST /api/v1/intake/forms/k3y': () => json(200, { id: 'item-9', duplicate: false }),
      'GET /api/v1/intake/inbox/item-9': () => json(200, landed),
    });
    const { user } = renderApp('/settings/intake-forms');

    const card = await screen.findByRole('region', { name: 'Заявка на курс' }, { timeout: 5000 });
    expect(within(card).getByTestId('form-webhook')).toHaveTextContent(
      `${window.location.origin}/api/v1/intake/forms/k3y`,
    );
    expect(within(card).getByText(/embed\.js" async><\/script>/)).toBeInTheDocument();
    expect(within(card).getByRole('button', { name: 'Скопировать адрес' })).toBeInTheDocument();
    expect(within(card).getByText(/свои поля: Телефон/)).toBeInTheDocument();

    await user.click(within(card).getByRole('button', { name: 'Отправить тестовую заявку' }));
    const result = await within(card).findByTestId('test-result', {}, { timeout: 8000 });
    expect(result).toHaveTextContent('Тестовая заявка принята и разобрана');
    expect(within(result).getByRole('link', { name: 'Клиент' })).toHaveAttribute(
      'href',
      '/clients/client-9',
    );
    expect(within(result).getByRole('link', { name: 'Сделка' })).toHaveAttribute(
      'href',
      '/deals/deal-9',
    );
    expect(within(result).getByRole('link', { name: 'Во входящих лидах' })).toHaveAttribute(
      'href',
      '/leads',
    );
    const [post] = api.callsTo('POST', '/api/v1/intake/forms/k3y');
    expect(post?.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    const sent = new URLSearchParams(post?.body);
    expect(sent.get('name')).toBe('Тестовая заявка');
    expect(sent.get('phone')).toMatch(/^\+7900\d{7}$/);
    expect(sent.has('website')).toBe(false);
  });

  it('creates a form and shows its secret once; edits the mapping with the ETag', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/funnels': () => json(200, []),
      'GET /api/v1/intake/form-settings': () => json(200, { items: [form], next_cursor: null }),
      'POST /api/v1/intake/form-settings': () =>
        json(201, { ...form, id: 'form-2', name: 'Обратный звонок', secret: 's3cr3t' }),
      'PATCH /api/v1/intake/form-settings/form-1': () => json(200, { ...form, version: 5 }),
    });
    const { user } = renderApp('/settings/intake-forms');
    await screen.findByRole('region', { name: 'Заявка на курс' }, { timeout: 5000 });

    await user.click(screen.getByRole('button', { name: 'Создать форму' }));
    let dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByRole('textbox', { name: /Название/ }), 'Обратный звонок');
    await user.click(within(dialog).getByRole('button', { name: 'Создать форму' }));
    expect(await screen.findByTestId('form-secret')).toHaveTextContent('s3cr3t');
    const created: unknown = JSON.parse(
      api.callsTo('POST', '/api/v1/intake/form-settings')[0]?.body ?? '{}',
    );
    expect(created).toMatchObject({
      name: 'Обратный звонок',
      honeypot_field: 'website',
      rate_limit_per_minute: 30,
    });

    const card = screen.getByRole('region', { name: 'Заявка на курс' });
    await user.click(within(card).getByRole('button', { name: 'Настроить' }));
    dialog = await screen.findByRole('dialog');
    const [names] = within(dialog).getAllByLabelText('Имя');
    if (!names) throw new Error('no name mapping field');
    await user.type(names, 'Как к вам обращаться{Enter}');
    await user.click(within(dialog).getByRole('button', { name: 'Сохранить' }));
    await waitFor(() =>
      expect(api.callsTo('PATCH', '/api/v1/intake/form-settings/form-1')).toHaveLength(1),
    );
    const [patch] = api.callsTo('PATCH', '/api/v1/intake/form-settings/form-1');
    expect(patch?.headers.get('If-Match')).toBe('"v4"');
    const patched = JSON.parse(patch?.body ?? '{}') as { field_map: unknown };
    expect(patched.field_map).toEqual({
      name: ['Как к вам обращаться'],
      phone: ['Ваш телефон'],
    });
  }, 40_000);

  it('checks the name and the rate limit as typed and puts a refused name on it', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/funnels': () => json(200, []),
      'GET /api/v1/intake/form-settings': () => json(200, { items: [form], next_cursor: null }),
      'POST /api/v1/intake/form-settings': () =>
        problem(422, 'Invalid input', [
          {
            loc: ['body', 'name'],
            msg: 'must not contain control characters',
            code: 'control_characters',
          },
        ]),
    });
    const { user } = renderApp('/settings/intake-forms');
    await screen.findByRole('region', { name: 'Заявка на курс' }, { timeout: 5000 });

    await user.click(screen.getByRole('button', { name: 'Создать форму' }));
    const dialog = within(await screen.findByRole('dialog'));
    const name = dialog.getByRole('textbox', { name: /Название/ });
    // Said while typing, before anything is sent or the field is left.
    await user.type(name, 'О');
    await user.clear(name);
    expect(name).toHaveAccessibleDescription(/Введите название/);
    await user.type(name, 'Обратный звонок');
    expect(name).not.toHaveAttribute('aria-invalid', 'true');
    const limit = dialog.getByLabelText('Заявок в минуту с одного адреса');
    await user.clear(limit);
    await user.type(limit, '0');
    expect(limit).toHaveAccessibleDescription(/От 1 до 100 000/);
    await user.clear(limit);
    await user.type(limit, '60');
    await user.click(dialog.getByRole('button', { name: 'Создать форму' }));

    await waitFor(() => expect(name).toHaveAccessibleDescription(/Уберите управляющие символы/));
    expect(api.callsTo('POST', '/api/v1/intake/form-settings')).toHaveLength(1);
  }, 30_000);

  it('says when there are no forms yet', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/intake/form-settings': () => json(200, { items: [], next_cursor: null }),
    });
    renderApp('/settings/intake-forms');
    expect(await screen.findByTestId('forms-empty', {}, { timeout: 5000 })).toBeInTheDocument();
  });
});
