import type { TFunction } from 'i18next';
import type { ImportStatus } from './queries';

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
