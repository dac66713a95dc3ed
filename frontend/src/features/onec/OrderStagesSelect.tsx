import { MultiSelect } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFunnels } from '../deals/queries';

// domain/onec/orders.py ORDER_STAGES_MAX
const ORDER_STAGES_MAX = 100;

/** The funnel stages whose deals go to 1C as orders, grouped by funnel. */
export function OrderStagesSelect({
  value,
  onChange,
  error,
}: {
  value: string[];
  onChange: (value: string[]) => void;
  error?: string;
}) {
  const { t } = useTranslation();
  const funnels = useFunnels();
  const data = (funnels.data ?? []).map((funnel) => ({
    group: funnel.name,
    items: funnel.stages.map((stage) => ({ value: stage.id, label: stage.name })),
  }));
  return (
    <MultiSelect
      label={t('onec.orderStages')}
      description={t('onec.orderStagesHint')}
      placeholder={value.length ? undefined : t('onec.orderStagesNone')}
      data={data}
      value={value}
      onChange={onChange}
      maxValues={ORDER_STAGES_MAX}
      searchable
      clearable
      disabled={funnels.isPending}
      error={error}
      data-testid="onec-order-stages"
    />
  );
}
