import type { TFunction } from 'i18next';
import { fieldLabel } from './dealFields';
import type { CustomField } from './dealQueries';
import type { Deal } from './queries';

const COMPARED = [
  'title',
  'amount',
  'currency',
  'expected_margin',
  'expected_close_date',
  'contact_id',
  'responsible_id',
  'source_channel',
  'stage_name',
  'status',
] as const;

export interface Change {
  field: string;
  label: string;
  before: string;
  after: string;
}

const show = (value: unknown): string =>
  value === null || value === undefined || value === ''
    ? '—'
    : typeof value === 'object'
      ? 'amount' in value && 'currency' in value
        ? `${String(value.amount)} ${String(value.currency)}`
        : JSON.stringify(value)
      : typeof value === 'string'
        ? value
        : JSON.stringify(value);

/** What someone else changed between the copy the page showed and the deal as it is now. */
export function dealChanges(
  stale: Deal,
  fresh: Deal,
  t: TFunction,
  definitions: CustomField[] = [],
  names: (id: string) => string | undefined = () => undefined,
): Change[] {
  const changes: Change[] = [];
  for (const field of COMPARED) {
    if (show(stale[field]) === show(fresh[field])) continue;
    const label =
      field === 'stage_name'
        ? t('dealPage.stage')
        : field === 'status'
          ? t('dealPage.status')
          : field === 'responsible_id'
            ? t('dealPage.responsible')
            : field === 'currency'
              ? t('dealPage.currency')
              : fieldLabel(field, t, definitions);
    const name = (value: string | null) =>
      field === 'responsible_id' && value ? (names(value) ?? value) : value;
    const text = (value: unknown) =>
      field === 'status' && typeof value === 'string'
        ? t(`dealPage.statusName.${value}`, { defaultValue: value })
        : show(value);
    changes.push({
      field,
      label,
      before: field === 'responsible_id' ? show(name(stale.responsible_id)) : text(stale[field]),
      after: field === 'responsible_id' ? show(name(fresh.responsible_id)) : text(fresh[field]),
    });
  }
  const productLines = (deal: Deal) =>
    deal.products.map((line) => `${line.name} × ${line.quantity} @ ${line.price}`).join('; ');
  if (productLines(stale) !== productLines(fresh)) {
    changes.push({
      field: 'products',
      label: t('dealField.products'),
      before: productLines(stale) || '—',
      after: productLines(fresh) || '—',
    });
  }
  const keys = new Set([...Object.keys(stale.custom_fields), ...Object.keys(fresh.custom_fields)]);
  for (const key of keys) {
    const before = show(stale.custom_fields[key]);
    const after = show(fresh.custom_fields[key]);
    if (before !== after) {
      changes.push({
        field: `custom:${key}`,
        label: fieldLabel(`custom:${key}`, t, definitions),
        before,
        after,
      });
    }
  }
  return changes;
}
