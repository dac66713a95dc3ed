import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { client } from './fixtures';

const FIRST = '00000000-0000-4000-8000-00000000c301';
const SECOND = '00000000-0000-4000-8000-00000000c302';
const first = client(FIRST, 'ООО Вектор', { version: 4, responsible_name: 'Анна Админова' });
const second = client(SECOND, 'Вектор', {
  version: 2,
  responsible_name: 'Анна Админова',
  inn: '7707083893',
});

const preview = (survivor: typeof first, other: typeof first) => ({
  survivor,
  other,
  moves: { contacts: 0, deals: 1, tasks: 2, activities: 0, comments: 0, attachments: 1 },
  filled: survivor.id === FIRST ? ['inn'] : [],
});

describe('ClientDuplicates', () => {
  it('lists the similar pairs and merges one, the chosen client staying', async () => {
    setTokens({ access: 'access-1' });
    let merged = false;
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      [`GET /api/v1/users/${adminUser.id}`]: () => json(200, adminUser),
      'GET /api/v1/clients/duplicates': () =>
        json(200, {
          items: merged
            ? []
            : [
                {
                  first: { id: FIRST, name: 'ООО Вектор', responsible_id: adminUser.id },
                  second: { id: SECOND, name: 'Вектор', responsible_id: adminUser.id },
                  reasons: ['similar_name', 'phone'],
                },
              ],
          next_cursor: null,
        }),
      [`GET /api/v1/clients/${FIRST}/merge-preview`]: () => json(200, preview(first, second)),
      [`GET /api/v1/clients/${SECOND}/merge-preview`]: () => json(200, preview(second, first)),
      [`POST /api/v1/clients/${SECOND}/merge`]: () => {
        merged = true;
        return json(200, { ...second, version: 3 });
      },
    });
    const { user } = renderApp('/clients/duplicates');

    const table = within(await screen.findByTestId('duplicate-pairs', {}, { timeout: 5000 }));
    expect(table.getByRole('link', { name: 'ООО Вектор' })).toHaveAttribute(
      'href',
      `/clients/${FIRST}`,
    );
    expect(table.getByText('похожее название, телефон')).toBeInTheDocument();
    await user.click(table.getByRole('button', { name: 'Объединить…' }));

    const dialog = within(await screen.findByTestId('client-merge', {}, { timeout: 5000 }));
    const moves = within(await dialog.findByTestId('merge-moves', {}, { timeout: 5000 }));
    expect(moves.getByText('Задачи')).toBeInTheDocument();
    expect(moves.getByText('Файлы')).toBeInTheDocument();
    expect(dialog.getByText('Пустые поля заполнятся: ИНН.')).toBeInTheDocument();

    // The second record (the one with the INN) stays instead.
    await user.click(dialog.getByRole('radio', { name: 'Вектор' }));
    await waitFor(() =>
      expect(
        dialog.getByText('Всё из карточки «ООО Вектор» перейдёт к «Вектор»:'),
      ).toBeInTheDocument(),
    );
    await user.click(dialog.getByRole('button', { name: 'Объединить' }));

    await waitFor(() =>
      expect(api.callsTo('POST', `/api/v1/clients/${SECOND}/merge`)).toHaveLength(1),
    );
    const [merge] = api.callsTo('POST', `/api/v1/clients/${SECOND}/merge`);
    expect(merge!.headers.get('If-Match')).toBe('"v2"');
    expect(JSON.parse(merge!.body)).toEqual({ other_id: FIRST });
    expect(await screen.findByText('Похожих клиентов не найдено')).toBeInTheDocument();
  });
});
