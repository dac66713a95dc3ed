import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../i18n';

/** The UI speaks the signed-in user's language, also after they change it in the profile. */
export function useFollowUserLanguage(language: Language | undefined): void {
  const { i18n } = useTranslation();
  useEffect(() => {
    if (language && i18n.language !== language) void i18n.changeLanguage(language);
  }, [language, i18n]);
}
