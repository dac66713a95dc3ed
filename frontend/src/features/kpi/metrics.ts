import type { Metric } from './queries';

export const METRICS: readonly Metric[] = [
  'turnover',
  'margin',
  'won_deals',
  'deals_in_work',
  'calls',
  'meetings',
  'qualified_leads',
];

export const MONEY_METRICS: ReadonlySet<Metric> = new Set(['turnover', 'margin']);
