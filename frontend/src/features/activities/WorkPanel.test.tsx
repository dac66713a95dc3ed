import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import { AppProviders } from '../../AppProviders';
import { createQueryClient } from '../../api/queryClient';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { setTokens } from '../auth/authStore';
import { decodeMentions, encodeMentions, mentionQuery } from './mentions';
import type { Task } from './queries';
import { WorkPanel } from './WorkPanel';

const DEAL_ID = '00000000-0000-4000-8000-00000000d001';
const task: Task = {
  id: '00000000-0000-4000-8000-0000000000a1',
  client_id: null,
  deal_id: DEAL_ID,
  title: 'Отправить КП',
  description: null,
  assignee_id: adminUser.id,
  due_at: '2025-01-01T10:00:00Z',
  remind_at: null,
  reminded_at: null,
  priority: 'high',
  done: false,
  done_at: null,
  done_by: null,
  origin: 'manual',
  created_by: adminUser.id,
  created_at: '2024-12-30T10:00:00Z',
  updated_at: '2024-12-30T10:00:00Z',
  version: 2,
  assignment_note: null,
};

function renderPanel(routes: Parameters<typeof mockApi>[0] = {}) {
  setTokens({ access: 'access-1' });
  const api = mockApi({
    'GET /api/v1/users/me': () => json(200, adminUser),
    [`GET /api/v1/users/${adminUser.id}`]: () => json(200, adminUser),
    'GET /api/v1/users': () => json(200, { items: [adminUser], next_cursor: null }),
    'GET /api/v1/tasks': () => json(200, { items: [], next_cursor: null }),
    ...routes,
  });
  const user = userEvent.setup();
  render(
    <AppProviders queryClient={createQueryClient()} env="test">
      <MemoryRouter>
        <WorkPanel
          subject={{ dealId: DEAL_ID, clientId: '00000000-0000-4000-8000-00000000c001' }}
        />
      </MemoryRouter>
    </AppProviders>,
  );
  return { api, user };
}

describe('mentions', () => {
  it('writes chosen colleagues as the API expects and reads them back', () => {
    const body = encodeMentions('@Анна Админова, посмотри; @Анна', [
      { id: adminUser.id, name: 'Анна Админова' },
    ]);
    expect(body).toBe(`@[Анна Админова](${adminUser.id}), посмотри; @Анна`);
    expect(decodeMentions(body)).toBe('@Анна Админова, посмотри; @Анна');
    expect(mentionQuery('Привет @Ан', 10)).toEqual({ start: 7, query: 'Ан' });
    expect(mentionQuery('mail@example', 12)).toBeNull();
  });
});

describe('WorkPanel', () => {
  it('logs a call with its result, then sets the follow-up task it suggests', async () => {
    const { api, user } = renderPanel({
      'POST /api/v1/activities': () => json(201, { id: 'a' }),
      'POST /api/v1/tasks': () => json(201, { ...task, title: 'Следующий шаг: Цена' }),
    });
    await user.click(await screen.findByRole('button', { name: 'Записать' }));
    expect(await screen.findByText('Опишите результат')).toBeInTheDocument();
    expect(api.callsTo('POST', '/api/v1/activities')).toHaveLength(0);

    await user.type(screen.getByLabelText('Тема'), 'Цена');
    await user.type(screen.getByLabelText(/Результат/), 'Ждут договор');
    await user.type(screen.getByLabelText('Длительность, мин'), '7');
    await user.click(screen.getByRole('button', { name: 'Записать' }));

    await waitFor(() => expect(api.callsTo('POST', '/api/v1/activities')).toHaveLength(1));
    const sent: unknown = JSON.parse(api.callsTo('POST', '/api/v1/activities')[0]!.body);
    expect(sent).toMatchObject({
      kind: 'call',
      deal_id: DEAL_ID,
      subject: 'Цена',
      body: 'Ждут договор',
      direction: 'outbound',
      duration_seconds: 420,
    });
    expect(sent).not.toHaveProperty('client_id');

    const title = await screen.findByLabelText(/Что сделать/);
    expect(title).toHaveValue('Следующий шаг: Цена');
    await user.click(screen.getByRole('button', { name: 'Поставить задачу' }));
    await waitFor(() => expect(api.callsTo('POST', '/api/v1/tasks')).toHaveLength(1));
    const created = JSON.parse(api.callsTo('POST', '/api/v1/tasks')[0]!.body) as Record<
      string,
      unknown
    >;
    expect(created).toMatchObject({
      title: 'Следующий шаг: Цена',
      deal_id: DEAL_ID,
      priority: 'normal',
    });
    expect(typeof created.due_at).toBe('string');
  }, 40_000);

  it('creates a task with assignee, due time, reminder and priority', async () => {
    const { api, user } = renderPanel({
      'POST /api/v1/tasks': () =>
        problem(422, 'Invalid', [
          {
            loc: ['body', 'due_at'],
            msg: 'must be between 2000-01-01 and 2100-12-31',
            code: 'date_outside_window',
            ctx: { min: '2000-01-01', max: '2100-12-31' },
          },
          { loc: ['body', 'remind_at'], msg: 'out of range' },
        ]),
    });
    await user.click(await screen.findByRole('tab', { name: 'Новая задача' }));
    await user.type(screen.getByLabelText(/Что сделать/), 'Позвонить бухгалтеру');
    const due = screen.getByLabelText('Срок');
    await user.clear(due);
    await user.type(due, '2025-03-03T11:00');
    await user.type(screen.getByLabelText('Напомнить'), '2025-03-03T10:30');
    await user.click(screen.getByRole('radio', { name: 'высокий' }));
    await user.click(screen.getByRole('button', { name: 'Поставить задачу' }));

    await waitFor(() => expect(api.callsTo('POST', '/api/v1/tasks')).toHaveLength(1));
    const sent = JSON.parse(api.callsTo('POST', '/api/v1/tasks')[0]!.body) as Record<
      string,
      unknown
    >;
    expect(sent).toMatchObject({
      title: 'Позвонить бухгалтеру',
      priority: 'high',
      deal_id: DEAL_ID,
    });
    expect(sent.due_at).toBe(new Date('2025-03-03T11:00').toISOString());
    expect(sent.remind_at).toBe(new Date('2025-03-03T10:30').toISOString());
    // The server's refusal, in Russian and on the field it names: the field's own error from
    // its code, a general word for one without a code, and no sentence above the form.
    await waitFor(() =>
      expect(due).toHaveAccessibleDescription('Дата должна быть от 2000-01-01 до 2100-12-31'),
    );
    expect(screen.getByLabelText('Напомнить')).toHaveAccessibleDescription('Проверьте значение');
    expect(screen.queryByText(/Проверьте введённые данные/)).not.toBeInTheDocument();
  }, 40_000);

  it('comments with an @mention of a colleague', async () => {
    const { api, user } = renderPanel({
      'POST /api/v1/discussions': () => json(201, { id: 'c' }),
    });
    await user.click(await screen.findByRole('tab', { name: 'Комментарий' }));
    const area = screen.getByRole('textbox', { name: 'Комментарий' });
    await user.type(area, 'Посмотри договор, @Ан');
    const list = await screen.findByRole('listbox', { name: 'Коллеги' });
    await user.click(within(list).getByText('Анна Админова'));
    expect(area).toHaveValue('Посмотри договор, @Анна Админова ');
    await user.click(screen.getByRole('button', { name: 'Отправить' }));
    await waitFor(() => expect(api.callsTo('POST', '/api/v1/discussions')).toHaveLength(1));
    expect(JSON.parse(api.callsTo('POST', '/api/v1/discussions')[0]!.body)).toEqual({
      body: `Посмотри договор, @[Анна Админова](${adminUser.id})`,
      deal_id: DEAL_ID,
    });
  });

  it('completing a task asks for its result and offers the next task', async () => {
    const { api, user } = renderPanel({
      'GET /api/v1/tasks': () => json(200, { items: [task], next_cursor: null }),
      [`POST /api/v1/tasks/${task.id}/complete`]: () => json(200, { ...task, done: true }),
      'POST /api/v1/activities': () => json(201, { id: 'a' }),
      'POST /api/v1/tasks': () => json(201, task),
    });
    const open = await screen.findByTestId('open-tasks');
    await user.click(within(open).getByRole('button', { name: 'Выполнить' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Выполнить' }));
    expect(within(dialog).getByText('Опишите результат')).toBeInTheDocument();
    expect(api.callsTo('POST', `/api/v1/tasks/${task.id}/complete`)).toHaveLength(0);

    await user.type(within(dialog).getByLabelText(/Результат/), 'КП отправлено, клиент читает');
    await user.click(within(dialog).getByRole('button', { name: 'Выполнить' }));
    await waitFor(() =>
      expect(api.callsTo('POST', `/api/v1/tasks/${task.id}/complete`)).toHaveLength(1),
    );
    expect(
      api.callsTo('POST', `/api/v1/tasks/${task.id}/complete`)[0]!.headers.get('If-Match'),
    ).toBe('"v2"');
    await waitFor(() => expect(api.callsTo('POST', '/api/v1/activities')).toHaveLength(1));
    expect(JSON.parse(api.callsTo('POST', '/api/v1/activities')[0]!.body)).toMatchObject({
      kind: 'note',
      deal_id: DEAL_ID,
      subject: 'Итог задачи «Отправить КП»',
      body: 'КП отправлено, клиент читает',
    });
    expect(await within(dialog).findByText('Следующая задача')).toBeInTheDocument();
    await user.type(within(dialog).getByLabelText(/Что сделать/), 'Созвониться по КП');
    await user.click(within(dialog).getByRole('button', { name: 'Поставить задачу' }));
    await waitFor(() => expect(api.callsTo('POST', '/api/v1/tasks')).toHaveLength(1));
  }, 40_000);

  it('checks an activity as it is typed and puts a refusal on the fields it names', async () => {
    const { api, user } = renderPanel({
      'POST /api/v1/activities': () =>
        problem(422, 'Invalid input', [
          {
            loc: ['body', 'body'],
            msg: 'must not contain control characters',
            code: 'control_characters',
          },
          {
            loc: ['body', 'subject'],
            msg: 'String should have at most 300 characters',
            code: 'string_too_long',
            ctx: { max_length: '300' },
          },
        ]),
    });
    const subject = await screen.findByLabelText('Тема');
    await user.click(subject);
    await user.paste('т'.repeat(301));
    // Said while typing, before anything is sent.
    expect(subject).toHaveAccessibleDescription('Не длиннее 300 символов');
    await user.clear(subject);
    expect(subject).not.toHaveAttribute('aria-invalid', 'true');
    const result = screen.getByLabelText(/Результат/);
    await user.type(result, 'Д');
    await user.clear(result);
    expect(result).toHaveAccessibleDescription('Опишите результат');
    expect(api.callsTo('POST', '/api/v1/activities')).toHaveLength(0);

    await user.type(subject, 'Цена');
    await user.type(result, 'Ждут договор');
    await user.click(screen.getByRole('button', { name: 'Записать' }));
    await waitFor(() => expect(api.callsTo('POST', '/api/v1/activities')).toHaveLength(1));
    // The request's body is the form's result: each error on its own field, in Russian.
    await waitFor(() => expect(result).toHaveAccessibleDescription('Уберите управляющие символы'));
    expect(subject).toHaveAccessibleDescription('Не длиннее 300 символов');
    expect(screen.queryByText(/Проверьте введённые данные/)).not.toBeInTheDocument();
  }, 40_000);

  it('checks a comment as it is typed and puts a refusal of its text under it', async () => {
    const { api, user } = renderPanel({
      'POST /api/v1/discussions': () =>
        problem(422, 'Invalid input', [
          {
            loc: ['body', 'body'],
            msg: 'must not contain control characters',
            code: 'control_characters',
          },
        ]),
    });
    await user.click(await screen.findByRole('tab', { name: 'Комментарий' }));
    const area = screen.getByRole('textbox', { name: 'Комментарий' });
    await user.click(area);
    await user.paste('к'.repeat(10_001));
    expect(area).toHaveAccessibleDescription(/Не длиннее 10000 символов/);
    await user.clear(area);
    expect(area).toHaveAccessibleDescription(/Напишите комментарий/);
    await user.type(area, 'Посмотри договор');
    expect(area).not.toHaveAttribute('aria-invalid', 'true');
    expect(api.callsTo('POST', '/api/v1/discussions')).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Отправить' }));
    await waitFor(() => expect(api.callsTo('POST', '/api/v1/discussions')).toHaveLength(1));
    await waitFor(() => expect(area).toHaveAccessibleDescription(/Уберите управляющие символы/));
    expect(screen.queryByText(/Проверьте введённые данные/)).not.toBeInTheDocument();
  }, 40_000);

  it('says a reminder after the due time and an empty title while they are typed', async () => {
    const { api, user } = renderPanel();
    await user.click(await screen.findByRole('tab', { name: 'Новая задача' }));
    const title = screen.getByLabelText(/Что сделать/);
    await user.type(title, 'П');
    await user.clear(title);
    expect(title).toHaveAccessibleDescription('Напишите, что нужно сделать');
    const due = screen.getByLabelText('Срок');
    await user.clear(due);
    await user.type(due, '2025-03-03T11:00');
    const remind = screen.getByLabelText('Напомнить');
    await user.type(remind, '2025-03-03T12:00');
    expect(remind).toHaveAccessibleDescription('Напоминание должно быть не позже срока');
    await user.clear(remind);
    await user.type(remind, '2025-03-03T10:00');
    expect(remind).not.toHaveAttribute('aria-invalid', 'true');
    expect(api.callsTo('POST', '/api/v1/tasks')).toHaveLength(0);
  }, 40_000);
});
