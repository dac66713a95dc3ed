import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { client } from './fixtures';

/** jsdom lays nothing out: the list's scroller is 600 px high and each row 50 px, so the
 * virtualiser renders what a browser would. */
function layOut() {
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(600);
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1000);
  vi.spyOn(HTMLElement.prototype, 'offsetHeight', 'get').mockReturnValue(50);
  vi.spyOn(HTMLElement.prototype, 'offsetWidth', 'get').mockReturnValue(1000);
}

const contact = (phone: string) => ({
  id: `k-${phone}`,
  client_id: 'c-1',
  full_name: 'Сергей Лебедев',
  position: null,
  phones: [{ e164: phone, raw: phone, kind: 'mobile' as const }],
  emails: [],
  messengers: [],
  notes: null,
  is_primary: true,
  created_by: null,
  created_at: null,
  updated_at: null,
  version: 1,
});

const baseRoutes = {
  'GET /api/v1/users/me': () => json(200, adminUser),
  'GET /api/v1/clients/count': () => json(200, { total: 2, capped: false }),
  'GET /api/v1/saved-filters': () => json(200, []),
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('ClientList', () => {
  it('shows phone, responsible, last and next activity, the total, and marks what matched', async () => {
    layOut();
    setTokens({ access: 'access-1' });
    const queries: URLSearchParams[] = [];
    mockApi({
      ...baseRoutes,
      'GET /api/v1/clients': (request) => {
        const query = new URL(request.url).searchParams;
        queries.push(query);
        const romashka = client('c-1', 'ООО «Ромашка»', {
          temperature: 'hot',
          relationship_type: 'potential',
          contacts: [contact('+79123456789')],
          responsible_name: 'Пётр Сидоров',
          last_activity_at: '2025-03-01T09:30:00Z',
          next_task_at: '2099-03-05T08:00:00Z',
          next_task_title: 'Перезвонить',
        });
        const items = query.get('q')
          ? [romashka]
          : [romashka, client('c-2', 'Иванов и партнёры', { responsible_name: 'Анна Админова' })];
        return json(200, { items, next_cursor: null });
      },
    });
    const { router } = renderApp('/clients');

    const table = within(await screen.findByTestId('client-list', {}, { timeout: 5000 }));
    expect(await screen.findByTestId('client-count', {}, { timeout: 5000 })).toHaveTextContent(
      'Всего: 2',
    );
    expect(table.getByText('+7 912 345-67-89')).toBeInTheDocument();
    expect(table.getByText('Пётр Сидоров')).toBeInTheDocument();
    expect(table.getByText('Перезвонить')).toBeInTheDocument();
    expect(table.getByText('потенциальный')).toBeInTheDocument();
    // A client without an open task says so.
    expect(table.getByText('Нет задачи')).toBeInTheDocument();

    await userEvent.setup({ delay: null }).type(screen.getByLabelText('Поиск'), '8 (912) 345');
    await waitFor(() => expect(router.state.location.search).toContain('q='), { timeout: 5000 });
    await waitFor(() => expect(queries.at(-1)?.get('q')).toBe('8 (912) 345'));
    await waitFor(() => expect(screen.queryByText('Иванов и партнёры')).not.toBeInTheDocument());
    // The digits typed with the trunk 8 are marked in the number as stored: 7 912 345.
    const marks = screen.getAllByText((_, element) => element?.tagName === 'MARK');
    expect(marks.map((mark) => mark.textContent)).toContain('7 912 345');
  });

  it('marks a name match and ignores the legal form typed', async () => {
    layOut();
    setTokens({ access: 'access-1' });
    mockApi({
      ...baseRoutes,
      'GET /api/v1/clients': () =>
        json(200, { items: [client('c-1', 'ООО «Ромашка Юг»')], next_cursor: null }),
    });
    renderApp('/clients?q=%D0%BE%D0%BE%D0%BE%20%D1%80%D0%BE%D0%BC%D0%B0%D1%88');

    const table = within(await screen.findByTestId('client-list', {}, { timeout: 5000 }));
    const marks = table.getAllByText((_, element) => element?.tagName === 'MARK');
    expect(marks.map((mark) => mark.textContent)).toEqual(['Ромаш']);
    expect(screen.getByLabelText('Поиск')).toHaveValue('ооо ромаш');
  });

  it('says which contact a search matched when the client name did not', async () => {
    layOut();
    setTokens({ access: 'access-1' });
    mockApi({
      ...baseRoutes,
      'GET /api/v1/clients': () =>
        json(200, {
          items: [
            client('c-1', 'Альфа Трейд', {
              contacts: [{ ...contact('+79123456789'), full_name: 'Сергей Лебедев' }],
            }),
          ],
          next_cursor: null,
        }),
    });
    renderApp('/clients?q=%D0%BB%D0%B5%D0%B1%D0%B5%D0%B4');

    const table = within(await screen.findByTestId('client-list', {}, { timeout: 5000 }));
    expect(table.getByText(/^Контакт:/)).toHaveTextContent('Контакт: Сергей Лебедев');
    const marks = table.getAllByText((_, element) => element?.tagName === 'MARK');
    expect(marks.map((mark) => mark.textContent)).toEqual(['Лебед']);
  });

  it('keeps 2,000 loaded clients to a window of rows in the document', async () => {
    layOut();
    setTokens({ access: 'access-1' });
    const many = Array.from({ length: 2000 }, (_, n) =>
      client(`c-${n}`, `Клиент ${String(n).padStart(4, '0')}`),
    );
    mockApi({
      ...baseRoutes,
      'GET /api/v1/clients/count': () => json(200, { total: 2000, capped: false }),
      'GET /api/v1/clients': () => json(200, { items: many, next_cursor: null }),
    });
    renderApp('/clients');

    const table = await screen.findByTestId('client-list', {}, { timeout: 5000 });
    expect(await screen.findByTestId('client-count', {}, { timeout: 5000 })).toHaveTextContent(
      'Всего: 2000',
    );
    const rows = table.querySelectorAll('tbody tr[data-index]');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(60);
    expect(within(table).getByText('Клиент 0000')).toBeInTheDocument();
    expect(within(table).queryByText('Клиент 1999')).not.toBeInTheDocument();
  });

  it('asks for the next page with the cursor of the previous one', async () => {
    layOut();
    setTokens({ access: 'access-1' });
    const cursors: (string | null)[] = [];
    mockApi({
      ...baseRoutes,
      'GET /api/v1/clients': (request) => {
        const cursor = new URL(request.url).searchParams.get('cursor');
        cursors.push(cursor);
        return cursor
          ? json(200, { items: [client('c-2', 'Второй')], next_cursor: null })
          : json(200, { items: [client('c-1', 'Первый')], next_cursor: 'page-2' });
      },
    });
    renderApp('/clients');

    // The end of the list is in view: the next page comes without a click.
    expect(await screen.findByText('Второй', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getByText('Первый')).toBeInTheDocument();
    expect(cursors).toEqual([null, 'page-2']);
    expect(screen.queryByRole('button', { name: 'Показать ещё' })).not.toBeInTheDocument();
  });

  it('says a failed load failed, never "no clients", and loads again on retry', async () => {
    layOut();
    setTokens({ access: 'access-1' });
    let fail = true;
    mockApi({
      ...baseRoutes,
      'GET /api/v1/clients': () =>
        fail
          ? problem(422, 'refused')
          : json(200, { items: [client('c-1', 'Первый')], next_cursor: null }),
    });
    const { user } = renderApp('/clients');

    // The list's own alert (a picker's dropdown may say the same of its own failed search).
    const alert = await screen.findByRole(
      'alert',
      { name: (_, element) => element.textContent.includes('Не удалось загрузить данные.') },
      { timeout: 5000 },
    );
    expect(screen.queryByText('Клиенты не найдены')).not.toBeInTheDocument();
    fail = false;
    await user.click(within(alert).getByRole('button', { name: 'Повторить' }));
    expect(await screen.findByText('Первый')).toBeInTheDocument();
  });

  it('sorts by a column header and keeps the order in the URL', async () => {
    layOut();
    setTokens({ access: 'access-1' });
    const sorts: (string | null)[] = [];
    mockApi({
      ...baseRoutes,
      'GET /api/v1/clients': (request) => {
        sorts.push(new URL(request.url).searchParams.get('sort'));
        return json(200, { items: [client('c-1', 'Первый')], next_cursor: null });
      },
    });
    const { user, router } = renderApp('/clients');

    await user.click(await screen.findByRole('button', { name: 'Название ↑' }, { timeout: 5000 }));
    await waitFor(() => expect(sorts.at(-1)).toBe('-name'));
    expect(router.state.location.search).toBe('?sort=-name');
    await user.click(screen.getByRole('button', { name: 'Изменён' }));
    await waitFor(() => expect(sorts.at(-1)).toBe('-updated_at'));
    // Last activity: the most recent first, then the longest untouched, then back to names.
    const last = 'Последнее касание';
    await user.click(screen.getByRole('button', { name: last }));
    await waitFor(() => expect(sorts.at(-1)).toBe('-last_activity_at'));
    expect(screen.getByRole('columnheader', { name: `${last} ↓` })).toHaveAttribute(
      'aria-sort',
      'descending',
    );
    await user.click(screen.getByRole('button', { name: `${last} ↓` }));
    await waitFor(() => expect(sorts.at(-1)).toBe('last_activity_at'));
    await user.click(screen.getByRole('button', { name: `${last} ↑` }));
    await waitFor(() => expect(router.state.location.search).toBe(''));
    // The next task: the nearest first.
    await user.click(screen.getByRole('button', { name: 'Следующая задача' }));
    await waitFor(() => expect(sorts.at(-1)).toBe('next_task_at'));
  });

  it('saves the current filter under a name and opens a saved one', async () => {
    layOut();
    setTokens({ access: 'access-1' });
    const listed: string[] = [];
    const saved = [
      {
        id: 'f-1',
        list: 'clients',
        name: 'Горячие',
        query: 'temperature=hot',
        created_at: null,
        version: 1,
      },
    ];
    const api = mockApi({
      ...baseRoutes,
      'GET /api/v1/saved-filters': () => json(200, saved),
      'POST /api/v1/saved-filters': () => json(201, { ...saved[0], id: 'f-2', name: 'Тёплые' }),
      'GET /api/v1/clients': (request) => {
        listed.push(new URL(request.url).search);
        return json(200, { items: [client('c-1', 'Первый')], next_cursor: null });
      },
    });
    const { user, router } = renderApp('/clients?relationship_type=potential');

    await user.click(await screen.findByRole('button', { name: 'Мои фильтры' }, { timeout: 5000 }));
    await user.click(await screen.findByRole('menuitem', { name: 'Сохранить текущий фильтр…' }));
    const dialog = within(await screen.findByRole('dialog', {}, { timeout: 5000 }));
    await user.type(dialog.getByLabelText(/Название фильтра/), 'Тёплые');
    await user.click(dialog.getByRole('button', { name: 'Сохранить' }));
    await waitFor(() => expect(api.callsTo('POST', '/api/v1/saved-filters')).toHaveLength(1));
    expect(JSON.parse(api.callsTo('POST', '/api/v1/saved-filters')[0]!.body)).toEqual({
      list: 'clients',
      name: 'Тёплые',
      query: 'relationship_type=potential',
    });

    await user.click(screen.getByRole('button', { name: 'Мои фильтры' }));
    await user.click(await screen.findByRole('menuitem', { name: /Горячие/ }));
    await waitFor(() => expect(router.state.location.search).toBe('?temperature=hot'));
    await waitFor(() => expect(listed.at(-1)).toContain('temperature=hot'));
  });

  it('exports the filtered list', async () => {
    layOut();
    setTokens({ access: 'access-1' });
    const created = vi.fn(() => 'blob:clients');
    URL.createObjectURL = created;
    URL.revokeObjectURL = vi.fn();
    const api = mockApi({
      ...baseRoutes,
      'GET /api/v1/clients': () =>
        json(200, { items: [client('c-1', 'Первый')], next_cursor: null }),
      'GET /api/v1/clients/export': () =>
        new Response('id;name', { status: 200, headers: { 'Content-Type': 'text/csv' } }),
    });
    const { user } = renderApp('/clients?temperature=hot');

    await user.click(await screen.findByRole('button', { name: 'Выгрузить' }, { timeout: 5000 }));
    await user.click(await screen.findByRole('menuitem', { name: 'CSV' }));
    await waitFor(() => expect(api.callsTo('GET', '/api/v1/clients/export')).toHaveLength(1));
    expect(created).toHaveBeenCalled();
  });

  it('offers the responsible filter to a head of sales, not to a seller', async () => {
    layOut();
    setTokens({ access: 'access-1' });
    const seller = { ...adminUser, role_code: 'seller', permissions: ['clients:read'] };
    const list = () => json(200, { items: [client('c-1', 'ООО «Ромашка»')], next_cursor: null });
    mockApi({
      ...baseRoutes,
      'GET /api/v1/users/me': () => json(200, seller),
      'GET /api/v1/clients': list,
    });
    renderApp('/clients');
    expect(await screen.findByText('ООО «Ромашка»', {}, { timeout: 10_000 })).toBeInTheDocument();
    expect(screen.queryByRole('textbox', { name: 'Ответственный' })).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Ответственный')).not.toBeInTheDocument();
    cleanup();

    const head = {
      ...seller,
      role_code: 'head_of_sales',
      permissions: ['clients:read', 'reports:read'],
    };
    mockApi({
      ...baseRoutes,
      'GET /api/v1/users/me': () => json(200, head),
      'GET /api/v1/clients': list,
    });
    renderApp('/clients');
    expect(await screen.findByText('ООО «Ромашка»', {}, { timeout: 10_000 })).toBeInTheDocument();
    expect(screen.getAllByLabelText('Ответственный').length).toBeGreaterThan(0);
  });
});
