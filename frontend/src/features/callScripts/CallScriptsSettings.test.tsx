import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { coldCall } from './fixtures';
import type { CallScriptWrite } from './queries';

/** A Mantine Select's input among the elements its label names (its listbox too). */
const selectInput = (labelled: HTMLElement[]) =>
  labelled.find((element) => element.tagName === 'INPUT')!;

const STAGE = '00000000-0000-4000-8000-0000000005a1';

const funnel = {
  id: 'f-1',
  name: 'Продажи',
  template: 'sales',
  is_default: true,
  position: 0,
  warnings: [],
  version: 1,
  stages: [{ id: STAGE, funnel_id: 'f-1', name: 'Первичный контакт' }],
};

function routes() {
  return {
    'GET /api/v1/users/me': () =>
      json(200, { ...adminUser, permissions: [...adminUser.permissions, 'scripts:manage'] }),
    'GET /api/v1/call-scripts': () => json(200, { items: [coldCall], next_cursor: null }),
    'GET /api/v1/funnels': () => json(200, [funnel]),
    'GET /api/v1/call-lists': () => json(200, { items: [], next_cursor: null }),
  };
}

describe('CallScriptsSettings', () => {
  it('edits a script: a refusal lands on the answer it names, the save sends If-Match', async () => {
    setTokens({ access: 'access-1' });
    let puts = 0;
    const api = mockApi({
      ...routes(),
      'PUT /api/v1/call-scripts/cs-1': () => {
        puts += 1;
        if (puts === 1) {
          return problem(422, 'Invalid input', [
            {
              loc: ['body', 'steps', 2, 'answers', 0, 'text'],
              msg: 'must not be blank',
              code: 'blank',
            },
          ]);
        }
        return json(200, { ...coldCall, version: 3 });
      },
    });
    const { user } = renderApp('/settings/call-scripts');

    const row = await screen.findByTestId('call-script', {}, { timeout: 5000 });
    expect(within(row).getByText('Холодный звонок')).toBeInTheDocument();
    await user.click(within(row).getByRole('button', { name: 'Изменить' }));
    const drawer = within(await screen.findByRole('dialog'));
    const steps = drawer.getAllByTestId('script-step');
    expect(steps).toHaveLength(3);
    const lastAnswer = within(steps[2]!).getByRole('textbox', { name: 'Ответ клиента' });
    await user.clear(lastAnswer);
    await user.click(drawer.getByRole('button', { name: 'Сохранить' }));
    await waitFor(() => expect(lastAnswer).toHaveAttribute('aria-invalid', 'true'));

    await user.type(lastAnswer, 'Нет, спасибо');
    await user.click(drawer.getByRole('button', { name: 'Сохранить' }));
    await waitFor(() => expect(puts).toBe(2));
    const put = api.callsTo('PUT', '/api/v1/call-scripts/cs-1')[1]!;
    expect(put.headers.get('If-Match')).toBe('"v2"');
    const body = JSON.parse(put.body) as CallScriptWrite;
    expect(body.steps[2]?.answers[0]).toEqual({
      id: 'no',
      kind: 'answer',
      text: 'Нет, спасибо',
      next_step_id: null,
      outcome: 'not_interested',
    });
    expect(body.steps[1]?.answers[1]?.next_step_id).toBe('price');
  });

  it('adds a step and an answer leading to it', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      ...routes(),
      'POST /api/v1/call-scripts': () => json(201, coldCall),
    });
    const { user } = renderApp('/settings/call-scripts');

    await user.click(
      await screen.findByRole('button', { name: 'Новый скрипт' }, { timeout: 5000 }),
    );
    const drawer = within(await screen.findByRole('dialog'));
    await user.type(drawer.getByRole('textbox', { name: /Название/ }), 'Скрипт');
    await user.type(drawer.getByRole('textbox', { name: 'Вопрос клиенту' }), 'Интересно?');
    await user.type(drawer.getByRole('textbox', { name: 'Ответ клиента' }), 'Расскажите');
    await user.click(drawer.getByRole('button', { name: 'Добавить шаг' }));
    const second = within(drawer.getAllByTestId('script-step')[1]!);
    await user.type(second.getByRole('textbox', { name: 'Вопрос клиенту' }), 'Когда удобно?');
    await user.type(second.getByRole('textbox', { name: 'Ответ клиента' }), 'Завтра');
    // The first answer now leads to the second step.
    const first = within(drawer.getAllByTestId('script-step')[0]!);
    await user.click(selectInput(first.getAllByLabelText('Дальше')));
    await user.click(await screen.findByRole('option', { name: '2. Когда удобно?' }));
    await user.click(drawer.getByRole('button', { name: 'Сохранить' }));

    await waitFor(() => expect(api.callsTo('POST', '/api/v1/call-scripts')).toHaveLength(1));
    expect(JSON.parse(api.callsTo('POST', '/api/v1/call-scripts')[0]!.body)).toEqual({
      name: 'Скрипт',
      is_active: true,
      start_step_id: 's1',
      steps: [
        {
          id: 's1',
          kind: 'question',
          text: 'Интересно?',
          answers: [
            { id: 'a1', kind: 'answer', text: 'Расскажите', next_step_id: 's2', outcome: null },
          ],
        },
        {
          id: 's2',
          kind: 'question',
          text: 'Когда удобно?',
          answers: [{ id: 'a1', kind: 'answer', text: 'Завтра', outcome: 'interested' }],
        },
      ],
    });
  });
});
