import { Tabs } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router-dom';

export type AnalyticsView = 'funnel' | 'sales';

/** The switch between the analytics screens; the filters they share (period, funnel, manager,
 * department, source) go along in the URL. */
export function AnalyticsTabs({ current }: { current: AnalyticsView }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { search } = useLocation();
  return (
    <Tabs
      value={current}
      onChange={(value) => {
        if (value) void navigate(`/analytics/${value}${search}`);
      }}
    >
      <Tabs.List>
        <Tabs.Tab value="funnel">{t('analytics.tabs.funnel')}</Tabs.Tab>
        <Tabs.Tab value="sales">{t('analytics.tabs.sales')}</Tabs.Tab>
      </Tabs.List>
    </Tabs>
  );
}
