import { Select } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFunnels } from '../deals/queries';

/** The funnel deals made from 1C's orders open in; empty: the organisation's default one. */
export function DealFunnelSelect({
  value,
  onChange,
  error,
}: {
  value: string | null;
  onChange: (value: string | null) => void;
  error?: string;
}) {
  const { t } = useTranslation();
  const funnels = useFunnels();
  return (
    <Select
      label={t('onec.dealFunnel')}
      description={t('onec.dealFunnelHint')}
      placeholder={t('onec.dealFunnelDefault')}
      data={(funnels.data ?? []).map((funnel) => ({ value: funnel.id, label: funnel.name }))}
      value={value}
      onChange={onChange}
      clearable
      error={error}
    />
  );
}
