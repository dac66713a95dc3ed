import { ActionIcon, Group, SegmentedControl, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import {
  currentPeriod,
  PERIOD_KINDS,
  periodLabel,
  shiftPeriod,
  type PeriodKind,
  type PeriodValue,
} from './period';

/** The period's kind and, with the arrows, which one of them. */
export function PeriodPicker({
  value,
  onChange,
}: {
  value: PeriodValue;
  onChange: (value: PeriodValue) => void;
}) {
  const { t, i18n } = useTranslation();
  return (
    <Group gap="sm" wrap="wrap">
      <SegmentedControl<PeriodKind>
        aria-label={t('kpi.periodKind')}
        value={value.kind}
        onChange={(kind) => onChange(currentPeriod(kind))}
        data={PERIOD_KINDS.map((kind) => ({ value: kind, label: t(`kpi.period.${kind}`) }))}
      />
      <Group gap={4} wrap="nowrap">
        <ActionIcon
          variant="subtle"
          aria-label={t('kpi.previous')}
          onClick={() => onChange({ ...value, start: shiftPeriod(value.kind, value.start, -1) })}
        >
          ‹
        </ActionIcon>
        <Text fw={500} miw={140} ta="center" data-testid="period-label">
          {periodLabel(value.kind, value.start, i18n.language)}
        </Text>
        <ActionIcon
          variant="subtle"
          aria-label={t('kpi.next')}
          onClick={() => onChange({ ...value, start: shiftPeriod(value.kind, value.start, 1) })}
        >
          ›
        </ActionIcon>
      </Group>
    </Group>
  );
}
