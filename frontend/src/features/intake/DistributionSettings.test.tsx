import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import type { Rule } from './distribution';

const seller = (id: string, full_name: string) => ({
  ...adminUser,
  id,
  full_name,
  email: `${id}@example.com`,
  role_code: 'seller',
});

const rule: Rule = {
  id: 'rule-1',
  name: 'Сайт по очереди',
  kind: 'round_robin',
  form_id: null,
  source: 'yandex',
  funnel_id: null,
  user_ids: ['u-1', 'u-2'],
  tag: null,
  tag_routes: [],
  department_id: null,
  escalate_after_minutes: 15,
  to_responsible: true,
  priority: 100,
  is_active: true,
  created_at: '2026-12-01T10:00:00Z',
  version: 1,
};

function routes(rules: Rule[], extra: Record<string, (request: Request) => Response> = {}) {
  return {
    'GET /api/v1/users/me': () => json(200, adminUser),
    'GET /api/v1/users': () =>
      json(200, {
        items: [seller('u-1', 'Алексей Сидоров'), seller('u-2', 'Олена Коваленко')],
        next_cursor: null,
      }),
    'GET /api/v1/departments': () => json(200, []),
    'GET /api/v1/funnels': () => json(200, []),
    'GET /api/v1/intake/form-settings': () => json(200, { items: [], next_cursor: null }),
    'GET /api/v1/intake/distribution-rules': () => json(200, { items: rules, next_cursor: null }),
    ...extra,
  };
}

describe('DistributionSettings', () => {
  it('lists the rules with their people and escalation', async () => {
    setTokens({ access: 'access-1' });
    mockApi(routes([rule]));
    renderApp('/settings/distribution');
    const [row] = await screen.findAllByTestId('rule-row', {}, { timeout: 5000 });
    if (!row) throw new Error('no rule row');
    expect(within(row).getByText('Сайт по очереди')).toBeInTheDocument();
    expect(within(row).getByText('По очереди')).toBeInTheDocument();
    expect(within(row).getByText('Источник: yandex')).toBeInTheDocument();
    await waitFor(() =>
      expect(within(row).getByText('Алексей Сидоров, Олена Коваленко')).toBeInTheDocument(),
    );
    expect(within(row).getByText('через 15 мин')).toBeInTheDocument();
  }, 30_000);

  it('says there are no rules yet, and adds one; a refused field is marked', async () => {
    setTokens({ access: 'access-1' });
    let refuse = true;
    const api = mockApi(
      routes([], {
        'POST /api/v1/intake/distribution-rules': () => {
          if (refuse) {
            refuse = false;
            return problem(422, 'Invalid', [
              { loc: ['body', 'name'], msg: 'bad', code: 'invalid_input' },
            ]);
          }
          return json(201, rule);
        },
      }),
    );
    const { user } = renderApp('/settings/distribution');
    expect(await screen.findByText(/Правил пока нет/, {}, { timeout: 5000 })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Добавить правило' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText(/Название/), 'Сайт по очереди');
    await user.click(within(dialog).getByRole('button', { name: 'Сохранить' }));
    // Nobody chosen: the form says so before asking the server.
    expect(
      await within(dialog).findByText('Выберите хотя бы одного сотрудника'),
    ).toBeInTheDocument();
    expect(api.callsTo('POST', '/api/v1/intake/distribution-rules')).toHaveLength(0);

    await user.click(within(dialog).getByRole('combobox', { name: 'Сотрудники' }));
    await user.click(await screen.findByRole('option', { name: 'Алексей Сидоров' }));
    await user.click(within(dialog).getByRole('button', { name: 'Сохранить' }));
    await waitFor(() =>
      expect(api.callsTo('POST', '/api/v1/intake/distribution-rules')).toHaveLength(1),
    );
    // The server refused the name: the field says so in the reader's language (a domain rule
    // without a code of its own gets the general sentence), the dialog stays open.
    expect(
      await within(dialog).findByText('Значение не принято: проверьте его'),
    ).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Сохранить' }));
    await waitFor(() =>
      expect(api.callsTo('POST', '/api/v1/intake/distribution-rules')).toHaveLength(2),
    );
    const body: unknown = JSON.parse(
      api.callsTo('POST', '/api/v1/intake/distribution-rules')[1]?.body ?? '{}',
    );
    expect(body).toMatchObject({
      name: 'Сайт по очереди',
      kind: 'round_robin',
      user_ids: ['u-1'],
      form_id: null,
      source: null,
      funnel_id: null,
      escalate_after_minutes: 15,
    });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  }, 30_000);

  it('checks a rule as typed and puts a refused tag value on the row that holds it', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi(
      routes([], {
        'POST /api/v1/intake/distribution-rules': () =>
          problem(422, 'Invalid', [
            {
              loc: ['body', 'tag_routes', 0, 'value'],
              msg: 'must not contain control characters',
              code: 'control_characters',
            },
          ]),
      }),
    );
    const { user } = renderApp('/settings/distribution');
    await user.click(
      await screen.findByRole('button', { name: 'Добавить правило' }, { timeout: 5000 }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    const name = dialog.getByLabelText(/Название/);
    await user.click(name);
    await user.paste('П'.repeat(201));
    // Said while typing, before anything is sent.
    expect(name).toHaveAccessibleDescription(/Не длиннее 200 символов/);
    await user.clear(name);
    expect(name).toHaveAccessibleDescription(/Заполните поле/);
    await user.type(name, 'По городу');

    await user.click(dialog.getByRole('combobox', { name: 'Способ' }));
    await user.click(await screen.findByRole('option', { name: 'По тегу' }));
    const tag = dialog.getByLabelText(/Поле лида/);
    await user.type(tag, 'city');
    await user.click(dialog.getByRole('button', { name: 'Добавить значение' }));
    await user.click(dialog.getByRole('button', { name: 'Добавить значение' }));
    const [empty, second] = dialog.getAllByRole('textbox', { name: 'Значение' });
    await user.type(second!, 'Москва');
    await user.click(dialog.getByRole('button', { name: 'Сохранить' }));

    await waitFor(() =>
      expect(api.callsTo('POST', '/api/v1/intake/distribution-rules')).toHaveLength(1),
    );
    // The first route sent is the second row: the empty one was not sent.
    await waitFor(() => expect(second).toHaveAccessibleDescription(/Уберите управляющие символы/));
    expect(empty).not.toHaveAttribute('aria-invalid', 'true');
  }, 30_000);
});
