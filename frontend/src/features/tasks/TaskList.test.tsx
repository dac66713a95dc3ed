import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import type { Task } from './queries';

const task = (id: string, title: string, due_at: string | null): Task => ({
  id,
  client_id: null,
  deal_id: null,
  title,
  description: null,
  assignee_id: adminUser.id,
  due_at,
  remind_at: null,
  reminded_at: null,
  priority: 'normal',
  done: false,
  done_at: null,
  done_by: null,
  origin: 'manual',
  created_by: adminUser.id,
  created_at: '2025-01-01T10:00:00Z',
  updated_at: '2025-01-01T10:00:00Z',
  version: 1,
});

describe('TaskList', () => {
  it('lists my open tasks by due time, marks the overdue and completes one', async () => {
    setTokens({ access: 'access-1' });
    const later = task('t-later', 'Отправить КП', '2999-01-01T09:00:00Z');
    const overdue = task('t-overdue', 'Перезвонить клиенту', '2020-01-01T09:00:00Z');
    const undated = task('t-undated', 'Обновить реквизиты', null);
    let open = [undated, later, overdue];
    const queries: URLSearchParams[] = [];
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/tasks': (request) => {
        queries.push(new URL(request.url).searchParams);
        return json(200, { items: open, next_cursor: null });
      },
      'POST /api/v1/tasks/t-overdue/complete': () => {
        open = open.filter((item) => item.id !== 't-overdue');
        return json(200, { ...overdue, done: true });
      },
    });
    const { user } = renderApp('/tasks');

    const boxes = await screen.findAllByRole('checkbox', {}, { timeout: 5000 });
    expect(boxes.map((box) => box.getAttribute('aria-label'))).toEqual([
      'Отметить выполненной: Перезвонить клиенту',
      'Отметить выполненной: Отправить КП',
      'Отметить выполненной: Обновить реквизиты',
    ]);
    expect(queries[0]?.get('mine')).toBe('true');
    expect(queries[0]?.get('done')).toBe('false');
    expect(screen.getAllByText('Просрочена')).toHaveLength(1);
    expect(screen.getByText('Перезвонить клиенту').closest('tr')).toHaveAttribute('data-overdue');

    await user.click(screen.getByRole('checkbox', { name: /Перезвонить клиенту/ }));

    await waitFor(() => expect(screen.queryByText('Перезвонить клиенту')).not.toBeInTheDocument());
    expect(api.callsTo('POST', '/api/v1/tasks/t-overdue/complete')).toHaveLength(1);
    expect(screen.getAllByRole('checkbox')).toHaveLength(2);
  });
});
