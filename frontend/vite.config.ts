/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The SPA is served by FastAPI from frontend/dist at the site root, so the API is same-origin;
// in development the dev server forwards /api to the backend started with `make run`.
export default defineConfig({
  base: '/',
  plugins: [react()],
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
