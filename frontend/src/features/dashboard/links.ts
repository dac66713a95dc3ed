import type { DashboardFilters } from './filters';

/** The deals list with these filters, in its URL's names (see deals/dealParams.ts). */
export function dealsLink(filters: Record<string, string | null | undefined>): string {
  const query = new URLSearchParams({ view: 'list' });
  for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
  return `/deals?${query.toString()}`;
}

/** The funnel analytics page over the dashboard's filters, in its URL's names. */
export function analyticsLink(filters: DashboardFilters): string {
  const query = new URLSearchParams({ from: filters.from, to: filters.to });
  if (filters.funnelId) query.set('funnel', filters.funnelId);
  if (filters.departmentId) query.set('department', filters.departmentId);
  if (filters.source) query.set('source', filters.source);
  return `/analytics/funnel?${query.toString()}`;
}
