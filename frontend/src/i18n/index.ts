import i18next, { type BackendModule, type ResourceKey } from 'i18next';
import { initReactI18next } from 'react-i18next';
import ruBoot from './locales/ru.json?boot';

export const LANGUAGES = ['ru', 'uk', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'ru';

type Texts = { default: ResourceKey };

// The sign-in page's texts (`?boot`, picked in vite.config.ts) are all it downloads: Russian's
// ride in the first download, another language's are a small chunk. A language's other texts
// come with the shell once signed in (`loadAllTexts`), so the sign-in page stays small
// (scripts/bundle-size.mjs holds its first download to a budget).
const BOOT: Record<Exclude<Language, 'ru'>, () => Promise<Texts>> = {
  uk: () => import('./locales/uk.json?boot'),
  en: () => import('./locales/en.json?boot'),
};
const ALL: Record<Language, () => Promise<Texts>> = {
  ru: () => import('./locales/ru.json'),
  uk: () => import('./locales/uk.json'),
  en: () => import('./locales/en.json'),
};

/** Set once the shell asked for every text: from then on a language is loaded whole. */
let allTexts = false;

const lazyLocales: BackendModule = {
  type: 'backend',
  init: () => undefined,
  read(language, _namespace, callback) {
    if (!isLanguage(language)) {
      callback(null, {});
      return;
    }
    const load = allTexts || language === DEFAULT_LANGUAGE ? ALL[language] : BOOT[language];
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

// Russian's sign-in texts are bundled, so a Russian page renders at once; main.tsx waits for
// `i18nReady` so that a page in another language does not first flash in Russian.
export const i18nReady = i18n
  .use(lazyLocales)
  .use(initReactI18next)
  .init({
    resources: { ru: { translation: ruBoot } },
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

let allTextsLoaded: Promise<void> | undefined;

/**
 * Every text of the reader's language, for the screens behind the sign-in page: the shell waits
 * for it before it draws. A language held with only its sign-in texts (Russian as the fallback,
 * one tried on the sign-in page) is loaded whole too, so that switching to it later finds it.
 */
export function loadAllTexts(): Promise<void> {
  if (!allTextsLoaded) {
    allTexts = true;
    const current = currentLanguage();
    const held = LANGUAGES.filter(
      (language) => language === current || i18n.hasResourceBundle(language, 'translation'),
    );
    allTextsLoaded = i18n.reloadResources(held);
  }
  return allTextsLoaded;
}
