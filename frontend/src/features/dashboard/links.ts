import type { PeriodValue } from '../kpi/period';
import { periodDays, type DashboardFilters } from './filters';
import type { Fulfilment } from './queries';

/** Deal list filters in its URL's names (see deals/dealParams.ts); empty values are left out. */
type DealsQuery = Record<string, string | null | undefined>;

/** The deals list with these filters. */
export function dealsLink(filters: DealsQuery): string {
  const query = new URLSearchParams({ view: 'list' });
  for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
  return `/deals?${query.toString()}`;
}

/** A funnel analytics cohort as the dashboard and the analytics screens narrow it. */
export interface Cohort {
  /** The period's first and last day, inclusive. */
  from: string;
  to: string;
  departmentId: string | null;
  source: string | null;
  responsibleId?: string | null;
}

/**
 * The deals behind a funnel figure: the funnel analytics' cohort (the funnel's deals created on
 * the period's days, of the responsible, department and source asked for), narrowed further by
 * `narrow` (a status, a loss reason, a stage).
 */
export function cohortDealsLink(cohort: Cohort, funnelId: string, narrow: DealsQuery = {}): string {
  return dealsLink({
    funnel: funnelId,
    created_from: cohort.from,
    created_to: cohort.to,
    responsible: cohort.responsibleId,
    department: cohort.departmentId,
    source: cohort.source,
    ...narrow,
  });
}

/** The deals won on a plan period's days (a plan's fact in deals), narrowed by `narrow` (a
 * responsible, a department). */
export function wonDealsLink(period: PeriodValue, narrow: DealsQuery = {}): string {
  const { from, to } = periodDays(period);
  return dealsLink({ status: 'won', closed_from: from, closed_to: to, ...narrow });
}

/** The payments list with these filters (see billing/PaymentsPage.tsx); empty values are left
 * out. */
export function paymentsLink(filters: Record<string, string | null | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
  const search = query.toString();
  return search ? `/payments?${search}` : '/payments';
}

/** What a plan's turnover counts, as the fulfilment answer says. */
export type TurnoverBasis = Pick<Fulfilment, 'basis' | 'currency'>;

/**
 * The list behind a turnover fact of the period for one person or department: the payments
 * received on its days in the organisation's currency when turnover counts paid invoices, the
 * deals won on its days otherwise (or while the basis is not known yet).
 */
export function turnoverLink(
  period: PeriodValue,
  basis: TurnoverBasis | undefined,
  narrow: { responsible?: string; department?: string },
): string {
  if (basis?.basis !== 'paid_invoices') return wonDealsLink(period, narrow);
  const { from, to } = periodDays(period);
  return paymentsLink({ paid_from: from, paid_to: to, currency: basis.currency, ...narrow });
}

/** The leads a marketing row counts: the deals from `source` created in the report's whole
 * months (`firstMonth` to `lastMonth`, each a month's first day). The deals list has no
 * campaign filter, so a source's campaigns share one list. */
export function sourceLeadsLink(firstMonth: string, lastMonth: string, source: string): string {
  const { to } = periodDays({ kind: 'month', start: lastMonth });
  return dealsLink({ source, created_from: firstMonth, created_to: to });
}

/** The funnel analytics page over the dashboard's filters, in its URL's names. */
export function analyticsLink(filters: DashboardFilters): string {
  const query = new URLSearchParams({ from: filters.from, to: filters.to });
  if (filters.funnelId) query.set('funnel', filters.funnelId);
  if (filters.departmentId) query.set('department', filters.departmentId);
  if (filters.source) query.set('source', filters.source);
  return `/analytics/funnel?${query.toString()}`;
}
