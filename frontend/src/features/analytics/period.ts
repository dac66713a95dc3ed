import { periodStart, shiftPeriod, type PeriodKind } from '../kpi/period';

/** The analytics screens' period, kept in the URL as from/to days. */
export const DAY = /^\d{4}-\d{2}-\d{2}$/;
export type Preset = 'month' | 'quarter' | 'year';
export const PRESETS: readonly Preset[] = ['month', 'quarter', 'year'];

const iso = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/** The current period of `kind`, first to last day. */
export function presetPeriod(kind: PeriodKind): { from: string; to: string } {
  const from = periodStart(kind, new Date());
  const [y = 1970, m = 1, d = 1] = shiftPeriod(kind, from, 1).split('-').map(Number);
  return { from, to: iso(new Date(y, m - 1, d - 1)) };
}
