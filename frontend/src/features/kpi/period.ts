export type PeriodKind = 'week' | 'month' | 'quarter' | 'year';

export const PERIOD_KINDS: readonly PeriodKind[] = ['week', 'month', 'quarter', 'year'];

export interface PeriodValue {
  kind: PeriodKind;
  start: string;
}

const iso = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

function parse(day: string): Date {
  const [y = 1970, m = 1, d = 1] = day.split('-').map(Number);
  return new Date(y, m - 1, d);
}

/** The first day of the period of `kind` holding `day` (a Monday, the 1st of a month...). */
export function periodStart(kind: PeriodKind, day: Date): string {
  const y = day.getFullYear();
  const m = day.getMonth();
  switch (kind) {
    case 'week': {
      const monday = new Date(y, m, day.getDate() - ((day.getDay() + 6) % 7));
      return iso(monday);
    }
    case 'month':
      return iso(new Date(y, m, 1));
    case 'quarter':
      return iso(new Date(y, m - (m % 3), 1));
    case 'year':
      return iso(new Date(y, 0, 1));
  }
}

/** The start of the period `steps` periods after (before, when negative) the one at `start`. */
export function shiftPeriod(kind: PeriodKind, start: string, steps: number): string {
  const d = parse(start);
  switch (kind) {
    case 'week':
      return iso(new Date(d.getFullYear(), d.getMonth(), d.getDate() + 7 * steps));
    case 'month':
      return iso(new Date(d.getFullYear(), d.getMonth() + steps, 1));
    case 'quarter':
      return iso(new Date(d.getFullYear(), d.getMonth() + 3 * steps, 1));
    case 'year':
      return iso(new Date(d.getFullYear() + steps, 0, 1));
  }
}

/** The period as a reader names it: "декабрь 2026 г.", "II кв. 2026", "30.11 – 06.12.2026". */
export function periodLabel(kind: PeriodKind, start: string, language: string): string {
  const d = parse(start);
  switch (kind) {
    case 'week': {
      const end = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 6);
      const short = new Intl.DateTimeFormat(language, { day: '2-digit', month: '2-digit' });
      const long = new Intl.DateTimeFormat(language, {
        day: '2-digit',
        month: '2-digit',
        year: 'numeric',
      });
      return `${short.format(d)} – ${long.format(end)}`;
    }
    case 'month':
      return new Intl.DateTimeFormat(language, { month: 'long', year: 'numeric' }).format(d);
    case 'quarter':
      return `Q${Math.floor(d.getMonth() / 3) + 1} ${d.getFullYear()}`;
    case 'year':
      return String(d.getFullYear());
  }
}

/** The period of `kind` holding `today`. */
export function currentPeriod(kind: PeriodKind = 'month', today = new Date()): PeriodValue {
  return { kind, start: periodStart(kind, today) };
}
