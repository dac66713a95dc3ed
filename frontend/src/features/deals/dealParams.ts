import { useSearchParams } from 'react-router-dom';
import {
  DEAL_SORTS,
  DEAL_STATUSES,
  DEFAULT_DEAL_SORT,
  type DealSort,
  type DealStatus,
} from './queries';

export const DEAL_VIEWS = ['board', 'list'] as const;
export type DealView = (typeof DEAL_VIEWS)[number];

/** What /deals shows, as its URL says: a link or a reload opens the same view and filters. */
export interface DealParams {
  view: DealView;
  /** null: the default funnel. */
  funnelId: string | null;
  responsibleId: string | null;
  stageId: string | null;
  status: DealStatus | null;
  q: string;
  sort: DealSort;
}

// The URL's names, short as people would type them; defaults are left out of the URL.
const NAMES: Record<keyof DealParams, string> = {
  view: 'view',
  funnelId: 'funnel',
  responsibleId: 'responsible',
  stageId: 'stage',
  status: 'status',
  q: 'q',
  sort: 'sort',
};
const DEFAULTS: DealParams = {
  view: 'board',
  funnelId: null,
  responsibleId: null,
  stageId: null,
  status: null,
  q: '',
  sort: DEFAULT_DEAL_SORT,
};

function oneOf<T extends string>(values: readonly T[], value: string | null): T | null {
  return value !== null && (values as readonly string[]).includes(value) ? (value as T) : null;
}

export function parseDealParams(search: URLSearchParams): DealParams {
  const get = (key: keyof DealParams) => search.get(NAMES[key]) || null;
  return {
    view: oneOf(DEAL_VIEWS, get('view')) ?? DEFAULTS.view,
    funnelId: get('funnelId'),
    responsibleId: get('responsibleId'),
    stageId: get('stageId'),
    status: oneOf(DEAL_STATUSES, get('status')),
    q: get('q')?.trim() ?? '',
    sort: oneOf(DEAL_SORTS, get('sort')) ?? DEFAULTS.sort,
  };
}

/** The deal screen's state in the URL's search params, and a setter that changes some of it. */
export function useDealParams() {
  const [search, setSearch] = useSearchParams();
  const params = parseDealParams(search);
  const update = (patch: Partial<DealParams>) =>
    setSearch(
      (previous) => {
        const next = new URLSearchParams(previous);
        for (const [key, value] of Object.entries(patch) as [keyof DealParams, string | null][]) {
          if (value === null || value === '' || value === DEFAULTS[key]) next.delete(NAMES[key]);
          else next.set(NAMES[key], value);
        }
        return next;
      },
      // Switching the view is a step back can undo; a filter replaces the entry.
      { replace: !('view' in patch) },
    );
  return [params, update] as const;
}
