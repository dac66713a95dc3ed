import { useTranslation } from 'react-i18next';
import { PlaceholderPage } from '../shell/PlaceholderPage';

export function DashboardPage() {
  const { t } = useTranslation();
  return <PlaceholderPage title={t('nav.dashboard')} />;
}
