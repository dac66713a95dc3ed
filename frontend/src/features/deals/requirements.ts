import { useSyncExternalStore } from 'react';
import type { Problem } from '../../api/problem';
import type { Deal } from './queries';

/** One entry requirement of a stage that a deal lacks. */
export interface Requirement {
  kind: 'documents' | 'fields';
  name: string;
}

/**
 * The requirements a refused stage move names: each `errors[].loc` of its 422 is
 * `['body', 'documents', <code>]` or `['body', 'fields', <field or custom:key>]`.
 */
export function requirementsOf(problem: Problem | null): Requirement[] {
  return (problem?.errors ?? []).flatMap(({ loc }) => {
    const path = loc.map(String);
    const [kind, name] = path[0] === 'body' ? path.slice(1) : path;
    return (kind === 'documents' || kind === 'fields') && name ? [{ kind, name }] : [];
  });
}

/** A move waiting for its stage's documents or fields. */
export interface PendingMove {
  deal: Deal;
  stageId: string;
  missing: Requirement[];
}

// One dialog for the whole app: the board's drop handler asks, the board or the page shows it.
let pending: PendingMove | null = null;
const listeners = new Set<() => void>();

export function askForRequirements(move: PendingMove | null): void {
  pending = move;
  for (const listener of listeners) listener();
}

export function usePendingMove(): PendingMove | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => pending,
  );
}
