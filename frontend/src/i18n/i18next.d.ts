import 'i18next';
import type ru from './locales/ru.json';

// Russian is the reference locale: t() accepts only its keys, so a typo fails the type check.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof ru };
  }
}
