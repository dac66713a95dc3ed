import { NativeSelect, type NativeSelectProps } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, isLanguage, type Language } from '.';

interface LanguageSwitcherProps extends Omit<NativeSelectProps, 'data' | 'value' | 'onChange'> {
  /** Called after the UI language changed, e.g. to store it in the user's profile. */
  onLanguageChange?: (language: Language) => void;
}

export function LanguageSwitcher({ onLanguageChange, ...props }: LanguageSwitcherProps) {
  const { t, i18n } = useTranslation();
  return (
    <NativeSelect
      aria-label={t('language.label')}
      {...props}
      value={i18n.resolvedLanguage}
      data={LANGUAGES.map((language) => ({ value: language, label: t(`language.${language}`) }))}
      onChange={(event) => {
        const language = event.currentTarget.value;
        if (!isLanguage(language)) return;
        void i18n.changeLanguage(language);
        onLanguageChange?.(language);
      }}
    />
  );
}
