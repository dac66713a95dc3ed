import { describe, expect, it, vi } from 'vitest';
import ru from './locales/ru.json';

// A fresh copy of the module, as a browser starts it (the test setup already loaded every text).
async function freshI18n(stored?: string) {
  vi.resetModules();
  localStorage.clear();
  if (stored) localStorage.setItem('crm.language', stored);
  const module = await import('./index');
  await module.i18nReady;
  return module;
}

describe('texts for the sign-in page and for the app', () => {
  it('starts with only the sign-in page’s Russian texts', async () => {
    const { i18n } = await freshI18n();
    const held = i18n.getResourceBundle('ru', 'translation') as Record<string, unknown>;
    expect(Object.keys(held).sort()).toEqual(
      ['apiField', 'apiProblem', 'auth', 'errors', 'language', 'notifications'].sort(),
    );
    expect(held.notifications).toEqual({ close: ru.notifications.close });
    expect(i18n.t('auth.title')).toBe(ru.auth.title);
    expect(i18n.exists('nav.clients')).toBe(false);
  });

  it('loads every text of the language once the app asks for them', async () => {
    const { i18n, loadAllTexts } = await freshI18n();
    await loadAllTexts();
    expect(i18n.t('nav.clients')).toBe(ru.nav.clients);
    expect(Object.keys(i18n.getResourceBundle('ru', 'translation') as object).length).toBe(
      Object.keys(ru).length,
    );
  });

  it('loads an English reader’s sign-in texts first, then all of English and Russian', async () => {
    const { i18n, loadAllTexts } = await freshI18n('en');
    expect(i18n.language).toBe('en');
    expect(i18n.t('auth.title')).toBe('Sign in to CRM');
    expect(i18n.getResourceBundle('en', 'translation')).not.toHaveProperty('nav');

    await loadAllTexts();
    expect(i18n.t('nav.clients')).toBe('Clients');
    // Russian, held for its sign-in texts as the fallback, is whole when the reader switches.
    await i18n.changeLanguage('ru');
    expect(i18n.t('nav.clients')).toBe(ru.nav.clients);
    // Ukrainian, never held, is fetched whole.
    await i18n.changeLanguage('uk');
    expect(i18n.t('nav.clients')).toBe('Клієнти');
  });
});
