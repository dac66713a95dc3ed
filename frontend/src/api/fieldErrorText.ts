import type { TFunction } from 'i18next';
import type { components } from './schema';

type FieldError = components['schemas']['FieldError'];

/**
 * The server's field error codes by the sentence that words them: pydantic's kinds, then the
 * domain rules' own codes (domain/shared/errors.py).
 */
const TEXT_BY_CODE: Record<string, string> = {
  missing: 'required',
  extra_forbidden: 'unknownField',
  string_too_short: 'tooShort',
  string_too_long: 'tooLong',
  bytes_too_long: 'tooLong',
  url_too_long: 'tooLong',
  string_pattern_mismatch: 'format',
  int_type: 'integer',
  int_parsing: 'integer',
  int_from_float: 'integer',
  float_type: 'number',
  float_parsing: 'number',
  decimal_type: 'number',
  decimal_parsing: 'number',
  finite_number: 'number',
  int_parsing_size: 'outOfRange',
  decimal_max_digits: 'outOfRange',
  decimal_whole_digits: 'outOfRange',
  decimal_max_places: 'tooManyDecimals',
  greater_than: 'greater',
  greater_than_equal: 'min',
  less_than: 'less',
  less_than_equal: 'max',
  bool_type: 'boolean',
  bool_parsing: 'boolean',
  date_type: 'date',
  date_parsing: 'date',
  date_from_datetime_parsing: 'date',
  date_from_datetime_inexact: 'date',
  datetime_type: 'dateTime',
  datetime_parsing: 'dateTime',
  datetime_from_date_parsing: 'dateTime',
  datetime_object_invalid: 'dateTime',
  timezone_aware: 'dateTime',
  time_type: 'time',
  time_parsing: 'time',
  url_type: 'url',
  url_parsing: 'url',
  url_scheme: 'url',
  literal_error: 'oneOf',
  enum: 'oneOf',
  too_short: 'tooFewItems',
  too_long: 'tooManyItems',
  blank: 'required',
  not_a_phone: 'phone',
  not_an_email: 'email',
  not_a_number: 'number',
  out_of_range: 'outOfRange',
  negative: 'notNegative',
  currency_code: 'currency',
  control_characters: 'controlCharacters',
  date_outside_window: 'dateWindow',
  not_found: 'notFound',
};

// The limit each sentence names, and the code's context key that holds it.
const LIMIT: Record<string, string> = {
  tooShort: 'min_length',
  tooLong: 'max_length',
  tooFewItems: 'min_length',
  tooManyItems: 'max_length',
  greater: 'gt',
  min: 'ge',
  less: 'lt',
  max: 'le',
};

/**
 * One field error in the reader's language: worded from its code and the limit it names. A
 * domain rule without a code of its own (invalid_input) has only its English text, so another
 * language gets a general sentence; an error without a code (an older server) keeps its text.
 */
export function fieldErrorText(error: FieldError, t: TFunction, language: string): string {
  const { code, ctx } = error;
  if (!code) return error.msg;
  if (code === 'invalid_input') return language === 'en' ? error.msg : t('apiField.rejected');
  const sentence = TEXT_BY_CODE[code];
  if (!sentence) return t('apiField.invalid');
  if (sentence === 'dateWindow') {
    return ctx?.min && ctx.max
      ? t('apiField.dateWindow', { min: ctx.min, max: ctx.max })
      : t('apiField.date');
  }
  const limitKey = LIMIT[sentence];
  if (!limitKey) return t(`apiField.${sentence}` as 'apiField.required');
  const limit = ctx?.[limitKey];
  return limit ? t(`apiField.${sentence}` as 'apiField.tooLong', { limit }) : t('apiField.invalid');
}
