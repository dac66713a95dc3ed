import { Group, SegmentedControl, Select, TextInput } from '@mantine/core';
import { useDebouncedCallback, useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { seesTeam, useMe } from '../auth/queries';
import { useUserSearch } from '../deals/queries';
import { useDepartments } from '../settings/queries';
import type { ChangeFilters } from './filterParams';
import { type Preset, PRESETS, presetPeriod } from './period';
import type { FunnelAnalyticsParams } from './queries';

/** The filter bar above an analytics screen; ``funnel`` is the screen's own funnel choice. */
export function AnalyticsFilterBar({
  params,
  change,
  funnel,
}: {
  params: FunnelAnalyticsParams;
  change: ChangeFilters;
  funnel: ReactNode;
}) {
  const { t } = useTranslation();
  const me = useMe();
  // The source box shows what is typed at once; the URL follows when typing pauses.
  const [source, setSource] = useState(params.source ?? '');
  const commitSource = useDebouncedCallback(
    (value: string) => change({ source: value.trim() }),
    400,
  );
  const preset = PRESETS.find((kind) => {
    const p = presetPeriod(kind);
    return p.from === params.from && p.to === params.to;
  });
  const team = me.data ? seesTeam(me.data) : false;
  return (
    <Group align="flex-end" wrap="wrap" gap="sm">
      {funnel}
      <SegmentedControl
        aria-label={t('analytics.preset')}
        value={preset ?? ''}
        onChange={(kind) => change(presetPeriod(kind as Preset))}
        data={PRESETS.map((kind) => ({ value: kind, label: t(`analytics.presets.${kind}`) }))}
      />
      <TextInput
        type="date"
        label={t('analytics.from')}
        value={params.from}
        onChange={(event) => change({ from: event.currentTarget.value })}
        w={160}
      />
      <TextInput
        type="date"
        label={t('analytics.to')}
        value={params.to}
        onChange={(event) => change({ to: event.currentTarget.value })}
        w={160}
      />
      {team && (
        <ManagerSelect value={params.responsibleId} onChange={(id) => change({ manager: id })} />
      )}
      {team && me.data && (
        <DepartmentSelect
          admin={me.data.role_code === 'admin'}
          own={me.data.department_id}
          value={params.departmentId}
          onChange={(id) => change({ department: id })}
        />
      )}
      <TextInput
        label={t('analytics.source')}
        placeholder={t('analytics.anySource')}
        value={source}
        onChange={(event) => {
          setSource(event.currentTarget.value);
          commitSource(event.currentTarget.value);
        }}
        w={180}
      />
    </Group>
  );
}

/** One person whose deals the caller sees (a head's team, everyone for an admin). */
export function ManagerSelect({
  value,
  onChange,
}: {
  value: string | null;
  onChange: (id: string | null) => void;
}) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState('');
  const [q] = useDebouncedValue(typed.trim(), 300);
  const users = useUserSearch(q, { dealOwners: true });
  // The chosen person keeps their name when the search does not find them (a link).
  const chosen = useQuery({
    queryKey: ['users', 'detail', value] as const,
    enabled: value !== null,
    staleTime: 5 * 60_000,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/users/{user_id}', { params: { path: { user_id: value ?? '' } }, signal }),
      ),
  });
  const options = new Map((users.data ?? []).map((user) => [user.id, user.full_name]));
  if (value && !options.has(value)) options.set(value, chosen.data?.full_name ?? '…');
  return (
    <Select
      label={t('analytics.manager')}
      placeholder={t('analytics.anyManager')}
      data={[...options].map(([id, name]) => ({ value: id, label: name }))}
      value={value}
      onChange={onChange}
      searchable
      onSearchChange={setTyped}
      filter={({ options: found }) => found}
      nothingFoundMessage={t('dealList.nobody')}
      clearable
      w={220}
    />
  );
}

/** A department the caller sees whole: any for an admin, their own subtree for a head. */
export function DepartmentSelect({
  admin,
  own,
  value,
  onChange,
}: {
  admin: boolean;
  own: string | null;
  value: string | null;
  onChange: (id: string | null) => void;
}) {
  const { t } = useTranslation();
  const departments = useDepartments();
  const all = departments.data ?? [];
  const seen = new Set<string>();
  if (admin) all.forEach((d) => seen.add(d.id));
  else if (own) {
    const stack = [own];
    while (stack.length) {
      const id = stack.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      all.filter((d) => d.parent_id === id).forEach((d) => stack.push(d.id));
    }
  }
  const options = all.filter((d) => seen.has(d.id));
  if (options.length === 0) return null;
  return (
    <Select
      label={t('analytics.department')}
      placeholder={t('analytics.anyDepartment')}
      data={options.map((d) => ({ value: d.id, label: d.name }))}
      value={value}
      onChange={onChange}
      clearable
      w={200}
    />
  );
}
