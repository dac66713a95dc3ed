import type * as DndKit from '@dnd-kit/core';
import type { DragEndEvent } from '@dnd-kit/core';
import { screen, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { task } from './fixtures';
import { dueAfterDrop } from './calendarSlots';

// jsdom has no layout, so a real drag cannot be played; the test drops through the handler the
// calendar gives dnd-kit, as dnd-kit itself would after a pointer or keyboard drag.
const drop = vi.hoisted(() => ({
  onDragEnd: undefined as ((event: DragEndEvent) => void) | undefined,
}));
vi.mock('@dnd-kit/core', async (importOriginal) => {
  const actual = await importOriginal<typeof DndKit>();
  return {
    ...actual,
    DndContext: (props: { onDragEnd?: (event: DragEndEvent) => void; children: ReactNode }) => {
      drop.onDragEnd = props.onDragEnd;
      return <actual.DndContext {...props} />;
    },
  };
});

const seller = { ...adminUser, role_code: 'seller', permissions: ['tasks:read', 'tasks:write'] };

function at(days: number, hours: number, minutes = 0): Date {
  const date = new Date();
  date.setDate(date.getDate() + days);
  date.setHours(hours, minutes, 0, 0);
  return date;
}

describe('dueAfterDrop', () => {
  it('keeps the time of day on another day and the minutes on another hour', () => {
    const due = at(0, 14, 30).toISOString();
    expect(dueAfterDrop(due, { day: at(2, 0) })).toBe(at(2, 14, 30).toISOString());
    expect(dueAfterDrop(due, { day: at(0, 0), hour: 9 })).toBe(at(0, 9, 30).toISOString());
    expect(dueAfterDrop(due, { day: at(0, 0) })).toBeNull();
  });
});

describe('TaskCalendar', () => {
  it('shows the day by hours and reschedules a dropped task with If-Match', async () => {
    setTokens({ access: 'access-1' });
    const call = task('t-1', 'Позвонить в обед', at(0, 13, 15).toISOString(), { version: 7 });
    const queries: URLSearchParams[] = [];
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, seller),
      'GET /api/v1/tasks': (request) => {
        queries.push(new URL(request.url).searchParams);
        return json(200, { items: [call], next_cursor: null });
      },
      'PATCH /api/v1/tasks/t-1': () => json(200, { ...call, version: 8 }),
    });
    renderApp('/tasks?view=day');

    const card = await screen.findByTestId('calendar-task', {}, { timeout: 5000 });
    expect(card).toHaveTextContent('Позвонить в обед');
    const slot = screen.getByTestId(/slot-.*@13$/);
    expect(slot).toContainElement(card);
    expect(new Date(queries[0]!.get('due_from')!).getHours()).toBe(0);

    drop.onDragEnd!({
      active: { id: 't-1', data: { current: { task: call } } },
      over: { id: 'x', data: { current: { slot: { day: at(0, 0), hour: 16 } } } },
    } as unknown as DragEndEvent);

    await waitFor(() => expect(api.callsTo('PATCH', '/api/v1/tasks/t-1')).toHaveLength(1));
    const [patch] = api.callsTo('PATCH', '/api/v1/tasks/t-1');
    expect(patch?.headers.get('If-Match')).toBe('"v7"');
    expect(JSON.parse(patch!.body)).toEqual({ due_at: at(0, 16, 15).toISOString() });
  });

  it('says when the task changed meanwhile (412)', async () => {
    setTokens({ access: 'access-1' });
    const call = task('t-1', 'Позвонить', at(1, 10).toISOString());
    mockApi({
      'GET /api/v1/users/me': () => json(200, seller),
      'GET /api/v1/tasks': () => json(200, { items: [call], next_cursor: null }),
      'PATCH /api/v1/tasks/t-1': () => problem(412, 'stale'),
    });
    renderApp('/tasks?view=week');

    await screen.findByTestId('calendar-task', {}, { timeout: 5000 });
    drop.onDragEnd!({
      active: { id: 't-1', data: { current: { task: call } } },
      over: { id: 'x', data: { current: { slot: { day: at(2, 0) } } } },
    } as unknown as DragEndEvent);

    expect(await screen.findByText(/Задачу уже изменили/)).toBeVisible();
  });
});
