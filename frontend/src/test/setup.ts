import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach, beforeEach } from 'vitest';
import { DEFAULT_LANGUAGE, i18n, loadAllTexts } from '../i18n';

// Screens, the shell and the languages other than Russian are chunks loaded on first use; on a
// busy 2-core machine the first import of one can take longer than the default second.
configure({ asyncUtilTimeout: 4000 });

// jsdom lacks the layout APIs Mantine asks for.
Object.defineProperty(window, 'matchMedia', {
  writable: true,
  value: (query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => {},
    removeListener: () => {},
    addEventListener: () => {},
    removeEventListener: () => {},
    dispatchEvent: () => false,
  }),
});
window.ResizeObserver = class {
  observe() {}
  unobserve() {}
  disconnect() {}
};
window.HTMLElement.prototype.scrollIntoView = () => {};

// A browser resolves a relative request URL against the page; Node's Request (used under jsdom)
// refuses it. The client calls the API same-origin with relative URLs, as it does in the browser.
const NodeRequest = globalThis.Request;
globalThis.Request = class extends NodeRequest {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(typeof input === 'string' ? new URL(input, window.location.href) : input, init);
  }
};

// Screens rendered on their own (without the shell, which fetches them) need every text.
await loadAllTexts();

// The toasts' container is a lazy chunk (AppProviders); imported once here, a test's first toast
// does not wait for a cold import on a busy machine, where the toast could close (autoClose) or
// the test's wait run out before it shows.
await import('@mantine/notifications');

beforeEach(async () => {
  localStorage.clear();
  await i18n.changeLanguage(DEFAULT_LANGUAGE);
});

afterEach(() => {
  cleanup();
});

// jsdom has no FontFaceSet; Mantine's autosizing Textarea listens to document.fonts.
if (!('fonts' in document)) {
  Object.defineProperty(document, 'fonts', {
    value: {
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      ready: Promise.resolve(),
    },
  });
}
