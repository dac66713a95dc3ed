import type { TFunction } from 'i18next';
import type { CustomField, DealUpdate } from './dealQueries';
import { normaliseAmount } from './money';
import type { Deal } from './queries';

/** A deal field edited as text: a column of the deal, or `custom:<key>`. */
export type EditableName =
  | 'title'
  | 'amount'
  | 'expected_margin'
  | 'expected_close_date'
  | 'contact_id'
  | 'source_channel'
  | `custom:${string}`;

export const CUSTOM_PREFIX = 'custom:';
const SIGNED_AMOUNT = /^-?\d+(?:[.,]\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const customKey = (name: string) => name.slice(CUSTOM_PREFIX.length);

/** The field's current value as its input shows it. */
export function initialValue(name: EditableName, deal: Deal): string {
  if (name.startsWith(CUSTOM_PREFIX)) {
    const value: unknown = deal.custom_fields[customKey(name)];
    if (value === null || value === undefined) return '';
    if (typeof value === 'object') {
      return 'amount' in value ? String(value.amount) : JSON.stringify(value);
    }
    return typeof value === 'string' ? value : JSON.stringify(value);
  }
  const value = deal[name as Exclude<EditableName, `custom:${string}`>];
  return value === null || value === undefined ? '' : String(value);
}

/** What PATCH /deals/{id} takes for this input, or the reason it cannot be sent. */
export function toPatch(
  name: EditableName,
  raw: string,
  deal: Deal,
  t: TFunction,
  definition?: CustomField,
): { patch: DealUpdate } | { error: string } {
  const value = raw.trim();
  if (name.startsWith(CUSTOM_PREFIX)) {
    const key = customKey(name);
    if (!value) return { patch: { custom_fields: { [key]: null } } };
    switch (definition?.type) {
      case 'number': {
        const number = normaliseAmount(value.replace(/^-/, ''));
        if (number === undefined || number === null) return { error: t('dealPage.notANumber') };
        return {
          patch: { custom_fields: { [key]: value.startsWith('-') ? `-${number}` : number } },
        };
      }
      case 'money': {
        const amount = normaliseAmount(value);
        if (!amount) return { error: t('dealPage.notAnAmount') };
        return { patch: { custom_fields: { [key]: { amount, currency: deal.currency } } } };
      }
      case 'date':
        return DATE.test(value)
          ? { patch: { custom_fields: { [key]: value } } }
          : { error: t('dealPage.notADate') };
      default:
        return { patch: { custom_fields: { [key]: value } } };
    }
  }
  switch (name) {
    case 'title':
      return value ? { patch: { title: value } } : { error: t('dealPage.required') };
    case 'amount': {
      const amount = normaliseAmount(value);
      if (amount === undefined) return { error: t('dealPage.notAnAmount') };
      return amount === null ? { error: t('dealPage.required') } : { patch: { amount } };
    }
    case 'expected_margin': {
      const compact = value.replace(/[\s\u00a0]/g, '');
      if (!compact) return { patch: { expected_margin: null } };
      return SIGNED_AMOUNT.test(compact)
        ? { patch: { expected_margin: compact.replace(',', '.') } }
        : { error: t('dealPage.notAnAmount') };
    }
    case 'expected_close_date':
      if (!value) return { patch: { expected_close_date: null } };
      return DATE.test(value)
        ? { patch: { expected_close_date: value } }
        : { error: t('dealPage.notADate') };
    case 'contact_id':
      return { patch: { contact_id: value || null } };
    case 'source_channel':
      return { patch: { source_channel: value || null } };
    default:
      return { error: t('dealPage.required') };
  }
}

/** The label of a deal field (column or custom), as the requirement dialog and the page name it. */
export function fieldLabel(name: string, t: TFunction, definitions: CustomField[] = []): string {
  if (name.startsWith(CUSTOM_PREFIX)) {
    const key = customKey(name);
    return definitions.find((field) => field.key === key)?.label ?? t('dealField.custom', { key });
  }
  if (name === 'title') return t('dealPage.field.title');
  return t(`dealField.${name}`, { defaultValue: name });
}

/** "3 д 4 ч", "5 ч 10 мин", "2 мин": how long a deal stayed somewhere. */
export function formatDuration(seconds: number, t: TFunction): string {
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return t('dealPage.durationDays', { days, hours });
  if (hours > 0) return t('dealPage.durationHours', { hours, minutes });
  return t('dealPage.durationMinutes', { minutes });
}
