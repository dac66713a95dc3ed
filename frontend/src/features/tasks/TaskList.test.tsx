import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { task } from './fixtures';

const seller = { ...adminUser, role_code: 'seller', permissions: ['tasks:read', 'tasks:write'] };

describe('TaskList', () => {
  it('shows each task with its deal, client and phone, and pages with "show more"', async () => {
    setTokens({ access: 'access-1' });
    const overdue = task('t-1', 'Перезвонить клиенту', '2020-01-01T09:00:00Z', {
      deal_id: 'd-1',
      deal_title: 'Поставка труб',
      phone: '+79123456789',
    });
    const later = task('t-2', 'Отправить КП', '2999-01-01T09:00:00Z');
    const queries: URLSearchParams[] = [];
    mockApi({
      'GET /api/v1/users/me': () => json(200, seller),
      'GET /api/v1/tasks': (request) => {
        const query = new URL(request.url).searchParams;
        queries.push(query);
        return query.get('cursor') === 'page-2'
          ? json(200, { items: [later], next_cursor: null })
          : json(200, { items: [overdue], next_cursor: 'page-2' });
      },
    });
    const { user } = renderApp('/tasks');

    const row = (await screen.findByText('Перезвонить клиенту', {}, { timeout: 5000 })).closest(
      'tr',
    )!;
    expect(row).toHaveAttribute('data-overdue');
    expect(within(row).getByRole('link', { name: 'Поставка труб' })).toHaveAttribute(
      'href',
      '/deals/d-1',
    );
    expect(within(row).getByRole('link', { name: 'ООО Ромашка' })).toHaveAttribute(
      'href',
      '/clients/c-1',
    );
    expect(within(row).getByRole('link', { name: /Позвонить/ })).toHaveAttribute(
      'href',
      'tel:+79123456789',
    );
    expect(within(row).getByText('+7 912 345-67-89')).toBeInTheDocument();
    // Whose task it is: initials and name.
    expect(within(row).getByText(adminUser.full_name)).toBeInTheDocument();
    expect(
      within(row).getByRole('img', { name: `Ответственный: ${adminUser.full_name}` }),
    ).toHaveTextContent('АА');
    expect(queries[0]?.get('mine')).toBe('true');
    expect(queries[0]?.get('done')).toBe('false');
    expect(screen.queryByText('Отправить КП')).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Показать ещё' }));

    expect(await screen.findByText('Отправить КП')).toBeInTheDocument();
    expect(queries.at(-1)?.get('cursor')).toBe('page-2');
    expect(screen.queryByRole('button', { name: 'Показать ещё' })).not.toBeInTheDocument();
  });

  it('filters by due window and keeps the filter in the URL', async () => {
    setTokens({ access: 'access-1' });
    const queries: URLSearchParams[] = [];
    mockApi({
      'GET /api/v1/users/me': () => json(200, seller),
      'GET /api/v1/tasks': (request) => {
        queries.push(new URL(request.url).searchParams);
        return json(200, { items: [], next_cursor: null });
      },
    });
    const { user, router } = renderApp('/tasks');
    expect(await screen.findByText('Открытых задач нет', {}, { timeout: 5000 })).toBeVisible();

    await user.click(screen.getByText('Просроченные'));
    expect(await screen.findByText('Просроченных задач нет')).toBeVisible();
    expect(queries.at(-1)?.get('overdue')).toBe('true');
    expect(router.state.location.search).toBe('?due=overdue');

    await user.click(screen.getByText('На неделю'));
    await screen.findByText('На эту неделю задач нет');
    const due = new Date(queries.at(-1)!.get('due_to')!);
    expect(due.getDay()).toBe(1); // up to next Monday, midnight on the reader's clock
    expect(due.getHours()).toBe(0);
    expect(queries.at(-1)?.get('overdue')).toBeNull();
  });

  it("lets a head pick a team member and lists that person's tasks", async () => {
    setTokens({ access: 'access-1' });
    const head = {
      ...adminUser,
      role_code: 'head_of_sales',
      department_id: 'dep-1',
      permissions: ['tasks:read', 'reports:read'],
    };
    const member = { ...adminUser, id: 'u-2', full_name: 'Олег Коваленко' };
    const queries: URLSearchParams[] = [];
    const usersAsked: URLSearchParams[] = [];
    mockApi({
      'GET /api/v1/users/me': () => json(200, head),
      'GET /api/v1/users': (request) => {
        usersAsked.push(new URL(request.url).searchParams);
        return json(200, { items: [head, member], next_cursor: null });
      },
      'GET /api/v1/tasks': (request) => {
        queries.push(new URL(request.url).searchParams);
        return json(200, { items: [], next_cursor: null });
      },
    });
    const { user } = renderApp('/tasks');

    // The input (the options' list is labelled by it too).
    const [assignee] = await screen.findAllByLabelText('Исполнитель', {}, { timeout: 5000 });
    await user.click(assignee!);
    await user.click(
      await screen.findByRole('option', { name: 'Олег Коваленко' }, { timeout: 5000 }),
    );

    await waitFor(() => expect(queries.at(-1)?.get('assignee_id')).toBe('u-2'));
    expect(queries.at(-1)?.get('mine')).toBeNull();
    // The choices are the people whose tasks the head may see, as the server decides.
    expect(usersAsked[0]?.get('owners_of')).toBe('tasks');
  });

  it('says a failed load failed, never "no tasks", and retries', async () => {
    setTokens({ access: 'access-1' });
    let fail = true;
    mockApi({
      'GET /api/v1/users/me': () => json(200, seller),
      'GET /api/v1/tasks': () =>
        fail
          ? problem(403, 'denied')
          : json(200, { items: [task('t-1', 'Позвонить', null)], next_cursor: null }),
    });
    const { user } = renderApp('/tasks');

    expect(
      await screen.findByText('Не удалось загрузить задачи', {}, { timeout: 5000 }),
    ).toBeVisible();
    expect(screen.queryByText('Открытых задач нет')).not.toBeInTheDocument();

    fail = false;
    await user.click(screen.getByRole('button', { name: 'Повторить' }));

    expect(await screen.findByText('Позвонить')).toBeVisible();
  });

  it('completing asks for the result, records it and plans the next task', async () => {
    setTokens({ access: 'access-1' });
    const due = task('t-1', 'Перезвонить клиенту', '2020-01-01T09:00:00Z', {
      deal_id: 'd-1',
      deal_title: 'Поставка труб',
      version: 4,
    });
    let open = [due];
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, seller),
      'GET /api/v1/tasks': () => json(200, { items: open, next_cursor: null }),
      'POST /api/v1/tasks/t-1/complete': () => {
        open = [];
        return json(200, { ...due, done: true });
      },
      'POST /api/v1/activities': () => json(201, {}),
      'POST /api/v1/tasks': () => json(201, {}),
    });
    const { user } = renderApp('/tasks');

    await user.click(
      await screen.findByRole('checkbox', { name: /Перезвонить клиенту/ }, { timeout: 5000 }),
    );
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Выполнить' }));
    expect(await within(dialog).findByText('Опишите результат')).toBeVisible();
    expect(api.callsTo('POST', '/api/v1/tasks/t-1/complete')).toHaveLength(0);

    await user.click(within(dialog).getByLabelText(/Результат/));
    await user.paste('Договорились о встрече');
    await user.click(within(dialog).getByLabelText(/Следующая задача/));
    await user.paste('Провести встречу');
    await user.click(within(dialog).getByRole('button', { name: 'Выполнить' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const [completed] = api.callsTo('POST', '/api/v1/tasks/t-1/complete');
    expect(completed?.headers.get('If-Match')).toBe('"v4"');
    expect(JSON.parse(api.callsTo('POST', '/api/v1/activities')[0]!.body)).toMatchObject({
      kind: 'note',
      deal_id: 'd-1',
      body: 'Договорились о встрече',
    });
    expect(JSON.parse(api.callsTo('POST', '/api/v1/tasks')[0]!.body)).toMatchObject({
      deal_id: 'd-1',
      title: 'Провести встречу',
    });
    expect(await screen.findByText('Открытых задач нет')).toBeVisible();
  }, 30_000);
});
