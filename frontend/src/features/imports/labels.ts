import type { TFunction } from 'i18next';
import { fieldErrorText } from '../../api/fieldErrorText';
import type { ImportIssue, ImportStatus } from './queries';

/** What a column can feed, in the reader's language; a custom field by its key. */
export function fieldLabel(t: TFunction, field: string): string {
  if (field.startsWith('cf.')) return t('imports.customField', { key: field.slice(3) });
  return t(`imports.field.${field}`, { defaultValue: field });
}

export const STATUS_COLOR: Record<ImportStatus, string> = {
  uploaded: 'gray',
  checking: 'blue',
  checked: 'cyan',
  running: 'blue',
  done: 'teal',
  failed: 'red',
  cancelled: 'yellow',
};

/** The import's own reasons for a row (domain/imports/model.py IssueCode). */
const ISSUE_CODES = new Set([
  'ambiguous_user',
  'unknown_user',
  'money_without_currency',
  'unknown_id',
  'unknown_funnel',
  'unknown_stage',
  'client_kind',
  'temperature',
  'not_a_date',
  'duplicate_client',
  'duplicate_unclear',
  'duplicate_row',
  'duplicate_deal',
]);

/**
 * Why a row was flagged, in the reader's language: from the issue's code and parameters (the
 * import's own codes, else the server's field error codes); a rule without a code of its own
 * keeps its English reason, introduced in the reader's language.
 */
export function issueText(issue: ImportIssue, t: TFunction, language: string): string {
  const code = issue.code;
  if (ISSUE_CODES.has(code)) {
    return t(`imports.issueCode.${code}` as 'imports.issueCode.unknown_user', {
      ...issue.params,
      defaultValue: issue.reason,
    });
  }
  if (code === 'rejected' || code === 'invalid_input') {
    return language.startsWith('en')
      ? issue.reason
      : t('imports.issueCode.rejected', { reason: issue.reason });
  }
  return fieldErrorText({ loc: [], msg: issue.reason, code, ctx: issue.params }, t, language);
}
