import type { TFunction } from 'i18next';
import { i18n } from '../i18n';
import { fieldErrorText } from './fieldErrorText';
// A cycle at run time only: problemText checks `instanceof ApiError` when called.
import { problemText } from './problemText';
import type { components } from './schema';

/** RFC 9457 problem details, the body of every error response of the API. */
export type Problem = components['schemas']['Problem'];

/** Thrown by every API call that fails; `status` is 0 when the server was not reached. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | null;

  constructor(status: number, problem: Problem | null, options?: ErrorOptions) {
    super(problem?.detail || problem?.title || `HTTP ${status}`, options);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
}

export function isProblem(value: unknown): value is Problem {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Problem).status === 'number' &&
    typeof (value as Problem).title === 'string'
  );
}

const REQUEST_PARTS = new Set(['body', 'query', 'path', 'header', 'cookie']);

export interface MappedProblem {
  /** Messages keyed by form field path (`phone`, `address.city`); several for a field are joined. */
  fieldErrors: Record<string, string>;
  /** Messages that name no field of the form: show them beside the form. */
  otherErrors: string[];
}

/**
 * Spreads a problem's `errors[]` over the fields of a form. `loc` is the path the server
 * reports (`['body', 'phone']`): the request part is dropped and the rest joined with dots.
 * With `nested`, a path below a known field counts as that field.
 */
export function mapProblemToFields(
  problem: Problem | null,
  fields: readonly string[],
  { nested = false }: { nested?: boolean } = {},
): MappedProblem {
  const fieldErrors: Record<string, string> = {};
  const otherErrors: string[] = [];
  const known = new Set(fields);
  for (const error of problem?.errors ?? []) {
    const { loc } = error;
    // In the reader's language where the server gave the error's code (and its limit).
    const msg = fieldErrorText(error, i18n.t, i18n.language);
    const path = loc.length > 1 && REQUEST_PARTS.has(String(loc[0])) ? loc.slice(1) : loc;
    let key = path.join('.');
    // `nested`: an error deeper than any field (`contacts.0.phones.0.number`) goes to the
    // closest field that holds it (`contacts.0.phones.0`).
    for (let end = path.length - 1; nested && !known.has(key) && end > 0; end -= 1) {
      const prefix = path.slice(0, end).join('.');
      if (known.has(prefix)) key = prefix;
    }
    if (known.has(key)) {
      fieldErrors[key] = fieldErrors[key] ? `${fieldErrors[key]}; ${msg}` : msg;
    } else {
      otherErrors.push(msg);
    }
  }
  return { fieldErrors, otherErrors };
}

/**
 * The sentence to show a person for a failed call, in their language: worded from the
 * problem's type (the server writes its `detail` in English), see problemText.
 */
export function errorMessage(error: unknown, t: TFunction): string {
  return problemText(error, t);
}
