import { Group, Pill } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useDepartments } from '../settings/queries';
import type { CHIP_FILTERS, DealParams } from './dealParams';
import { useLossReasons } from './queries';

type ChipParams = Pick<DealParams, (typeof CHIP_FILTERS)[number]>;

/**
 * The filters a link brought (a dashboard or analytics figure's stage reached, department,
 * loss reason and periods), which have no control of their own on the page: one removable chip
 * each, a period's two ends as one chip. `stages` are the funnel's, to name the stage.
 */
export function DealFilterChips({
  params,
  stages,
  onRemove,
}: {
  params: ChipParams;
  stages: { id: string; name: string }[];
  onRemove: (patch: Partial<ChipParams>) => void;
}) {
  const { t, i18n } = useTranslation();
  const departments = useDepartments();
  const reasons = useLossReasons();
  const days = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeZone: 'UTC' });
  const day = (value: string) => days.format(new Date(`${value}T00:00:00Z`));
  const period = (from: string | null, to: string | null) =>
    from && to
      ? t('dealFilters.between', { from: day(from), to: day(to) })
      : from
        ? t('dealFilters.since', { day: day(from) })
        : t('dealFilters.until', { day: day(to ?? '') });

  const chips: { key: string; label: string; clear: Partial<ChipParams> }[] = [];
  if (params.reachedStageId) {
    const name = stages.find((s) => s.id === params.reachedStageId)?.name ?? '…';
    chips.push({
      key: 'reached-stage',
      label: t('dealFilters.reachedStage', { name }),
      clear: { reachedStageId: null },
    });
  }
  if (params.departmentId) {
    const name = departments.data?.find((d) => d.id === params.departmentId)?.name ?? '…';
    chips.push({
      key: 'department',
      label: t('dealFilters.department', { name }),
      clear: { departmentId: null },
    });
  }
  if (params.lossReasonId) {
    const name = reasons.data?.find((r) => r.id === params.lossReasonId)?.name ?? '…';
    chips.push({
      key: 'loss-reason',
      label: t('dealFilters.lossReason', { name }),
      clear: { lossReasonId: null },
    });
  }
  if (params.createdFrom || params.createdTo) {
    chips.push({
      key: 'created',
      label: t('dealFilters.created', { period: period(params.createdFrom, params.createdTo) }),
      clear: { createdFrom: null, createdTo: null },
    });
  }
  if (params.closedFrom || params.closedTo) {
    chips.push({
      key: 'closed',
      label: t('dealFilters.closed', { period: period(params.closedFrom, params.closedTo) }),
      clear: { closedFrom: null, closedTo: null },
    });
  }
  if (chips.length === 0) return null;
  return (
    <Group gap="xs" data-testid="deal-filter-chips">
      {chips.map((chip) => (
        <Pill
          key={chip.key}
          size="md"
          withRemoveButton
          onRemove={() => onRemove(chip.clear)}
          // Mantine hides a pill's remove button (an input's pills go with Backspace); a chip
          // on its own is removed by this button, so it is reachable and named.
          removeButtonProps={{
            'aria-hidden': false,
            tabIndex: 0,
            'aria-label': t('dealFilters.remove', { filter: chip.label }),
          }}
        >
          {chip.label}
        </Pill>
      ))}
    </Group>
  );
}
