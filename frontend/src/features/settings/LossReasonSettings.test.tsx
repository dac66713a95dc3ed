import { screen, waitFor } from '@testing-library/react';
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
});
