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
  /** Any of these responsibles (repeated in the URL); empty: everyone visible. */
  responsibleIds: string[];
  sources: string[];
  tags: string[];
  stale: boolean | null;
  withoutNextTask: boolean;
  stageId: string | null;
  status: DealStatus | null;
  /** Deals that entered this stage at any time (a funnel figure's "reached"). */
  reachedStageId: string | null;
  /** The responsible is in this department or one below it. */
  departmentId: string | null;
  lossReasonId: string | null;
  /** Days (YYYY-MM-DD) of the organisation's calendar, both ends inclusive; null: open. */
  createdFrom: string | null;
  createdTo: string | null;
  closedFrom: string | null;
  closedTo: string | null;
  q: string;
  sort: DealSort;
}

type Value = DealParams[keyof DealParams];

// The URL's names, short as people would type them; defaults are left out of the URL.
const NAMES: Record<keyof DealParams, string> = {
  view: 'view',
  funnelId: 'funnel',
  responsibleIds: 'responsible',
  sources: 'source',
  tags: 'tag',
  stale: 'stale',
  withoutNextTask: 'no_task',
  stageId: 'stage',
  status: 'status',
  reachedStageId: 'reached_stage',
  departmentId: 'department',
  lossReasonId: 'loss_reason',
  createdFrom: 'created_from',
  createdTo: 'created_to',
  closedFrom: 'closed_from',
  closedTo: 'closed_to',
  q: 'q',
  sort: 'sort',
};
const DEFAULTS: DealParams = {
  view: 'board',
  funnelId: null,
  responsibleIds: [],
  sources: [],
  tags: [],
  stale: null,
  withoutNextTask: false,
  stageId: null,
  status: null,
  reachedStageId: null,
  departmentId: null,
  lossReasonId: null,
  createdFrom: null,
  createdTo: null,
  closedFrom: null,
  closedTo: null,
  q: '',
  sort: DEFAULT_DEAL_SORT,
};
// A hostile or mistyped URL cannot ask for more values than the API takes.
const MAX_VALUES = 50;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function oneOf<T extends string>(values: readonly T[], value: string | null): T | null {
  return value !== null && (values as readonly string[]).includes(value) ? (value as T) : null;
}

export function parseDealParams(search: URLSearchParams): DealParams {
  const get = (key: keyof DealParams) => search.get(NAMES[key]) || null;
  const all = (key: keyof DealParams) =>
    [...new Set(search.getAll(NAMES[key]).map((value) => value.trim()))]
      .filter(Boolean)
      .slice(0, MAX_VALUES);
  const stale = get('stale');
  // A mistyped day is dropped rather than sent to be refused.
  const day = (key: keyof DealParams) => {
    const value = get(key);
    return value !== null && DAY.test(value) ? value : null;
  };
  return {
    view: oneOf(DEAL_VIEWS, get('view')) ?? DEFAULTS.view,
    funnelId: get('funnelId'),
    responsibleIds: all('responsibleIds'),
    sources: all('sources'),
    tags: all('tags'),
    stale: stale === 'true' ? true : stale === 'false' ? false : null,
    withoutNextTask: get('withoutNextTask') === 'true',
    stageId: get('stageId'),
    status: oneOf(DEAL_STATUSES, get('status')),
    reachedStageId: get('reachedStageId'),
    departmentId: get('departmentId'),
    lossReasonId: get('lossReasonId'),
    createdFrom: day('createdFrom'),
    createdTo: day('createdTo'),
    closedFrom: day('closedFrom'),
    closedTo: day('closedTo'),
    q: get('q')?.trim() ?? '',
    sort: oneOf(DEAL_SORTS, get('sort')) ?? DEFAULTS.sort,
  };
}

/**
 * The filters that arrive by a link (the dashboard's and the analytics' numbers) and have no
 * control of their own on the page: shown as chips, each removed on its own.
 */
export const CHIP_FILTERS = [
  'reachedStageId',
  'departmentId',
  'lossReasonId',
  'createdFrom',
  'createdTo',
  'closedFrom',
  'closedTo',
] as const satisfies readonly (keyof DealParams)[];

/** Whether any filter narrows the deals (the view, funnel and order do not). */
export function hasFilters(params: DealParams): boolean {
  return (
    params.responsibleIds.length > 0 ||
    params.sources.length > 0 ||
    params.tags.length > 0 ||
    params.stale !== null ||
    params.withoutNextTask ||
    params.stageId !== null ||
    params.status !== null ||
    CHIP_FILTERS.some((key) => params[key] !== null) ||
    params.q !== ''
  );
}

/** The filters a reset clears. */
export const NO_FILTERS: Partial<DealParams> = {
  responsibleIds: [],
  sources: [],
  tags: [],
  stale: null,
  withoutNextTask: false,
  stageId: null,
  status: null,
  ...Object.fromEntries(CHIP_FILTERS.map((key) => [key, null])),
  q: '',
};

/** The deal screen's state in the URL's search params, and a setter that changes some of it. */
export function useDealParams() {
  const [search, setSearch] = useSearchParams();
  const params = parseDealParams(search);
  const update = (patch: Partial<DealParams>) =>
    setSearch(
      (previous) => {
        const next = new URLSearchParams(previous);
        for (const [key, value] of Object.entries(patch) as [keyof DealParams, Value][]) {
          next.delete(NAMES[key]);
          if (Array.isArray(value)) {
            for (const item of value) next.append(NAMES[key], item);
          } else if (value !== null && value !== '' && value !== DEFAULTS[key]) {
            next.set(NAMES[key], String(value));
          }
        }
        return next;
      },
      // Switching the view is a step back can undo; a filter replaces the entry.
      { replace: !('view' in patch) },
    );
  return [params, update] as const;
}
