/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vite';

// The texts the sign-in page draws with (and the errors it may show): `locales/<lang>.json?boot`
// is that part of a language, in the first download; the whole language is fetched with the
// shell once signed in (src/i18n/index.ts, scripts/bundle-size.mjs).
const BOOT_TEXTS = ['auth', 'language', 'errors', 'apiProblem', 'apiField', 'notifications.close'];

type Texts = { [key: string]: string | Texts };

function pick(texts: Texts, paths: readonly string[]): Texts {
  const picked: Texts = {};
  for (const path of paths) {
    const [head, ...rest] = path.split('.');
    const value = texts[head];
    if (value === undefined) throw new Error(`locale boot texts: no "${path}"`);
    if (rest.length === 0 || typeof value === 'string') picked[head] = value;
    else picked[head] = { ...(picked[head] as Texts), ...pick(value, [rest.join('.')]) };
  }
  return picked;
}

function localeBootTexts(): Plugin {
  return {
    name: 'locale-boot-texts',
    enforce: 'pre',
    load(id) {
      const match = /^(.*\.json)\?boot$/.exec(id);
      if (!match) return null;
      this.addWatchFile(match[1]);
      const texts = JSON.parse(readFileSync(match[1], 'utf8')) as Texts;
      return `export default ${JSON.stringify(pick(texts, BOOT_TEXTS))};`;
    },
  };
}

// The SPA is served by FastAPI from frontend/dist at the site root, so the API is same-origin;
// in development the dev server forwards /api to the backend started with `make run`.
export default defineConfig({
  base: '/',
  plugins: [react(), localeBootTexts()],
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8000',
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rolldownOptions: {
      output: {
        // React and the router change less often than the app: their chunk stays cached across
        // deploys. Other libraries stay with the screens that use them, so the sign-in page
        // does not download every Mantine component (scripts/bundle-size.mjs checks it).
        codeSplitting: {
          groups: [
            {
              name: 'react',
              test: /node_modules[\\/](react|react-dom|react-router|react-router-dom|scheduler)[\\/]/,
            },
          ],
        },
      },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['./src/test/setup.ts'],
    restoreMocks: true,
    // Whole-app renders under jsdom on a 2-core CI machine need more than the 5 s default.
    testTimeout: 15_000,
    unstubGlobals: true,
  },
});
