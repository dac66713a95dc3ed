import type { TFunction } from 'i18next';
import type { components } from '../../api/schema';
import type { Change } from '../deals/dealChanges';
import type { Client, ClientUpdate } from './queries';

export type CustomField = components['schemas']['CustomFieldRead'];

/** A client field edited as text: a column of the client, or `custom:<key>`. */
export type ClientFieldName =
  | 'name'
  | 'kind'
  | 'legal_name'
  | 'inn'
  | 'kpp'
  | 'ogrn'
  | 'edrpou'
  | 'sector'
  | 'temperature'
  | 'responsible_id'
  | 'segment_tags'
  | 'source_channel'
  | 'source_campaign'
  | 'notes'
  | `custom:${string}`;

export const TEXT_FIELDS = ['legal_name', 'inn', 'kpp', 'ogrn', 'edrpou', 'sector'] as const;
const CUSTOM_PREFIX = 'custom:';
const NUMBER = /^-?\d+(?:[.,]\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DIGITS: Partial<Record<ClientFieldName, number[]>> = {
  inn: [10, 12],
  kpp: [9],
  ogrn: [13, 15],
  edrpou: [8],
};

const customKey = (name: string) => name.slice(CUSTOM_PREFIX.length);

/** The field's current value as its input shows it (tags one per line). */
export function clientValue(name: ClientFieldName, client: Client): string {
  if (name.startsWith(CUSTOM_PREFIX)) {
    const value: unknown = client.custom_fields[customKey(name)];
    if (value === null || value === undefined) return '';
    const shown: unknown = typeof value === 'object' && 'amount' in value ? value.amount : value;
    return typeof shown === 'string' || typeof shown === 'number' || typeof shown === 'boolean'
      ? String(shown)
      : '';
  }
  switch (name) {
    case 'segment_tags':
      return client.segment_tags.join('\n');
    case 'source_channel':
      return client.source.channel ?? '';
    case 'source_campaign':
      return client.source.campaign ?? '';
    default: {
      const value: unknown = (client as Record<string, unknown>)[name];
      return typeof value === 'string' ? value : '';
    }
  }
}

/** What PATCH /clients/{id} takes for this input, or the reason it cannot be sent. */
export function clientPatch(
  name: ClientFieldName,
  raw: string,
  client: Client,
  t: TFunction,
  definition?: CustomField,
): { patch: ClientUpdate } | { error: string } {
  const value = raw.trim();
  if (name.startsWith(CUSTOM_PREFIX)) {
    const key = customKey(name);
    if (!value) {
      return definition?.required
        ? { error: t('dealPage.required') }
        : { patch: { custom_fields: { [key]: null } } };
    }
    switch (definition?.type) {
      case 'number':
        return NUMBER.test(value.replace(/\s/g, ''))
          ? { patch: { custom_fields: { [key]: value.replace(/\s/g, '').replace(',', '.') } } }
          : { error: t('dealPage.notANumber') };
      case 'money': {
        const amount = value.replace(/[\s\u00a0]/g, '').replace(',', '.');
        if (!NUMBER.test(amount)) return { error: t('dealPage.notAnAmount') };
        const stored: unknown = client.custom_fields[key];
        const currency =
          stored && typeof stored === 'object' && 'currency' in stored
            ? String(stored.currency)
            : 'RUB';
        return { patch: { custom_fields: { [key]: { amount, currency } } } };
      }
      case 'date':
        return DATE.test(value)
          ? { patch: { custom_fields: { [key]: value } } }
          : { error: t('dealPage.notADate') };
      default:
        return { patch: { custom_fields: { [key]: value } } };
    }
  }
  const digits = DIGITS[name];
  if (digits && value && !(/^\d+$/.test(value) && digits.includes(value.length))) {
    return { error: t('clientPage.digits', { count: digits.join(t('clientPage.or')) }) };
  }
  switch (name) {
    case 'name':
      return value ? { patch: { name: value } } : { error: t('dealPage.required') };
    case 'responsible_id':
      return value ? { patch: { responsible_id: value } } : { error: t('dealPage.required') };
    case 'kind':
      return { patch: { kind: value as 'company' | 'person' } };
    case 'temperature':
      return { patch: { temperature: value as Client['temperature'] } };
    case 'segment_tags': {
      const tags = [
        ...new Set(
          raw
            .split('\n')
            .map((tag) => tag.trim())
            .filter(Boolean),
        ),
      ];
      return { patch: { segment_tags: tags } };
    }
    case 'source_channel':
      return { patch: { source: { channel: value || null, campaign: client.source.campaign } } };
    case 'source_campaign':
      return { patch: { source: { channel: client.source.channel, campaign: value || null } } };
    case 'notes':
      return { patch: { notes: raw.trim() ? raw : null } };
    case 'legal_name':
    case 'inn':
    case 'kpp':
    case 'ogrn':
    case 'edrpou':
    case 'sector': {
      const patch: ClientUpdate = {};
      patch[name] = value || null;
      return { patch };
    }
    default:
      return { error: t('dealPage.required') };
  }
}

/** The label of a client field (column or custom). */
export function clientFieldLabel(
  name: string,
  t: TFunction,
  definitions: CustomField[] = [],
): string {
  if (name.startsWith(CUSTOM_PREFIX)) {
    const key = customKey(name);
    return definitions.find((field) => field.key === key)?.label ?? key;
  }
  return t(`clientPage.field.${name}`, { defaultValue: name });
}

const COMPARED = [
  'name',
  'kind',
  'legal_name',
  'inn',
  'kpp',
  'ogrn',
  'edrpou',
  'sector',
  'temperature',
  'responsible_id',
  'segment_tags',
  'source_channel',
  'source_campaign',
  'notes',
] as const satisfies readonly ClientFieldName[];

/** What someone else changed between the copy the card showed and the client as it is now. */
export function clientChanges(
  stale: Client,
  fresh: Client,
  t: TFunction,
  definitions: CustomField[] = [],
): Change[] {
  const shown = (name: ClientFieldName, client: Client): string => {
    const value = clientValue(name, client);
    if (!value) return '—';
    if (name === 'responsible_id') return client.responsible_name ?? value;
    if (name === 'temperature') return t(`temperature.${value}`, { defaultValue: value });
    if (name === 'kind') return t(`clientKind.${value}`, { defaultValue: value });
    return value.replaceAll('\n', ', ');
  };
  const names: ClientFieldName[] = [
    ...COMPARED,
    ...[...new Set([...Object.keys(stale.custom_fields), ...Object.keys(fresh.custom_fields)])].map(
      (key) => `custom:${key}` as const,
    ),
  ];
  return names
    .map((name) => ({
      field: name,
      label: clientFieldLabel(name, t, definitions),
      before: shown(name, stale),
      after: shown(name, fresh),
    }))
    .filter((change) => change.before !== change.after);
}
