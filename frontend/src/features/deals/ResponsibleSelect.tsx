import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useUserName } from '../clients/queries';
import { useUserSearch } from './queries';

/** A colleague chosen by typing part of the name: the server searches, so no one is left out. */
export function ResponsibleSelect({
  value,
  onChange,
}: {
  value: string | null;
  onChange: (value: string | null) => void;
}) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const chosenName = useUserName(value ?? undefined);
  const users = useUserSearch(q);
  const options = (users.data ?? []).map((user) => ({ value: user.id, label: user.full_name }));
  // The chosen colleague stays nameable when the current search does not find them.
  if (value && chosenName.data && !options.some((option) => option.value === value)) {
    options.unshift({ value, label: chosenName.data });
  }
  return (
    <Select
      label={t('dealList.responsible')}
      placeholder={t('dealList.anyone')}
      data={options}
      value={value}
      onChange={onChange}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      // The server already matched the name or e-mail; the list shows what it found.
      filter={({ options: found }) => found}
      nothingFoundMessage={users.isFetching ? t('dealList.searching') : t('dealList.nobody')}
      clearable
    />
  );
}
