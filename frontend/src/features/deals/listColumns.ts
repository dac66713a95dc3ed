import { useState } from 'react';
import { useMe } from '../auth/queries';

/** The deal list's optional columns in their order (the deal's title is always shown). */
export const LIST_COLUMNS = [
  'client',
  'amount',
  'weighted_amount',
  'stage',
  'responsible',
  'source_channel',
  'expected_close_date',
  'created_at',
  'updated_at',
] as const;
export type ListColumn = (typeof LIST_COLUMNS)[number];

export const DEFAULT_LIST_COLUMNS: ListColumn[] = [
  'client',
  'amount',
  'stage',
  'responsible',
  'expected_close_date',
  'created_at',
];

const storageKey = (userId: string) => `crm.deals.list.columns.${userId}`;

/** The columns a user chose before on this browser; the defaults when none or unreadable. */
export function readListColumns(userId: string | undefined): ListColumn[] {
  if (!userId) return DEFAULT_LIST_COLUMNS;
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(storageKey(userId)) ?? 'null');
    if (!Array.isArray(stored)) return DEFAULT_LIST_COLUMNS;
    // Only known columns, in the list's own order: a stale or edited value cannot break it.
    return LIST_COLUMNS.filter((column) => stored.includes(column));
  } catch {
    return DEFAULT_LIST_COLUMNS;
  }
}

/** The list's columns, remembered per user in localStorage (two people may share a browser). */
export function useListColumns(): [ListColumn[], (columns: ListColumn[]) => void] {
  const me = useMe();
  const userId = me.data?.id;
  const [chosen, setChosen] = useState<{ userId: string | undefined; columns: ListColumn[] }>(
    () => ({ userId, columns: readListColumns(userId) }),
  );
  // The user is known after the first render (or changes): their choice replaces the default.
  const columns = chosen.userId === userId ? chosen.columns : readListColumns(userId);
  if (chosen.userId !== userId) setChosen({ userId, columns });
  const save = (next: ListColumn[]) => {
    setChosen({ userId, columns: next });
    if (userId) localStorage.setItem(storageKey(userId), JSON.stringify(next));
  };
  return [columns, save];
}
