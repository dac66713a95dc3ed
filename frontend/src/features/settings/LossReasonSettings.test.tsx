import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import type { LossReason } from './queries';

const reason: LossReason = {
  id: 'reason-1',
  name: 'Дорого',
  is_active: true,
  position: 0,
  version: 1,
};

describe('LossReasonSettings', () => {
  it('says what is wrong with the name while it is typed', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/loss-reasons': () => json(200, [reason]),
    });
    const { user } = renderApp('/settings/loss-reasons');

    const name = await screen.findByRole('textbox', { name: 'Причина' }, { timeout: 5000 });
    await user.click(name);
    await user.paste('я'.repeat(201));
    expect(name).toHaveAccessibleDescription('Не длиннее 200 символов');
    await user.clear(name);
    expect(name).toHaveAccessibleDescription('Обязательное поле');
    expect(api.callsTo('POST', '/api/v1/loss-reasons')).toHaveLength(0);
  });

  it('puts the server’s field error on the name, in the reader’s language', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/loss-reasons': () => json(200, [reason]),
      'POST /api/v1/loss-reasons': () =>
        problem(422, 'Invalid input', [
          {
            loc: ['body', 'name'],
            msg: 'must not contain control characters',
            code: 'control_characters',
          },
        ]),
    });
    const { user } = renderApp('/settings/loss-reasons');

    const name = await screen.findByRole('textbox', { name: 'Причина' }, { timeout: 5000 });
    await user.type(name, 'Нет бюджета');
    await user.click(screen.getByRole('button', { name: 'Добавить' }));
    await waitFor(() => expect(name).toHaveAccessibleDescription('Уберите управляющие символы'));
    expect(screen.queryByText('must not contain control characters')).not.toBeInTheDocument();
  });

  it('says an emptied name is required when renaming, and puts a refused name on the box', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/loss-reasons': () => json(200, [reason]),
      'PATCH /api/v1/loss-reasons/reason-1': () =>
        problem(422, 'Invalid input', [
          {
            loc: ['body', 'name'],
            msg: 'must not contain control characters',
            code: 'control_characters',
          },
        ]),
    });
    const { user } = renderApp('/settings/loss-reasons');

    const row = await screen.findByTestId('settings-loss-reason', {}, { timeout: 5000 });
    await user.click(within(row).getByRole('button', { name: 'Переименовать' }));
    const box = within(row).getByRole('textbox', { name: 'Причина' });
    expect(box).toHaveValue('Дорого');
    await user.clear(box);
    expect(box).toHaveAccessibleDescription('Обязательное поле');
    // Saving an empty name says why nothing is sent, rather than silently doing nothing.
    await user.click(within(row).getByRole('button', { name: 'Сохранить' }));
    expect(box).toHaveAccessibleDescription('Обязательное поле');
    expect(api.callsTo('PATCH', '/api/v1/loss-reasons/reason-1')).toHaveLength(0);

    await user.type(box, 'Слишком дорого');
    expect(box).not.toHaveAttribute('aria-invalid', 'true');
    await user.type(box, '{Enter}');
    await waitFor(() => expect(box).toHaveAccessibleDescription('Уберите управляющие символы'));
    expect(api.callsTo('PATCH', '/api/v1/loss-reasons/reason-1')).toHaveLength(1);
  });
});
