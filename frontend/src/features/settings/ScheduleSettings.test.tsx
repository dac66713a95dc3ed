import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { seller } from './fixtures';
import type { Absence } from './queries';

const absence = (id: string, startsOn: string): Absence => ({
  id,
  user_id: seller.id,
  kind: 'vacation',
  starts_on: startsOn,
  ends_on: startsOn,
  substitute_id: adminUser.id,
  comment: null,
  created_by: adminUser.id,
  version: 1,
});

describe('ScheduleSettings', () => {
  it('pages through absences and records one with a substitute, never the person themselves', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/users': () => json(200, { items: [adminUser, seller], next_cursor: null }),
      'GET /api/v1/absences': (request) =>
        new URL(request.url).searchParams.get('cursor') === 'page-2'
          ? json(200, { items: [absence('ab-2', '2026-12-20')], next_cursor: null })
          : json(200, { items: [absence('ab-1', '2026-12-10')], next_cursor: 'page-2' }),
      'POST /api/v1/absences': () => json(201, absence('ab-3', '2027-01-05')),
    });
    const { user } = renderApp('/settings/schedules');

    await waitFor(() => expect(screen.getAllByTestId('settings-absence')).toHaveLength(1), {
      timeout: 5000,
    });
    expect(screen.getByTestId('settings-absence')).toHaveTextContent('Анна Админова');
    await user.click(screen.getByRole('button', { name: 'Показать ещё' }));
    await waitFor(() => expect(screen.getAllByTestId('settings-absence')).toHaveLength(2));
    expect(screen.queryByRole('button', { name: 'Показать ещё' })).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Добавить отсутствие' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('combobox', { name: /^Сотрудник/ }));
    await user.click(await screen.findByRole('option', { name: 'Алексей Сидоров' }));
    await user.click(within(dialog).getByRole('combobox', { name: /^Заместитель/ }));
    await user.click(await screen.findByRole('option', { name: 'Алексей Сидоров' }));
    expect(
      await within(dialog).findByText('Сотрудник не может замещать сам себя'),
    ).toBeInTheDocument();
    await user.click(within(dialog).getByRole('combobox', { name: /^Заместитель/ }));
    await user.click(await screen.findByRole('option', { name: 'Анна Админова' }));
    fireEvent.change(within(dialog).getByLabelText(/^С[\s*]*$/), {
      target: { value: '2027-01-05' },
    });
    fireEvent.change(within(dialog).getByLabelText(/^По \(включительно\)/), {
      target: { value: '2027-01-04' },
    });
    expect(
      await within(dialog).findByText('Дата окончания не раньше даты начала'),
    ).toBeInTheDocument();
    fireEvent.change(within(dialog).getByLabelText(/^По \(включительно\)/), {
      target: { value: '2027-01-09' },
    });
    await user.click(within(dialog).getByRole('button', { name: 'Сохранить' }));

    await waitFor(() => expect(api.callsTo('POST', '/api/v1/absences')).toHaveLength(1));
    expect(JSON.parse(api.callsTo('POST', '/api/v1/absences')[0]!.body)).toEqual({
      user_id: seller.id,
      kind: 'vacation',
      starts_on: '2027-01-05',
      ends_on: '2027-01-09',
      substitute_id: adminUser.id,
      comment: null,
    });
  }, 40_000);
});
