import { Tabs } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';

export type RetentionView = 'abc' | 'sleeping';

/** The switch between the two screens of client retention: the ABC report and sleeping clients. */
export function RetentionTabs({ current }: { current: RetentionView }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Tabs
      value={current}
      onChange={(value) => {
        if (value) void navigate(`/retention/${value}`);
      }}
    >
      <Tabs.List>
        <Tabs.Tab value="abc">{t('retention.tabs.abc')}</Tabs.Tab>
        <Tabs.Tab value="sleeping">{t('retention.tabs.sleeping')}</Tabs.Tab>
      </Tabs.List>
    </Tabs>
  );
}
