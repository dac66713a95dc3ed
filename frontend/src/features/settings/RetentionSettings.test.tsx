import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import type { CrossSellRule, RetentionSettings } from '../retention/queries';

const settings: RetentionSettings = {
  abc_a_share: '80.00',
  abc_b_share: '15.00',
  abc_c_share: '5.00',
  sleeping_days: 90,
  sleeping_days_by_segment: { опт: 60 },
  version: 3,
  updated_at: '2026-11-01T10:00:00Z',
};

const rule: CrossSellRule = {
  id: 'rule-1',
  product_pattern: 'принтер',
  after_days: 30,
  suggestion: 'Картриджи',
  is_active: true,
  created_by: adminUser.id,
  created_at: '2026-11-01T10:00:00Z',
  updated_at: '2026-11-01T10:00:00Z',
  version: 2,
};

function routes(extra: Parameters<typeof mockApi>[0] = {}) {
  return {
    'GET /api/v1/users/me': () => json(200, adminUser),
    'GET /api/v1/retention/settings': () => json(200, settings),
    'GET /api/v1/retention/cross-sell-rules': () => json(200, { items: [rule] }),
    ...extra,
  };
}

describe('RetentionSettings', () => {
  it('saves the shares and days at the version read and puts a refused share on its field', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi(
      routes({
        'PUT /api/v1/retention/settings': () =>
          problem(422, 'Invalid input', [
            {
              loc: ['body', 'abc_b_share'],
              msg: 'A and B together must leave a share for C (below 100)',
              code: 'invalid_input',
            },
          ]),
      }),
    );
    const { user } = renderApp('/settings/retention');

    const a = await screen.findByRole('textbox', { name: 'Доля класса A, %' }, { timeout: 5000 });
    expect(a).toHaveValue('80 %');
    expect(screen.getByTestId('abc-c-share')).toHaveTextContent('5 %');
    await user.clear(a);
    await user.type(a, '70.1');
    expect(screen.getByTestId('abc-c-share')).toHaveTextContent('14,9 %');
    const days = screen.getByRole('textbox', { name: 'Дней без покупки' });
    await user.clear(days);
    await user.type(days, '120');
    await user.click(screen.getByRole('button', { name: 'Добавить сегмент' }));
    const added = screen.getAllByTestId('segment-row')[1]!;
    await user.type(within(added).getByRole('textbox', { name: 'Сегмент' }), 'розница');
    await user.type(within(added).getByRole('textbox', { name: 'Дней' }), '45');
    await user.click(screen.getByRole('button', { name: 'Сохранить' }));

    const b = screen.getByRole('textbox', { name: 'Доля класса B, %' });
    await waitFor(() =>
      expect(b).toHaveAccessibleDescription('Значение не принято: проверьте его'),
    );
    const [put] = api.callsTo('PUT', '/api/v1/retention/settings');
    expect(put?.headers.get('If-Match')).toBe('"v3"');
    expect(JSON.parse(put?.body ?? '{}')).toEqual({
      abc_a_share: '70.1',
      abc_b_share: '15',
      sleeping_days: 120,
      sleeping_days_by_segment: { опт: 60, розница: 45 },
    });
    expect(screen.getByTestId('settings-refusal')).toHaveTextContent('Доля класса B, %');
  });

  it('refuses shares that leave nothing for C, and a repeated segment, before asking', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi(routes());
    const { user } = renderApp('/settings/retention');

    const b = await screen.findByRole('textbox', { name: 'Доля класса B, %' }, { timeout: 5000 });
    await user.clear(b);
    await user.type(b, '20');
    expect(b).toHaveAccessibleDescription(
      'A и B вместе должны быть меньше 100 %: оставьте долю классу C',
    );
    await user.click(screen.getByRole('button', { name: 'Добавить сегмент' }));
    const added = screen.getAllByTestId('segment-row')[1]!;
    const segment = within(added).getByRole('textbox', { name: 'Сегмент' });
    await user.type(segment, 'опт');
    await user.click(screen.getByRole('button', { name: 'Сохранить' }));
    expect(segment).toHaveAccessibleDescription('Этот сегмент уже есть');
    expect(within(added).getByRole('textbox', { name: 'Дней' })).toHaveAccessibleDescription(
      'Обязательное поле',
    );
    expect(api.callsTo('PUT', '/api/v1/retention/settings')).toHaveLength(0);
  });

  it('says the settings changed meanwhile and reads them again on request', async () => {
    setTokens({ access: 'access-1' });
    let version = 3;
    mockApi(
      routes({
        'GET /api/v1/retention/settings': () => json(200, { ...settings, version }),
        'PUT /api/v1/retention/settings': () => {
          version = 4;
          return problem(412, 'Settings were changed by someone else; reload them');
        },
      }),
    );
    const { user } = renderApp('/settings/retention');

    await user.click(await screen.findByRole('button', { name: 'Сохранить' }, { timeout: 5000 }));
    expect(await screen.findByTestId('settings-refusal')).toHaveTextContent(
      'Запись уже изменил кто-то другой',
    );
    await user.click(screen.getByRole('button', { name: 'Загрузить заново' }));
    await waitFor(() => expect(screen.queryByTestId('settings-refusal')).not.toBeInTheDocument());
  });

  it('adds a cross-sell rule and switches one off at its version', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi(
      routes({
        'POST /api/v1/retention/cross-sell-rules': () =>
          json(201, { ...rule, id: 'rule-2', product_pattern: 'сервер', version: 1 }),
        'PATCH /api/v1/retention/cross-sell-rules/rule-1': () =>
          json(200, { ...rule, is_active: false, version: 3 }),
      }),
    );
    const { user } = renderApp('/settings/retention');

    const table = await screen.findByRole(
      'table',
      { name: 'Правила кросс-продаж' },
      { timeout: 5000 },
    );
    expect(within(table).getByTestId('cross-sell-rule')).toHaveTextContent('принтер30Картриджи');
    const adding = screen.getByRole('form', { name: 'Новое правило кросс-продаж' });
    await user.click(within(adding).getByRole('button', { name: 'Добавить правило' }));
    expect(
      within(adding).getByRole('textbox', { name: 'Товар (часть названия)' }),
    ).toHaveAccessibleDescription('Обязательное поле');
    expect(api.callsTo('POST', '/api/v1/retention/cross-sell-rules')).toHaveLength(0);

    await user.type(
      within(adding).getByRole('textbox', { name: 'Товар (часть названия)' }),
      'сервер',
    );
    const after = within(adding).getByRole('textbox', { name: 'Через сколько дней' });
    await user.clear(after);
    await user.type(after, '14');
    await user.type(within(adding).getByRole('textbox', { name: 'Что предложить' }), 'Гарантия');
    await user.click(within(adding).getByRole('button', { name: 'Добавить правило' }));
    await waitFor(() =>
      expect(api.callsTo('POST', '/api/v1/retention/cross-sell-rules')).toHaveLength(1),
    );
    const [post] = api.callsTo('POST', '/api/v1/retention/cross-sell-rules');
    expect(JSON.parse(post?.body ?? '{}')).toEqual({
      product_pattern: 'сервер',
      after_days: 14,
      suggestion: 'Гарантия',
      is_active: true,
    });
    await waitFor(() =>
      expect(within(adding).getByRole('textbox', { name: 'Товар (часть названия)' })).toHaveValue(
        '',
      ),
    );

    await user.click(screen.getByRole('switch', { name: 'Правило «принтер» действует' }));
    await waitFor(() =>
      expect(api.callsTo('PATCH', '/api/v1/retention/cross-sell-rules/rule-1')).toHaveLength(1),
    );
    const [patch] = api.callsTo('PATCH', '/api/v1/retention/cross-sell-rules/rule-1');
    expect(patch?.headers.get('If-Match')).toBe('"v2"');
    expect(JSON.parse(patch?.body ?? '{}')).toEqual({ is_active: false });
  });
});
