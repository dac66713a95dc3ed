import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { customField, funnel } from './fixtures';
import type { Funnel } from './queries';

const documentTypes = [
  { id: 'dt-1', code: 'contract', name: 'Договор', is_active: true, position: 0, version: 1 },
  { id: 'dt-2', code: 'invoice', name: 'Счёт', is_active: true, position: 1, version: 1 },
];

/**
 * jsdom lays nothing out: each stage row gets a box of its own, stacked in document order,
 * so that dnd-kit's keyboard sensor finds the row below the one it carries.
 */
function layOutStages() {
  const rect = (top: number) =>
    ({
      x: 0,
      y: top,
      top,
      left: 0,
      right: 600,
      bottom: top + 40,
      width: 600,
      height: 40,
    }) as DOMRect;
  vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (
    this: HTMLElement,
  ) {
    const row = this.closest('[data-testid="settings-stage"]');
    if (!row) return rect(0);
    const rows = [...document.querySelectorAll('[data-testid="settings-stage"]')];
    return rect(100 + rows.indexOf(row) * 50);
  });
}

const stageNames = () =>
  screen
    .getAllByTestId('settings-stage')
    .map((row) => row.textContent?.match(/\d+\. (\p{L}+)/u)?.[1]);

describe('FunnelSettings', () => {
  beforeEach(layOutStages);
  afterEach(() => vi.restoreAllMocks());

  it('reorders stages with the keyboard, sends every id with the funnel version, and goes back on refusal', async () => {
    setTokens({ access: 'access-1' });
    let reorders = 0;
    let current: Funnel = funnel;
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/funnels': () => json(200, [current]),
      'GET /api/v1/document-types': () => json(200, documentTypes),
      'GET /api/v1/custom-fields': () => json(200, [customField]),
      'POST /api/v1/funnels/funnel-1/stages/reorder': async (request) => {
        reorders += 1;
        if (reorders === 2) return problem(412, 'The funnel changed meanwhile');
        const { stage_ids } = (await request.json()) as { stage_ids: string[] };
        current = {
          ...current,
          version: current.version + 1,
          stages: stage_ids.map((id, position) => ({
            ...current.stages.find((s) => s.id === id)!,
            position,
          })),
        };
        return json(200, current);
      },
    });
    const { user } = renderApp('/settings/funnels');

    await screen.findByText('1. Контакт', {}, { timeout: 5000 });
    // Requirements are named, not coded.
    await waitFor(() => {
      const rows = screen.getAllByTestId('settings-stage');
      expect(rows[2]).toHaveTextContent('Сумма');
      expect(rows[3]).toHaveTextContent('Договор');
    });

    const handle = screen.getByRole('button', { name: 'Перетащить этап «Контакт»' });
    handle.focus();
    await user.keyboard(' ');
    await user.keyboard('{ArrowDown}');
    await user.keyboard(' ');

    await waitFor(() =>
      expect(stageNames()).toEqual(['Потребности', 'Контакт', 'Презентация', 'Закрытие']),
    );
    const call = api.callsTo('POST', '/api/v1/funnels/funnel-1/stages/reorder')[0]!;
    expect(call.headers.get('If-Match')).toBe('"v7"');
    expect(JSON.parse(call.body)).toEqual({ stage_ids: ['st-2', 'st-1', 'st-3', 'st-4'] });
    // A screen reader heard where the stage went.
    expect(await screen.findByText(/поставлен на место 2/)).toBeInTheDocument();

    // The second move is refused (someone changed the funnel): the list shows the server's order.
    const again = screen.getByRole('button', { name: 'Перетащить этап «Закрытие»' });
    again.focus();
    await user.keyboard(' ');
    await user.keyboard('{ArrowUp}');
    await user.keyboard(' ');
    expect(await screen.findByTestId('settings-refusal')).toHaveTextContent(
      'Запись уже изменил кто-то другой',
    );
    await waitFor(() =>
      expect(stageNames()).toEqual(['Потребности', 'Контакт', 'Презентация', 'Закрытие']),
    );
  }, 40_000);

  it('checks a funnel’s name as typed when renaming or creating one, and puts refusals on their fields', async () => {
    setTokens({ access: 'access-1' });
    const refused = (loc: (string | number)[]) =>
      problem(422, 'Invalid input', [
        { loc, msg: 'must not contain control characters', code: 'control_characters' },
      ]);
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/funnels': () => json(200, [funnel]),
      'GET /api/v1/document-types': () => json(200, documentTypes),
      'GET /api/v1/custom-fields': () => json(200, [customField]),
      'PATCH /api/v1/funnels/funnel-1': () => refused(['body', 'name']),
      'POST /api/v1/funnels': () => refused(['body', 'stages', 0, 'name']),
    });
    const { user } = renderApp('/settings/funnels');

    const name = await screen.findByLabelText('Название воронки', {}, { timeout: 5000 });
    // An emptied name says it is required instead of the button silently doing nothing.
    await user.clear(name);
    expect(name).toHaveAccessibleDescription(/Обязательное поле/);
    await user.click(name);
    await user.paste('В'.repeat(201));
    expect(name).toHaveAccessibleDescription(/Не длиннее 200 символов/);
    await user.clear(name);
    await user.type(name, 'Опт');
    expect(name).not.toHaveAttribute('aria-invalid', 'true');
    await user.click(screen.getByRole('button', { name: 'Переименовать' }));
    await waitFor(() => expect(name).toHaveAccessibleDescription(/Уберите управляющие символы/));
    expect(api.callsTo('PATCH', '/api/v1/funnels/funnel-1')).toHaveLength(1);

    await user.click(screen.getByRole('button', { name: 'Новая воронка' }));
    const dialog = within(await screen.findByRole('dialog'));
    await user.click(dialog.getByRole('combobox', { name: 'Основа' }));
    await user.click(await screen.findByRole('option', { name: 'Пустая воронка' }));
    const first = dialog.getByLabelText(/Первый этап/);
    expect(first).not.toHaveAttribute('aria-invalid', 'true');
    await user.type(first, 'Н');
    await user.clear(first);
    expect(first).toHaveAccessibleDescription(/Обязательное поле/);
    await user.type(first, 'Новая заявка');
    await user.type(dialog.getByLabelText(/Название воронки/), 'Партнёры');
    await user.click(dialog.getByRole('button', { name: 'Создать' }));
    // The request's first stage is the form's first stage field.
    await waitFor(() => expect(first).toHaveAccessibleDescription(/Уберите управляющие символы/));
    expect(api.callsTo('POST', '/api/v1/funnels')).toHaveLength(1);
  }, 30_000);

  it('adds a stage with a required document, a required custom field and a day limit', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/funnels': () => json(200, [funnel]),
      'GET /api/v1/document-types': () => json(200, documentTypes),
      'GET /api/v1/custom-fields': () => json(200, [customField]),
      'POST /api/v1/funnels/funnel-1/stages': () => json(201, funnel),
    });
    const { user } = renderApp('/settings/funnels');

    await user.click(
      await screen.findByRole('button', { name: 'Добавить этап' }, { timeout: 5000 }),
    );
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText(/Название этапа/), 'Отгрузка');
    const probability = within(dialog).getByLabelText(/Вероятность сделки/);
    await user.clear(probability);
    await user.type(probability, '150');
    expect(await within(dialog).findByText('От 0 до 100')).toBeInTheDocument();
    await user.clear(probability);
    await user.type(probability, '95');
    await user.type(within(dialog).getByLabelText(/Лимит дней/), '3');
    await user.click(within(dialog).getByText('Документы'));
    await user.click(within(dialog).getByRole('combobox', { name: /Обязательные документы/ }));
    await user.click(await screen.findByRole('option', { name: 'Счёт' }));
    await user.click(within(dialog).getByRole('combobox', { name: /Обязательные поля сделки/ }));
    await user.click(await screen.findByRole('option', { name: 'Город доставки' }));
    await user.click(within(dialog).getByRole('button', { name: 'Сохранить' }));

    await waitFor(() =>
      expect(api.callsTo('POST', '/api/v1/funnels/funnel-1/stages')).toHaveLength(1),
    );
    const call = api.callsTo('POST', '/api/v1/funnels/funnel-1/stages')[0]!;
    expect(call.headers.get('If-Match')).toBe('"v7"');
    expect(JSON.parse(call.body)).toEqual({
      name: 'Отгрузка',
      probability: 95,
      group: 'paperwork',
      max_days: 3,
      expected_result: null,
      required_documents: ['invoice'],
      required_fields: ['custom:delivery_city'],
    });
  }, 40_000);
});
