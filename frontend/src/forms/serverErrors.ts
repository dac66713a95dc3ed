import { ApiError, mapProblemToFields, type MappedProblem } from '../api/problem';

/** A Mantine form's error setter, which is all a refusal needs of it. */
interface ErrorsTarget {
  setErrors: (errors: Record<string, string>) => void;
}

export interface ServerErrorOptions {
  /** A path below a known field counts as that field (`contacts.0.phones.0.number`). */
  nested?: boolean;
  /** Request paths that a form field holds under another name: `{ expires_at: 'expires_on' }`. */
  rename?: Record<string, string>;
  /** Said instead of the server's text for an error without a code (the server's English). */
  uncoded?: string;
}

/**
 * Puts a refused save's field errors (problem+json `errors[].loc`) on the form fields they
 * name, each in the reader's language, and returns what names no field, for beside the form.
 */
export function setServerErrors(
  form: ErrorsTarget,
  error: unknown,
  fields: readonly string[],
  { nested = false, rename = {}, uncoded }: ServerErrorOptions = {},
): MappedProblem {
  if (!(error instanceof ApiError)) return { fieldErrors: {}, otherErrors: [] };
  const known = [...fields, ...Object.keys(rename)];
  const mapped = mapProblemToFields(error.problem, known, { nested });
  const bare = uncoded
    ? mapProblemToFields(
        error.problem && {
          ...error.problem,
          errors: (error.problem.errors ?? []).filter((e) => !e.code),
        },
        known,
        { nested },
      ).fieldErrors
    : {};
  const fieldErrors: Record<string, string> = {};
  for (const [path, message] of Object.entries(mapped.fieldErrors)) {
    fieldErrors[rename[path] ?? path] = uncoded && bare[path] ? uncoded : message;
  }
  form.setErrors(fieldErrors);
  return { fieldErrors, otherErrors: mapped.otherErrors };
}
