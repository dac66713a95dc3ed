import { useTranslation } from 'react-i18next';

/** How far a median of the funnel analytics may be from the exact one: the rollup keeps a
 * histogram of the durations, eight bins to a doubling, and reads the median back from it
 * (MEDIAN_PRECISION in domain/analytics/histogram.py). */
export const MEDIAN_PRECISION = 2 ** (1 / 16) - 1;

/** The precision in the reader's language ("4.4%", "4,4 %"). */
export function useMedianPrecision(): string {
  const { i18n } = useTranslation();
  return new Intl.NumberFormat(i18n.language, {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(MEDIAN_PRECISION);
}
