import type { TFunction } from 'i18next';

/**
 * The rules a form checks as the user types, worded like the server's own field errors
 * (apiField.*), so a rule reads the same whether the browser or the server caught it. Each
 * returns a Mantine validator: the message, or null when the value holds.
 */
type Rule<V> = (value: V) => string | null;

/** The first rule that fails speaks; an empty optional value passes the shape rules. */
export function rules<V>(...checks: Rule<V>[]): Rule<V> {
  return (value) => {
    for (const check of checks) {
      const message = check(value);
      if (message) return message;
    }
    return null;
  };
}

export const required =
  (t: TFunction, message?: string): Rule<string | null | undefined> =>
  (value) =>
    value?.trim() ? null : (message ?? t('apiField.required'));

export const maxLength =
  (t: TFunction, limit: number): Rule<string | null | undefined> =>
  (value) =>
    (value?.trim().length ?? 0) > limit ? t('apiField.tooLong', { limit }) : null;

/** One @ between a local part and a domain, no spaces: the shape the server checks. */
export const email =
  (t: TFunction): Rule<string | null | undefined> =>
  (value) => {
    const text = value?.trim() ?? '';
    return !text || /^[^\s@]+@[^\s@]+$/.test(text) ? null : t('apiField.email');
  };

/** A number as people write it: digits with spaces, dashes, brackets, a leading +; 7–15 digits. */
export const phone =
  (t: TFunction): Rule<string | null | undefined> =>
  (value) => {
    const text = value?.trim() ?? '';
    if (!text) return null;
    const digits = text.replace(/\D/g, '').length;
    return /^\+?[\d\s\-().]+$/.test(text) && digits >= 7 && digits <= 15
      ? null
      : t('apiField.phone');
  };

/** A number typed into a text field (a comma counts as the decimal point) within bounds. */
export const numberBetween =
  (t: TFunction, min: number, max: number): Rule<string | number | null | undefined> =>
  (value) => {
    if (value === '' || value === null || value === undefined) return null;
    const number = typeof value === 'number' ? value : Number(String(value).replace(',', '.'));
    if (!Number.isFinite(number)) return t('apiField.number');
    if (number < min) return t('apiField.min', { limit: min });
    if (number > max) return t('apiField.max', { limit: max });
    return null;
  };
