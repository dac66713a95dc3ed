import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { customField } from './fixtures';
import type { CustomField } from './queries';

describe('CustomFieldSettings', () => {
  it('creates a list field on deals, putting a taken code back on its field', async () => {
    setTokens({ access: 'access-1' });
    let fields: CustomField[] = [customField];
    let creates = 0;
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/custom-fields': () => json(200, fields),
      'POST /api/v1/custom-fields': async (request) => {
        creates += 1;
        if (creates === 1) {
          return problem(409, 'A field with this key exists', [
            { loc: ['body', 'key'], msg: 'is taken' },
          ]);
        }
        const body = (await request.json()) as CustomField;
        const created = { ...customField, ...body, id: 'cf-2', version: 1 };
        fields = [...fields, created];
        return json(201, created);
      },
    });
    const { user } = renderApp('/settings/custom-fields');

    expect(await screen.findByText('Город доставки', {}, { timeout: 5000 })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Новое поле' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText(/Название/), 'Способ оплаты');
    const key = within(dialog).getByLabelText(/^Код/);
    await user.type(key, 'Оплата');
    await user.tab();
    expect(await within(dialog).findByText(/Латинские строчные буквы/)).toBeInTheDocument();
    await user.clear(key);
    await user.type(key, 'delivery_city');
    await user.click(within(dialog).getByRole('combobox', { name: /Тип/ }));
    await user.click(await screen.findByRole('option', { name: 'Список' }));
    await user.click(within(dialog).getByRole('button', { name: 'Сохранить' }));
    // A list needs its options before anything is sent.
    expect(await within(dialog).findByText('Добавьте хотя бы один вариант')).toBeInTheDocument();
    expect(api.callsTo('POST', '/api/v1/custom-fields')).toHaveLength(0);

    const options = within(dialog).getByRole('combobox', { name: /Варианты списка/ });
    await user.type(options, 'Наличные{Enter}Безнал{Enter}');
    await user.click(within(dialog).getByRole('checkbox', { name: 'Обязательное поле' }));
    await user.click(within(dialog).getByRole('button', { name: 'Сохранить' }));
    expect(await within(dialog).findByText('Сервер не принял это значение')).toBeInTheDocument();
    expect(within(dialog).getByTestId('settings-refusal')).toHaveTextContent('Поля: Код');

    await user.clear(key);
    await user.type(key, 'payment_method');
    await user.click(within(dialog).getByRole('button', { name: 'Сохранить' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(await screen.findByText('Способ оплаты')).toBeInTheDocument();
    expect(screen.getByText('Наличные, Безнал')).toBeInTheDocument();
    expect(JSON.parse(api.callsTo('POST', '/api/v1/custom-fields').at(-1)!.body)).toEqual({
      entity: 'deal',
      label: 'Способ оплаты',
      key: 'payment_method',
      type: 'enum',
      options: ['Наличные', 'Безнал'],
      required: true,
      position: 0,
    });
  }, 40_000);

  it('says a failed load failed and retries, instead of showing no fields', async () => {
    setTokens({ access: 'access-1' });
    let reads = 0;
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/custom-fields': () => {
        reads += 1;
        return reads <= 3 ? problem(503, 'Down') : json(200, [customField]);
      },
    });
    const { user } = renderApp('/settings/custom-fields');
    expect(
      await screen.findByText('Не удалось загрузить данные.', {}, { timeout: 10000 }),
    ).toBeInTheDocument();
    expect(screen.queryByText('Дополнительных полей пока нет.')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Повторить' }));
    expect(await screen.findByText('Город доставки')).toBeInTheDocument();
  }, 20_000);
});
