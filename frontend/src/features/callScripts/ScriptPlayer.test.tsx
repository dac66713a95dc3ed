import { QueryClient } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { AppProviders } from '../../AppProviders';
import { json, mockApi } from '../../test/api';
import { setTokens } from '../auth/authStore';
import { coldCall } from './fixtures';
import { ScriptPlayer } from './ScriptPlayer';

/** A Mantine Select's input among the elements its label names (its listbox too). */
const selectInput = (labelled: HTMLElement[]) =>
  labelled.find((element) => element.tagName === 'INPUT')!;

const run = (outcome: string) => ({
  id: 'run-1',
  script_id: coldCall.id,
  script_name: coldCall.name,
  script_version: 2,
  user_id: 'u-1',
  user_name: 'Алексей',
  client_id: 'c-1',
  deal_id: 'd-1',
  call_list_id: null,
  call_list_item_id: null,
  call_id: null,
  activity_id: null,
  outcome,
  path: [],
  started_at: '2026-12-03T10:00:00Z',
  finished_at: '2026-12-03T10:01:00Z',
});

function times() {
  let second = 0;
  return () => new Date(Date.UTC(2026, 11, 3, 10, 0, (second += 10)));
}

describe('ScriptPlayer', () => {
  it('walks the answers, goes back, and saves the path when an answer ends the script', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'POST /api/v1/call-script-runs': () => json(201, run('interested')),
    });
    const finished = vi.fn();
    const user = userEvent.setup();
    render(
      <AppProviders env="test" queryClient={new QueryClient()}>
        <ScriptPlayer
          script={coldCall}
          record={{ dealId: 'd-1' }}
          onFinished={finished}
          now={times()}
        />
      </AppProviders>,
    );

    expect(screen.getByText('Добрый день! Удобно говорить?')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Назад' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Да, слушаю' }));
    expect(screen.getByText('Вы закупаете упаковку?')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Дорого' }));
    expect(screen.getByText('Цена ниже рынка. Подготовить расчёт?')).toBeInTheDocument();
    // Back to the question: the objection is no longer on the path.
    await user.click(screen.getByRole('button', { name: 'Назад' }));
    await user.click(screen.getByRole('button', { name: 'Да, интересно' }));

    await waitFor(() => expect(api.callsTo('POST', '/api/v1/call-script-runs')).toHaveLength(1));
    expect(JSON.parse(api.callsTo('POST', '/api/v1/call-script-runs')[0]!.body)).toEqual({
      script_id: 'cs-1',
      deal_id: 'd-1',
      path: [
        { step_id: 'greeting', answer_id: 'ok', at: '2026-12-03T10:00:10.000Z' },
        { step_id: 'qualify', answer_id: 'yes', at: '2026-12-03T10:00:20.000Z' },
      ],
    });
    expect(
      await screen.findByText('Разговор по скрипту сохранён. Итог: Заинтересован'),
    ).toBeInTheDocument();
    expect(finished).toHaveBeenCalledWith('interested');
  });

  it('saves a call that ended mid-script with the outcome chosen', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'POST /api/v1/call-script-runs': () => json(201, run('call_back')),
    });
    const user = userEvent.setup();
    render(
      <AppProviders env="test" queryClient={new QueryClient()}>
        <ScriptPlayer script={coldCall} record={{ callListItemId: 'i-1' }} now={times()} />
      </AppProviders>,
    );
    await user.click(screen.getByRole('button', { name: 'Да, слушаю' }));
    await user.click(screen.getByRole('button', { name: 'Звонок закончился раньше' }));
    await user.click(selectInput(screen.getAllByLabelText('Чем закончился звонок')));
    await user.click(await screen.findByRole('option', { name: 'Перезвонить' }));
    await user.click(screen.getByRole('button', { name: 'Сохранить' }));

    await waitFor(() => expect(api.callsTo('POST', '/api/v1/call-script-runs')).toHaveLength(1));
    expect(JSON.parse(api.callsTo('POST', '/api/v1/call-script-runs')[0]!.body)).toEqual({
      script_id: 'cs-1',
      call_list_item_id: 'i-1',
      outcome: 'call_back',
      path: [
        { step_id: 'greeting', answer_id: 'ok', at: '2026-12-03T10:00:10.000Z' },
        { step_id: 'qualify', answer_id: null, at: '2026-12-03T10:00:20.000Z' },
      ],
    });
  });
});
