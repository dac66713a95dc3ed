import { useTranslation } from 'react-i18next';
import { PlaceholderPage } from '../shell/PlaceholderPage';

export function SettingsPage() {
  const { t } = useTranslation();
  return <PlaceholderPage title={t('nav.settings')} />;
}
