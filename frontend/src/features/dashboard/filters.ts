import { useSearchParams } from 'react-router-dom';
import { periodStart, shiftPeriod, type PeriodValue } from '../kpi/period';

export const PRESETS = ['month', 'last-month', 'quarter', 'custom'] as const;
export type Preset = (typeof PRESETS)[number];

/** What every widget of the dashboard is narrowed by, as the URL says. */
export interface DashboardFilters {
  preset: Preset;
  /** The period's first and last day, inclusive. */
  from: string;
  to: string;
  /** null: the organisation's default funnel. */
  funnelId: string | null;
  departmentId: string | null;
  source: string | null;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

const iso = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

const dayBefore = (day: string) => {
  const [y = 1970, m = 1, d = 1] = day.split('-').map(Number);
  return iso(new Date(y, m - 1, d - 1));
};

/** A preset's first and last day as of `today`. */
export function presetDays(preset: Exclude<Preset, 'custom'>, today = new Date()) {
  const kind = preset === 'quarter' ? 'quarter' : 'month';
  const current = periodStart(kind, today);
  const from = preset === 'last-month' ? shiftPeriod('month', current, -1) : current;
  return { from, to: dayBefore(shiftPeriod(kind, from, 1)) };
}

/**
 * The plan period the plan widgets show: plans are set per month or quarter, so a quarter
 * preset (or custom dates that are exactly a quarter) shows the quarter's plans, anything else
 * the month the period starts in.
 */
export function planPeriod(filters: Pick<DashboardFilters, 'from' | 'to'>): PeriodValue {
  const [y = 1970, m = 1, d = 1] = filters.from.split('-').map(Number);
  const first = new Date(y, m - 1, d);
  const quarter = periodStart('quarter', first);
  if (quarter === filters.from && dayBefore(shiftPeriod('quarter', quarter, 1)) === filters.to) {
    return { kind: 'quarter', start: quarter };
  }
  return { kind: 'month', start: periodStart('month', first) };
}

/** A plan period's first and last day, inclusive. */
export function periodDays(period: PeriodValue): { from: string; to: string } {
  return { from: period.start, to: dayBefore(shiftPeriod(period.kind, period.start, 1)) };
}

// The URL's names, short as people would type them; the defaults are left out of the URL.
const NAMES = {
  preset: 'period',
  from: 'from',
  to: 'to',
  funnelId: 'funnel',
  departmentId: 'department',
  source: 'source',
} as const;

export function parseDashboardFilters(search: URLSearchParams, today = new Date()) {
  const get = (key: keyof typeof NAMES) => search.get(NAMES[key])?.trim() || null;
  const asked = get('preset');
  let preset: Preset = PRESETS.find((p) => p === asked) ?? 'month';
  let days = preset === 'custom' ? null : presetDays(preset, today);
  if (preset === 'custom') {
    const from = get('from') ?? '';
    const to = get('to') ?? '';
    if (DAY.test(from) && DAY.test(to)) days = { from, to };
    else {
      // Custom without both days is this month until both are picked.
      preset = 'month';
      days = presetDays('month', today);
    }
  }
  return {
    preset,
    from: days?.from ?? '',
    to: days?.to ?? '',
    funnelId: get('funnelId'),
    departmentId: get('departmentId'),
    source: get('source'),
  } satisfies DashboardFilters;
}

export type FilterPatch = Partial<Record<keyof typeof NAMES, string | null>>;

/** The dashboard's filters in the URL's search params, and a setter that changes some. */
export function useDashboardFilters() {
  const [search, setSearch] = useSearchParams();
  const filters = parseDashboardFilters(search);
  const update = (patch: FilterPatch) =>
    setSearch(
      (previous) => {
        const next = new URLSearchParams(previous);
        for (const [key, value] of Object.entries(patch) as [keyof typeof NAMES, string | null][]) {
          if (value) next.set(NAMES[key], value);
          else next.delete(NAMES[key]);
        }
        if (next.get(NAMES.preset) !== 'custom') {
          next.delete(NAMES.from);
          next.delete(NAMES.to);
        }
        if (next.get(NAMES.preset) === 'month') next.delete(NAMES.preset);
        return next;
      },
      { replace: true },
    );
  return [filters, update] as const;
}
