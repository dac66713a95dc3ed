import type { TFunction } from 'i18next';
import { i18n } from '../i18n';
import { ApiError } from './problem';

const SLUGS = [
  'unauthorized',
  'not-found',
  'conflict',
  // 409s about a closed month: closing it again, closing it early, changing what falls in it.
  'period-already-closed',
  'period-not-over',
  'period-closed',
  'forbidden',
  'precondition-failed',
  'invalid-input',
  'invalid-transition',
  'content-too-large',
  'rate-limited',
  'unavailable',
  // Click-to-call: nothing to ask (no PBX line for the caller), or the PBX said no.
  'no-pbx-line',
  'pbx-refused',
] as const;
type Slug = (typeof SLUGS)[number];

const BY_STATUS: Record<number, Slug> = {
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  412: 'precondition-failed',
  413: 'content-too-large',
  422: 'invalid-input',
  429: 'rate-limited',
  502: 'pbx-refused',
  503: 'unavailable',
};

/** The kind of a problem: the last segment of its `type` URI, else the one its status implies. */
export function problemSlug(error: ApiError): Slug | null {
  const last = error.problem?.type.split('/').pop() ?? '';
  if ((SLUGS as readonly string[]).includes(last)) return last as Slug;
  return BY_STATUS[error.status] ?? null;
}

/**
 * A failed call in the reader's language: the server writes its `detail` in English, so the
 * sentence comes from the problem's type (and the fields it names), never from the server text.
 */
export function problemText(
  error: unknown,
  t: TFunction,
  label: (field: string) => string | undefined = () => undefined,
): string {
  if (!(error instanceof ApiError)) return t('errors.generic', { status: 0 });
  if (error.status === 0) return t('errors.network');
  const slug = problemSlug(error);
  if (!slug) return t('errors.generic', { status: error.status });
  const fields = (error.problem?.errors ?? [])
    .map(({ loc }) => loc.filter((part) => !['body', 'query', 'path'].includes(String(part))))
    .map((path) => path.join('.'))
    .filter(Boolean)
    .map((field) => label(field) ?? field);
  const text = t(`apiProblem.${slug}`, { period: periodLabel(error.problem?.period) });
  return fields.length > 0
    ? `${text} ${t('apiProblem.fields', { fields: [...new Set(fields)].join(', ') })}`
    : text;
}

/** The month a period-* problem names (its first day), as the reader says it: "November 2026". */
function periodLabel(period: string | null | undefined): string | undefined {
  if (!period) return undefined;
  return new Intl.DateTimeFormat(i18n.language, {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${period}T00:00:00Z`));
}
