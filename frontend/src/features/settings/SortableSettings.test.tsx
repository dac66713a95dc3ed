import { screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { customField, funnel } from './fixtures';
import type { DocumentType, Funnel, LossReason } from './queries';

/**
 * jsdom lays nothing out: each row with the test id gets a box of its own, stacked in
 * document order, so that dnd-kit's keyboard sensor finds the row below the one it carries.
 */
function layOut(rowTestId: string) {
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
    const row = this.closest(`[data-testid="${rowTestId}"]`);
    if (!row) return rect(0);
    const rows = [...document.querySelectorAll(`[data-testid="${rowTestId}"]`)];
    return rect(100 + rows.indexOf(row) * 50);
  });
}

const rowTexts = (testId: string) =>
  screen.getAllByTestId(testId).map((row) => row.textContent ?? '');

/** Each record's new list from the ids sent, as the server answers. */
function reordered<T extends { id: string; position: number; version: number }>(
  items: T[],
  ids: string[],
): T[] {
  return ids.map((id, position) => {
    const item = items.find((i) => i.id === id)!;
    return { ...item, position, version: item.position === position ? item.version : 2 };
  });
}

afterEach(() => vi.restoreAllMocks());

describe('Reordering settings lists by keyboard', () => {
  it('moves a funnel down, sends every funnel id and announces the new place', async () => {
    layOut('settings-funnel-order-row');
    setTokens({ access: 'access-1' });
    let funnels: Funnel[] = [
      funnel,
      { ...funnel, id: 'funnel-2', name: 'Проекты', is_default: false, position: 1, stages: [] },
      { ...funnel, id: 'funnel-3', name: 'Сервис', is_default: false, position: 2, stages: [] },
    ];
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/funnels': () => json(200, funnels),
      'GET /api/v1/document-types': () => json(200, []),
      'GET /api/v1/custom-fields': () => json(200, [customField]),
      'POST /api/v1/funnels/reorder': async (request) => {
        const { funnel_ids } = (await request.json()) as { funnel_ids: string[] };
        funnels = reordered(funnels, funnel_ids);
        return json(200, funnels);
      },
    });
    const { user } = renderApp('/settings/funnels');

    const handle = await screen.findByRole(
      'button',
      { name: 'Перетащить воронку «Простая продажа»' },
      { timeout: 5000 },
    );
    handle.focus();
    await user.keyboard(' ');
    await user.keyboard('{ArrowDown}');
    await user.keyboard(' ');

    await waitFor(() => expect(api.callsTo('POST', '/api/v1/funnels/reorder')).toHaveLength(1));
    const call = api.callsTo('POST', '/api/v1/funnels/reorder')[0]!;
    expect(JSON.parse(call.body)).toEqual({ funnel_ids: ['funnel-2', 'funnel-1', 'funnel-3'] });
    await waitFor(() =>
      expect(rowTexts('settings-funnel-order-row')).toEqual([
        '⠿1. Проекты',
        expect.stringContaining('2. Простая продажа'),
        '⠿3. Сервис',
      ]),
    );
    expect(
      await screen.findByText(/Воронка «Простая продажа» поставлена на место 2/),
    ).toBeInTheDocument();
  }, 40_000);

  it('moves a loss reason up, and puts the list back when the server refuses', async () => {
    layOut('settings-loss-reason');
    setTokens({ access: 'access-1' });
    const reasons: LossReason[] = [
      { id: 'lr-1', name: 'Дорого', is_active: true, position: 0, version: 1 },
      { id: 'lr-2', name: 'Нет бюджета', is_active: false, position: 1, version: 1 },
      { id: 'lr-3', name: 'Конкурент', is_active: true, position: 2, version: 1 },
    ];
    let calls = 0;
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/loss-reasons': () => json(200, reasons),
      'POST /api/v1/loss-reasons/reorder': async (request) => {
        calls += 1;
        const { reason_ids } = (await request.json()) as { reason_ids: string[] };
        expect(reason_ids).toEqual(['lr-1', 'lr-3', 'lr-2']);
        return problem(412, 'Changed meanwhile');
      },
    });
    const { user } = renderApp('/settings/loss-reasons');

    const handle = await screen.findByRole(
      'button',
      { name: 'Перетащить причину «Конкурент»' },
      { timeout: 5000 },
    );
    handle.focus();
    await user.keyboard(' ');
    await user.keyboard('{ArrowUp}');
    await user.keyboard(' ');

    expect(await screen.findByTestId('settings-refusal')).toHaveTextContent(
      'Запись уже изменил кто-то другой',
    );
    expect(calls).toBe(1);
    await waitFor(() =>
      expect(rowTexts('settings-loss-reason').map((text) => text.slice(1, 6))).toEqual([
        'Дорог',
        'Нет б',
        'Конку',
      ]),
    );
  }, 40_000);

  it('moves a document type down and shows the order the server answers with', async () => {
    layOut('settings-document-type');
    setTokens({ access: 'access-1' });
    let types: DocumentType[] = [
      { id: 'dt-1', code: 'contract', name: 'Договор', is_active: true, position: 0, version: 1 },
      { id: 'dt-2', code: 'invoice', name: 'Счёт', is_active: true, position: 1, version: 1 },
      { id: 'dt-3', code: 'act', name: 'Акт', is_active: true, position: 2, version: 1 },
    ];
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/document-types': () => json(200, types),
      'POST /api/v1/document-types/reorder': async (request) => {
        const { type_ids } = (await request.json()) as { type_ids: string[] };
        types = reordered(types, type_ids);
        return json(200, types);
      },
    });
    const { user } = renderApp('/settings/document-types');

    const handle = await screen.findByRole(
      'button',
      { name: 'Перетащить тип документа «Счёт»' },
      { timeout: 5000 },
    );
    handle.focus();
    await user.keyboard(' ');
    await user.keyboard('{ArrowDown}');
    await user.keyboard(' ');

    await waitFor(() =>
      expect(api.callsTo('POST', '/api/v1/document-types/reorder')).toHaveLength(1),
    );
    expect(JSON.parse(api.callsTo('POST', '/api/v1/document-types/reorder')[0]!.body)).toEqual({
      type_ids: ['dt-1', 'dt-3', 'dt-2'],
    });
    await waitFor(() =>
      expect(rowTexts('settings-document-type')).toEqual([
        expect.stringMatching(/^⠿Договор/),
        expect.stringMatching(/^⠿Акт/),
        expect.stringMatching(/^⠿Счёт/),
      ]),
    );
    expect(
      await screen.findByText(/Тип документа «Счёт» поставлен на место 3/),
    ).toBeInTheDocument();
  }, 40_000);
});
