import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useUserName } from '../clients/queries';
import { useColleagues, type OwnedRecords } from './queries';

/** A colleague chosen by typing part of the name; the server searches the whole organisation,
 * or with `ownersOf` only the people whose records of that kind the caller may see (a filter). */
export function UserSelect({
  label,
  value,
  onChange,
  clearable = false,
  error,
  ownersOf,
}: {
  label: string;
  value: string | null;
  onChange: (value: string | null) => void;
  clearable?: boolean;
  error?: string | null;
  ownersOf?: OwnedRecords;
}) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const chosenName = useUserName(value ?? undefined);
  const users = useColleagues(q, ownersOf);
  const options = (users.data ?? []).map((user) => ({ value: user.id, label: user.full_name }));
  // The chosen colleague stays named when the current search does not find them.
  if (value && !options.some((option) => option.value === value)) {
    options.unshift({ value, label: chosenName.data ?? '…' });
  }
  return (
    <Select
      label={label}
      data={options}
      value={value}
      onChange={onChange}
      searchable
      onSearchChange={setSearch}
      filter={({ options: found }) => found}
      // A failed search says so (typing again asks again), never "nobody".
      nothingFoundMessage={
        users.isError
          ? t('errors.loadFailed')
          : users.isFetching
            ? t('work.searching')
            : t('work.nobody')
      }
      clearable={clearable}
      error={error}
    />
  );
}
