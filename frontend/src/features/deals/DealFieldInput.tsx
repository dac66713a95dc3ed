import { Select, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useClient } from '../clients/queries';
import type { EditableName } from './dealFields';
import type { CustomField } from './dealQueries';
import type { Deal } from './queries';

/** The input for one field, as text. */
export function FieldInput({
  name,
  deal,
  value,
  onChange,
  definition,
  error,
  label,
  autoFocus,
}: {
  name: EditableName;
  deal: Deal;
  value: string;
  onChange: (value: string) => void;
  definition?: CustomField;
  error?: string | null;
  label: string;
  autoFocus?: boolean;
}) {
  const { t } = useTranslation();
  if (name === 'contact_id') return <ContactInput {...{ deal, value, onChange, error, label }} />;
  if (definition?.type === 'enum') {
    return (
      <Select
        label={label}
        data={definition.options}
        value={value || null}
        onChange={(next) => onChange(next ?? '')}
        clearable
        error={error}
        autoFocus={autoFocus}
      />
    );
  }
  const isDate = name === 'expected_close_date' || definition?.type === 'date';
  const isAmount =
    name === 'amount' ||
    name === 'expected_margin' ||
    definition?.type === 'money' ||
    definition?.type === 'number';
  return (
    <TextInput
      label={label}
      type={isDate ? 'date' : 'text'}
      inputMode={isAmount ? 'decimal' : undefined}
      rightSection={
        name === 'amount' || name === 'expected_margin' || definition?.type === 'money'
          ? deal.currency
          : undefined
      }
      rightSectionWidth={48}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      error={error}
      autoFocus={autoFocus}
      placeholder={isAmount ? t('dealPage.amountPlaceholder') : undefined}
    />
  );
}

function ContactInput({
  deal,
  value,
  onChange,
  error,
  label,
}: {
  deal: Deal;
  value: string;
  onChange: (value: string) => void;
  error?: string | null;
  label: string;
}) {
  const { t } = useTranslation();
  const client = useClient(deal.client_id);
  const contacts = client.data?.contacts ?? [];
  return (
    <Select
      label={label}
      data={contacts.map((contact) => ({
        value: contact.id,
        label: contact.position ? `${contact.full_name} (${contact.position})` : contact.full_name,
      }))}
      value={value || null}
      onChange={(next) => onChange(next ?? '')}
      clearable
      error={error}
      nothingFoundMessage={t('dealPage.noContacts')}
      placeholder={contacts.length === 0 ? t('dealPage.noContacts') : undefined}
    />
  );
}
