import { MultiSelect } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQueries } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { useUserSearch } from './queries';

/**
 * The responsibles to show, chosen among the people whose deals the caller may see: a head of
 * sales gets their team, a seller themselves, an admin everyone. The server searches by name.
 */
export function TeamSelect({
  value,
  onChange,
}: {
  value: string[];
  onChange: (value: string[]) => void;
}) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const users = useUserSearch(q, { dealOwners: true });
  // The chosen people keep their names when the current search does not find them (a link).
  const chosen = useQueries({
    queries: value.map((id) => ({
      queryKey: ['users', 'detail', id] as const,
      staleTime: 5 * 60_000,
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        unwrap(api.GET('/api/v1/users/{user_id}', { params: { path: { user_id: id } }, signal })),
    })),
  });
  const options = new Map((users.data ?? []).map((user) => [user.id, user.full_name]));
  value.forEach((id, index) => {
    if (!options.has(id)) options.set(id, chosen[index]?.data?.full_name ?? '…');
  });
  return (
    <MultiSelect
      label={t('board.team')}
      placeholder={value.length ? undefined : t('dealList.anyone')}
      data={[...options].map(([id, name]) => ({ value: id, label: name }))}
      value={value}
      onChange={onChange}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options: found }) => found}
      nothingFoundMessage={
        users.isError
          ? t('errors.loadFailed')
          : users.isFetching
            ? t('dealList.searching')
            : t('dealList.nobody')
      }
      clearable
      miw={220}
      maw={360}
      data-testid="team-select"
    />
  );
}
