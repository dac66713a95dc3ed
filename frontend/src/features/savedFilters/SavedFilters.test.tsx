import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { board, salesFunnel } from '../deals/fixtures';
import type { SavedFilter } from './queries';

const filter = (list: SavedFilter['list'], name: string, query: string): SavedFilter => ({
  id: `f-${name}`,
  list,
  name,
  query,
  created_at: null,
  version: 1,
});

describe('SavedFilters', { timeout: 30_000 }, () => {
  it('renames a saved filter of the task list', async () => {
    setTokens({ access: 'access-1' });
    let saved = [{ ...filter('tasks', 'Звонки', 'due=today'), id: 'f-calls' }];
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/tasks': () => json(200, { items: [], next_cursor: null }),
      'GET /api/v1/users': () => json(200, { items: [adminUser], next_cursor: null }),
      'GET /api/v1/saved-filters': () => json(200, saved),
      'PATCH /api/v1/saved-filters/f-calls': async (request) => {
        const { name } = (await request.json()) as { name: string };
        saved = [{ ...saved[0]!, name, version: 2 }];
        return json(200, saved[0]);
      },
    });
    const { user } = renderApp('/tasks');

    await user.click(
      await screen.findByRole('button', { name: 'Мои фильтры' }, { timeout: 10_000 }),
    );
    // Asked for only now that the menu is open.
    await waitFor(() => expect(api.callsTo('GET', '/api/v1/saved-filters')).toHaveLength(1));
    await user.click(
      await screen.findByLabelText('Переименовать фильтр Звонки', {}, { timeout: 5000 }),
    );
    const dialog = within(await screen.findByRole('dialog', { name: 'Переименовать фильтр' }));
    const name = dialog.getByLabelText(/Название фильтра/);
    expect(name).toHaveValue('Звонки');
    await user.clear(name);
    await user.type(name, 'Звонки на сегодня');
    await user.click(dialog.getByRole('button', { name: 'Сохранить' }));

    await waitFor(() =>
      expect(api.callsTo('PATCH', '/api/v1/saved-filters/f-calls')).toHaveLength(1),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const [patch] = api.callsTo('PATCH', '/api/v1/saved-filters/f-calls');
    expect(JSON.parse(patch!.body)).toEqual({ name: 'Звонки на сегодня' });
    await user.click(screen.getByRole('button', { name: 'Мои фильтры' }));
    expect(await screen.findByRole('menuitem', { name: /Звонки на сегодня/ })).toBeInTheDocument();
  });

  it('saves the deal list’s whole query and opens it again', async () => {
    setTokens({ access: 'access-1' });
    const lists: string[] = [];
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/users': () => json(200, { items: [adminUser], next_cursor: null }),
      'GET /api/v1/funnels': () => json(200, [salesFunnel]),
      [`GET /api/v1/funnels/${salesFunnel.id}/board`]: () => json(200, board),
      'GET /api/v1/deals': (request) => {
        lists.push(new URL(request.url).search);
        return json(200, { items: [], next_cursor: null });
      },
      'GET /api/v1/deals/totals': () => json(200, { exact: true, currencies: [] }),
      'GET /api/v1/saved-filters': (request) =>
        json(
          200,
          new URL(request.url).searchParams.get('list') === 'deals'
            ? [filter('deals', 'Проигранные', 'view=list&status=lost')]
            : [],
        ),
      'POST /api/v1/saved-filters': async (request) =>
        json(201, { ...filter('deals', 'Застрявшие', ''), ...(await request.json()) }),
    });
    const { user, router } = renderApp('/deals?view=list&stale=true');

    await user.click(
      await screen.findByRole('button', { name: 'Мои фильтры' }, { timeout: 10_000 }),
    );
    await user.click(await screen.findByRole('menuitem', { name: 'Сохранить текущий фильтр…' }));
    const dialog = within(await screen.findByRole('dialog'));
    await user.type(dialog.getByLabelText(/Название фильтра/), 'Застрявшие');
    await user.click(dialog.getByRole('button', { name: 'Сохранить' }));
    await waitFor(() => expect(api.callsTo('POST', '/api/v1/saved-filters')).toHaveLength(1));
    expect(JSON.parse(api.callsTo('POST', '/api/v1/saved-filters')[0]!.body)).toEqual({
      list: 'deals',
      name: 'Застрявшие',
      query: 'view=list&stale=true',
    });

    await user.click(screen.getByRole('button', { name: 'Мои фильтры' }));
    await user.click(await screen.findByRole('menuitem', { name: /Проигранные/ }));
    await waitFor(() => expect(router.state.location.search).toBe('?view=list&status=lost'));
    await waitFor(() => expect(lists.at(-1)).toContain('status=lost'));
  });

  it('checks the name as it is typed and puts the server’s refusal on it', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/tasks': () => json(200, { items: [], next_cursor: null }),
      'GET /api/v1/users': () => json(200, { items: [adminUser], next_cursor: null }),
      'GET /api/v1/saved-filters': () =>
        json(200, [{ ...filter('tasks', 'Звонки', ''), id: 'f-1' }]),
      'PATCH /api/v1/saved-filters/f-1': () =>
        problem(422, 'Invalid input', [
          {
            loc: ['body', 'name'],
            msg: 'must not contain control characters',
            code: 'control_characters',
          },
        ]),
    });
    const { user } = renderApp('/tasks');

    await user.click(
      await screen.findByRole('button', { name: 'Мои фильтры' }, { timeout: 10_000 }),
    );
    await user.click(
      await screen.findByLabelText('Переименовать фильтр Звонки', {}, { timeout: 5000 }),
    );
    const dialog = within(await screen.findByRole('dialog', { name: 'Переименовать фильтр' }));
    const name = dialog.getByLabelText(/Название фильтра/);
    await user.clear(name);
    // Said while typing: nothing is sent for an empty name.
    expect(name).toHaveAccessibleDescription('Обязательное поле');
    await user.click(dialog.getByRole('button', { name: 'Сохранить' }));
    expect(api.callsTo('PATCH', '/api/v1/saved-filters/f-1')).toHaveLength(0);

    await user.type(name, 'Звонки сегодня');
    expect(name).not.toHaveAttribute('aria-invalid', 'true');
    await user.click(dialog.getByRole('button', { name: 'Сохранить' }));
    await waitFor(() => expect(name).toHaveAccessibleDescription('Уберите управляющие символы'));
  });

  it('says a failed load of the filters failed and retries it', async () => {
    setTokens({ access: 'access-1' });
    let fail = true;
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/tasks': () => json(200, { items: [], next_cursor: null }),
      'GET /api/v1/users': () => json(200, { items: [adminUser], next_cursor: null }),
      'GET /api/v1/saved-filters': () =>
        fail ? problem(403, 'denied') : json(200, [filter('tasks', 'Звонки', 'due=today')]),
    });
    const { user } = renderApp('/tasks');

    await user.click(
      await screen.findByRole('button', { name: 'Мои фильтры' }, { timeout: 10_000 }),
    );
    expect(await screen.findByText('Не удалось загрузить данные.')).toBeInTheDocument();
    expect(screen.queryByText('Сохранённых фильтров нет')).not.toBeInTheDocument();
    fail = false;
    await user.click(screen.getByRole('menuitem', { name: 'Повторить' }));
    expect(await screen.findByRole('menuitem', { name: /Звонки/ })).toBeInTheDocument();
  });
});
