import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Estimated } from '../deals/Estimated';
import { useMedianPrecision } from './medianPrecision';

/** A median of time in stage or of the cycle: "≈" before it and a tooltip with the precision;
 * nothing added to the dash of a median there is none of. */
export function EstimatedMedian({
  value,
  children,
}: {
  value: string | number | null;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const precision = useMedianPrecision();
  return (
    <Estimated exact={value === null} label={t('analytics.medianEstimate', { precision })}>
      {children}
    </Estimated>
  );
}
