import i18next, { type BackendModule } from 'i18next';
import { initReactI18next } from 'react-i18next';
import ru from './locales/ru.json';

export const LANGUAGES = ['ru', 'uk', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'ru';

type Translation = typeof ru;

// Russian, the default and the fallback, ships with the first download; Ukrainian and English
// are chunks of their own, fetched when chosen (the sign-in page stays small:
// scripts/bundle-size.mjs holds its first download to a budget).
const LOADERS: Record<Exclude<Language, 'ru'>, () => Promise<{ default: Translation }>> = {
  uk: () => import('./locales/uk.json'),
  en: () => import('./locales/en.json'),
};

const lazyLocales: BackendModule = {
  type: 'backend',
  init: () => undefined,
  read(language, _namespace, callback) {
    const load = LOADERS[language as keyof typeof LOADERS];
    if (!load) {
      callback(null, {});
      return;
    }
    load().then(
      (module) => callback(null, module.default),
      (error: unknown) => callback(error instanceof Error ? error : String(error), false),
    );
  },
};

// Remembered so the sign-in page opens in the language the user last chose on this device.
const STORAGE_KEY = 'crm.language';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

function storedLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  return isLanguage(stored) ? stored : DEFAULT_LANGUAGE;
}

export const i18n = i18next.createInstance();

i18n.on('languageChanged', (language) => {
  localStorage.setItem(STORAGE_KEY, language);
  document.documentElement.lang = language;
});

// Russian is bundled, so a Russian page renders at once; main.tsx waits for `i18nReady` so
// that a page in another language does not first flash in Russian.
export const i18nReady = i18n
  .use(lazyLocales)
  .use(initReactI18next)
  .init({
    resources: { ru: { translation: ru } },
    partialBundledLanguages: true,
    lng: storedLanguage(),
    fallbackLng: DEFAULT_LANGUAGE,
    supportedLngs: LANGUAGES,
    interpolation: { escapeValue: false },
    initAsync: false,
  });

export function currentLanguage(): Language {
  return isLanguage(i18n.language) ? i18n.language : DEFAULT_LANGUAGE;
}
