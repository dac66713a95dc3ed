import { useTranslation } from 'react-i18next';
import { PlaceholderPage } from '../shell/PlaceholderPage';

export function DealsPage() {
  const { t } = useTranslation();
  return <PlaceholderPage title={t('nav.deals')} />;
}
