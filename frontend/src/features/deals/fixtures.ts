import type { Board, Deal, Funnel } from './queries';

const FUNNEL_ID = '00000000-0000-4000-8000-00000000f001';
export const STAGE_QUALIFY = '00000000-0000-4000-8000-00000000a001';
export const STAGE_CONTRACT = '00000000-0000-4000-8000-00000000a002';

export const salesFunnel: Funnel = {
  id: FUNNEL_ID,
  name: 'Продажи',
  template: null,
  is_default: true,
  position: 0,
  stages: [
    {
      id: STAGE_CONTRACT,
      funnel_id: FUNNEL_ID,
      name: 'Договор',
      position: 1,
      probability: '60',
      expected_result: null,
      required_fields: [],
      required_documents: ['contract'],
      max_days: null,
      group: 'paperwork',
    },
    {
      id: STAGE_QUALIFY,
      funnel_id: FUNNEL_ID,
      name: 'Квалификация',
      position: 0,
      probability: '20',
      expected_result: null,
      required_fields: [],
      required_documents: [],
      max_days: 7,
      group: 'sale',
    },
  ],
  warnings: [],
  version: 1,
};

export const deal: Deal = {
  id: '00000000-0000-4000-8000-00000000d001',
  client_id: '00000000-0000-4000-8000-00000000c001',
  client_name: 'ООО Ромашка',
  contact_id: null,
  title: 'Поставка оборудования',
  amount: '150000.00',
  currency: 'RUB',
  expected_margin: null,
  products: [],
  funnel_id: FUNNEL_ID,
  stage_id: STAGE_QUALIFY,
  stage_name: 'Квалификация',
  probability: '20',
  weighted_amount: '30000.00',
  status: 'open',
  responsible_id: '00000000-0000-4000-8000-000000000001',
  responsible_name: 'Анна Админова',
  source_channel: null,
  source_campaign: null,
  utm: {},
  expected_close_date: null,
  custom_fields: {},
  stage_entered_at: '2025-01-01T10:00:00Z',
  time_in_stage_seconds: 864000,
  is_stale: true,
  close_proposed: false,
  closed_at: null,
  loss_reason_id: null,
  loss_comment: null,
  lost_tender: false,
  loss_making: false,
  public_conflict: false,
  follow_up_every_days: null,
  follow_up_next_at: null,
  warranty_ends_on: null,
  warranty_remind_days: null,
  created_by: null,
  created_at: '2025-01-01T10:00:00Z',
  updated_at: '2025-01-01T10:00:00Z',
  version: 3,
};

export const board: Board = {
  funnel: salesFunnel,
  columns: [
    {
      stage_id: STAGE_QUALIFY,
      count: 1,
      totals: [{ currency: 'RUB', count: 1, amount: '150000.00', weighted_amount: '30000.00' }],
      exact: true,
      deals: [deal],
      next_cursor: null,
    },
    { stage_id: STAGE_CONTRACT, count: 0, totals: [], exact: true, deals: [], next_cursor: null },
  ],
};
