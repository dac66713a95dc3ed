import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import type { AutomationRule, RuleRun } from './queries';

const STAGE = '00000000-0000-4000-8000-0000000005a1';

const funnel = {
  id: 'f-1',
  name: 'Продажи',
  template: 'sales',
  is_default: true,
  position: 0,
  warnings: [],
  version: 1,
  stages: [{ id: STAGE, funnel_id: 'f-1', name: 'Договор' }],
};

const rule: AutomationRule = {
  id: 'r-1',
  name: 'Договор → юристу',
  is_enabled: true,
  trigger: { kind: 'deal_entered_stage', stage_id: STAGE },
  conditions: [],
  actions: [
    {
      kind: 'create_task',
      recipient: { kind: 'role', role: 'lawyer' },
      title: 'Проверить договор',
    },
  ],
  created_at: '2026-12-01T10:00:00Z',
  updated_at: '2026-12-01T10:00:00Z',
  last_run_at: null,
  version: 3,
};

const run: RuleRun = {
  id: 'run-1',
  rule_id: 'r-1',
  rule_name: null,
  event_id: 'ev-1',
  event_name: 'deal.stage_changed',
  status: 'skipped',
  reason: 'condition amount not met',
  actions: [],
  deal_id: 'd-1',
  client_id: null,
  depth: 0,
  at: '2026-12-02T10:00:00Z',
};

function routes(rules: () => AutomationRule[]) {
  return {
    'GET /api/v1/users/me': () => json(200, adminUser),
    'GET /api/v1/automation/rules': () => json(200, { items: rules(), next_cursor: null }),
    'GET /api/v1/funnels': () => json(200, [funnel]),
    'GET /api/v1/users': () => json(200, { items: [adminUser], next_cursor: null }),
    'GET /api/v1/roles': () => json(200, []),
    'GET /api/v1/webhooks': () => json(200, { items: [], next_cursor: null }),
    'GET /api/v1/departments': () => json(200, []),
    'GET /api/v1/automation/rules/r-1/runs': () => json(200, { items: [run], next_cursor: null }),
    'POST /api/v1/automation/rules/r-1/dry-run': () =>
      json(200, {
        items: [
          {
            id: 'd-7',
            title: 'Ромашка',
            client_id: 'c-1',
            funnel_id: 'f-1',
            stage_id: STAGE,
            responsible_id: adminUser.id,
            amount: '1500.00',
            currency: 'RUB',
            stage_entered_at: '2026-12-01T10:00:00Z',
          },
        ],
        next_cursor: null,
      }),
  };
}

describe('AutomationSettings', () => {
  it('lists rules with their trigger, toggles one, shows its log and its dry run', async () => {
    setTokens({ access: 'access-1' });
    let rules = [rule];
    const api = mockApi({
      ...routes(() => rules),
      'PATCH /api/v1/automation/rules/r-1': () => {
        rules = [{ ...rule, is_enabled: false, version: 4 }];
        return json(200, rules[0]);
      },
    });
    const { user } = renderApp('/settings/automation');

    const row = await screen.findByTestId('automation-rule', {}, { timeout: 5000 });
    expect(within(row).getByText('Договор → юристу')).toBeInTheDocument();
    expect(await within(row).findByText('Сделка перешла на этап «Договор»')).toBeInTheDocument();
    expect(within(row).getByText('Поставить задачу')).toBeInTheDocument();

    await user.click(
      within(row).getByRole('switch', { name: 'Правило «Договор → юристу» включено' }),
    );
    await waitFor(() =>
      expect(api.callsTo('PATCH', '/api/v1/automation/rules/r-1')).toHaveLength(1),
    );
    const patch = api.callsTo('PATCH', '/api/v1/automation/rules/r-1')[0]!;
    expect(JSON.parse(patch.body)).toEqual({ is_enabled: false });
    expect(patch.headers.get('If-Match')).toBe('"v3"');

    await user.click(within(row).getByRole('button', { name: 'Журнал' }));
    const log = await screen.findByTestId('automation-runs');
    expect(within(log).getByText('Пропущено')).toBeInTheDocument();
    expect(within(log).getByText('condition amount not met')).toBeInTheDocument();
    await user.keyboard('{Escape}');

    await user.click(within(row).getByRole('button', { name: 'Пробный запуск' }));
    const dry = await screen.findByTestId('dry-run');
    expect(within(dry).getByText('Правило затронет 1 сделку сейчас')).toBeInTheDocument();
    expect(within(dry).getByRole('link', { name: 'Ромашка' })).toHaveAttribute(
      'href',
      '/deals/d-7',
    );
  });

  it('creates a rule and puts a refusal on the field it names', async () => {
    setTokens({ access: 'access-1' });
    let posts = 0;
    const api = mockApi({
      ...routes(() => []),
      'POST /api/v1/automation/rules': () => {
        posts += 1;
        if (posts === 1) {
          return problem(422, 'Invalid input', [
            { loc: ['body', 'actions', 0, 'title'], msg: 'must not be blank', code: 'blank' },
          ]);
        }
        return json(201, rule);
      },
    });
    const { user } = renderApp('/settings/automation');

    await user.click(
      await screen.findByRole('button', { name: 'Новое правило' }, { timeout: 5000 }),
    );
    const drawer = within(await screen.findByRole('dialog'));
    await user.type(drawer.getByLabelText(/Название/), 'Выигрыш');
    await user.click(drawer.getByRole('button', { name: 'Сохранить' }));
    const title = drawer.getByLabelText(/Заголовок задачи/);
    await waitFor(() => expect(title).toHaveAttribute('aria-invalid', 'true'));

    await user.type(title, 'Позвонить клиенту');
    await user.click(drawer.getByRole('button', { name: 'Сохранить' }));
    await waitFor(() => expect(posts).toBe(2));
    expect(JSON.parse(api.callsTo('POST', '/api/v1/automation/rules')[1]!.body)).toEqual({
      name: 'Выигрыш',
      is_enabled: true,
      trigger: { kind: 'deal_entered_stage' },
      conditions: [],
      actions: [
        { kind: 'create_task', recipient: { kind: 'responsible' }, title: 'Позвонить клиенту' },
      ],
    });
  });
});
