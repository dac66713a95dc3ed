import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { client } from './fixtures';

describe('ClientList', () => {
  it('lists the clients and searches them by what is typed', async () => {
    setTokens({ access: 'access-1' });
    const queries: URLSearchParams[] = [];
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/clients': (request) => {
        const query = new URL(request.url).searchParams;
        queries.push(query);
        const items = query.get('q')
          ? [client('c-2', 'Иванов и партнёры')]
          : [
              client('c-1', 'ООО Ромашка', { temperature: 'hot', relationship_type: 'potential' }),
              client('c-2', 'Иванов и партнёры'),
            ];
        return json(200, { items, next_cursor: null });
      },
    });
    renderApp('/clients');

    expect(await screen.findByText('ООО Ромашка', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getByText('Иванов и партнёры')).toBeInTheDocument();
    const table = within(screen.getByRole('table'));
    expect(table.getByText('потенциальный')).toBeInTheDocument();
    expect(table.getByText('горячий')).toBeInTheDocument();

    // Keys without pauses between them: on a busy machine a pause could outlast the debounce.
    await userEvent.setup({ delay: null }).type(screen.getByLabelText('Поиск'), 'Иван 067');
    await waitFor(() => expect(screen.queryByText('ООО Ромашка')).not.toBeInTheDocument(), {
      timeout: 5000,
    });
    expect(queries.at(-1)?.get('q')).toBe('Иван 067');
    // The debounce sends the finished words, not a request per keystroke.
    expect(queries.filter((query) => query.has('q'))).toHaveLength(1);
  });

  it('asks for the next page with the cursor of the previous one', async () => {
    setTokens({ access: 'access-1' });
    const cursors: (string | null)[] = [];
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/clients': (request) => {
        const cursor = new URL(request.url).searchParams.get('cursor');
        cursors.push(cursor);
        return cursor
          ? json(200, { items: [client('c-2', 'Второй')], next_cursor: null })
          : json(200, { items: [client('c-1', 'Первый')], next_cursor: 'page-2' });
      },
    });
    const { user } = renderApp('/clients');

    await user.click(
      await screen.findByRole('button', { name: 'Показать ещё' }, { timeout: 5000 }),
    );

    expect(await screen.findByText('Второй')).toBeInTheDocument();
    expect(screen.getByText('Первый')).toBeInTheDocument();
    expect(cursors).toEqual([null, 'page-2']);
    expect(screen.queryByRole('button', { name: 'Показать ещё' })).not.toBeInTheDocument();
  });

  it('says a failed load failed, never "no clients", and loads again on retry', async () => {
    setTokens({ access: 'access-1' });
    let fail = true;
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/clients': () =>
        fail
          ? problem(422, 'refused')
          : json(200, { items: [client('c-1', 'Первый')], next_cursor: null }),
    });
    const { user } = renderApp('/clients');

    // Inline, beside the notification every failed call raises.
    const alert = (
      await screen.findByText('Не удалось загрузить данные.', {}, { timeout: 5000 })
    ).closest<HTMLElement>('[role="alert"]')!;
    expect(screen.queryByText('Клиенты не найдены')).not.toBeInTheDocument();
    fail = false;
    await user.click(within(alert).getByRole('button', { name: 'Повторить' }));
    expect(await screen.findByText('Первый')).toBeInTheDocument();
  });

  it('says a failed next page failed and asks for it again on retry', async () => {
    setTokens({ access: 'access-1' });
    let fail = true;
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/clients': (request) => {
        if (!new URL(request.url).searchParams.get('cursor')) {
          return json(200, { items: [client('c-1', 'Первый')], next_cursor: 'page-2' });
        }
        return fail
          ? problem(422, 'refused')
          : json(200, { items: [client('c-2', 'Второй')], next_cursor: null });
      },
    });
    const { user } = renderApp('/clients');

    await user.click(
      await screen.findByRole('button', { name: 'Показать ещё' }, { timeout: 5000 }),
    );
    const alert = (await screen.findByText('Не удалось загрузить данные.')).closest<HTMLElement>(
      '[role="alert"]',
    )!;
    expect(screen.getByText('Первый')).toBeInTheDocument();
    fail = false;
    await user.click(within(alert).getByRole('button', { name: 'Повторить' }));
    expect(await screen.findByText('Второй')).toBeInTheDocument();
  });
});
