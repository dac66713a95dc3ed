import type { CallScript } from './queries';

export const coldCall: CallScript = {
  id: 'cs-1',
  name: 'Холодный звонок',
  is_active: true,
  start_step_id: 'greeting',
  steps: [
    {
      id: 'greeting',
      kind: 'statement',
      text: 'Добрый день! Удобно говорить?',
      answers: [
        { id: 'ok', kind: 'answer', text: 'Да, слушаю', next_step_id: 'qualify', outcome: null },
      ],
    },
    {
      id: 'qualify',
      kind: 'question',
      text: 'Вы закупаете упаковку?',
      answers: [
        {
          id: 'yes',
          kind: 'answer',
          text: 'Да, интересно',
          next_step_id: null,
          outcome: 'interested',
        },
        {
          id: 'expensive',
          kind: 'objection',
          text: 'Дорого',
          next_step_id: 'price',
          outcome: null,
        },
      ],
    },
    {
      id: 'price',
      kind: 'question',
      text: 'Цена ниже рынка. Подготовить расчёт?',
      answers: [
        { id: 'no', kind: 'answer', text: 'Нет', next_step_id: null, outcome: 'not_interested' },
      ],
    },
  ],
  stage_ids: [],
  call_list_ids: [],
  created_at: '2026-12-01T10:00:00Z',
  updated_at: '2026-12-01T10:00:00Z',
  version: 2,
};
