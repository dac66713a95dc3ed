import { Tooltip } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** A figure as it is: plain when exact, "≈" before it and a tooltip saying so when estimated
 * (``label``: why it is an estimate; by default, a total being recounted). */
export function Estimated({
  exact,
  label,
  children,
}: {
  exact: boolean;
  label?: ReactNode;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  if (exact) return <>{children}</>;
  return (
    <Tooltip label={label ?? t('dealTotals.estimate')} withinPortal>
      <span data-estimate="true">≈&nbsp;{children}</span>
    </Tooltip>
  );
}
