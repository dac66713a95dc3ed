import { useSearchParams } from 'react-router-dom';
import { DAY, presetPeriod } from './period';
import type { FunnelAnalyticsParams } from './queries';

export type ChangeFilters = (values: Record<string, string | null>) => void;

/** The analytics screens' filters, kept in the URL: the period (this month by default), the
 * funnel, the manager, the department and the source. */
export function useAnalyticsFilters(): { params: FunnelAnalyticsParams; change: ChangeFilters } {
  const [search, setSearch] = useSearchParams();
  const month = presetPeriod('month');
  const pick = (key: string) => search.get(key) || null;
  const params: FunnelAnalyticsParams = {
    from: DAY.test(search.get('from') ?? '') ? (search.get('from') as string) : month.from,
    to: DAY.test(search.get('to') ?? '') ? (search.get('to') as string) : month.to,
    funnelId: pick('funnel'),
    responsibleId: pick('manager'),
    departmentId: pick('department'),
    source: pick('source'),
  };
  const change: ChangeFilters = (values) =>
    setSearch(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries(values)) {
          if (value) next.set(key, value);
          else next.delete(key);
        }
        return next;
      },
      { replace: true },
    );
  return { params, change };
}
