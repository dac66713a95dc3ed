import { Group, SegmentedControl, Select, Text, TextInput } from '@mantine/core';
import { useDebouncedCallback, useMediaQuery } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from '../auth/queries';
import { useFunnels } from '../deals/queries';
import { DepartmentSelect } from '../analytics/filters';
import { PRESETS, type DashboardFilters, type FilterPatch, type Preset } from './filters';

/** The period, funnel, department and source every widget follows where its report can. */
export function DashboardFilterBar({
  filters,
  update,
  team,
}: {
  filters: DashboardFilters;
  update: (patch: FilterPatch) => void;
  /** Whether the caller sees others' work (and may narrow it to a department). */
  team: boolean;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const funnels = useFunnels();
  // Four periods side by side do not fit a phone's width: there they stand one above another.
  const narrow = useMediaQuery('(max-width: 30em)');
  return (
    <Group align="flex-end" wrap="wrap" gap="sm">
      <SegmentedControl<Preset>
        aria-label={t('dashboard.filters.period')}
        orientation={narrow ? 'vertical' : 'horizontal'}
        fullWidth={narrow}
        value={filters.preset}
        onChange={(preset) =>
          update(
            preset === 'custom'
              ? { preset, from: filters.from, to: filters.to }
              : { preset, from: null, to: null },
          )
        }
        data={PRESETS.map((value) => ({ value, label: t(`dashboard.presets.${value}`) }))}
      />
      {filters.preset === 'custom' && (
        <>
          <TextInput
            type="date"
            label={t('dashboard.filters.from')}
            value={filters.from}
            onChange={(event) => update({ preset: 'custom', from: event.currentTarget.value })}
            w={160}
          />
          <TextInput
            type="date"
            label={t('dashboard.filters.to')}
            value={filters.to}
            onChange={(event) => update({ preset: 'custom', to: event.currentTarget.value })}
            w={160}
          />
        </>
      )}
      <Select
        label={t('dashboard.filters.funnel')}
        placeholder={t('dashboard.filters.defaultFunnel')}
        data={(funnels.data ?? []).map((funnel) => ({ value: funnel.id, label: funnel.name }))}
        value={filters.funnelId}
        onChange={(funnelId) => update({ funnelId })}
        clearable
        w={220}
      />
      {team && me.data && (
        <DepartmentSelect
          admin={me.data.role_code === 'admin'}
          own={me.data.department_id}
          value={filters.departmentId}
          onChange={(departmentId) => update({ departmentId })}
        />
      )}
      <SourceInput value={filters.source} onChange={(source) => update({ source })} />
      <Text size="xs" c="dimmed" w="100%">
        {t('dashboard.filters.hint')}
      </Text>
    </Group>
  );
}

/** The box shows what is typed at once; the URL follows when typing pauses. */
function SourceInput({
  value,
  onChange,
}: {
  value: string | null;
  onChange: (source: string | null) => void;
}) {
  const { t } = useTranslation();
  const [source, setSource] = useState(value ?? '');
  const commit = useDebouncedCallback((typed: string) => onChange(typed.trim() || null), 400);
  return (
    <TextInput
      label={t('dashboard.filters.source')}
      placeholder={t('dashboard.filters.anySource')}
      value={source}
      onChange={(event) => {
        setSource(event.currentTarget.value);
        commit(event.currentTarget.value);
      }}
      w={180}
    />
  );
}
