// End-to-end check of the built SPA served by the backend. Uses playwright-core with the system
// Chromium (browsers cannot be downloaded here). The server must already be running.
//   E2E_BASE_URL   where the app is served (default http://127.0.0.1:8000)
//   CHROMIUM_PATH  the browser binary (default /usr/bin/chromium)
//   E2E_EMAIL / E2E_PASSWORD  the seeded administrator
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const BASE_URL = (process.env.E2E_BASE_URL || 'http://127.0.0.1:8000').replace(/\/+$/, '');
const EMAIL = process.env.E2E_EMAIL || 'admin@example.com';
const PASSWORD = process.env.E2E_PASSWORD || 'change-me-now';
const RESULTS = fileURLToPath(new URL('../test-results/', import.meta.url));
const NAV_PATHS = ['/', '/clients', '/deals', '/tasks', '/reports', '/settings'];

class Failure extends Error {}

function check(condition, message) {
  if (!condition) throw new Failure(message);
}

const tests = [
  {
    name: 'redirects to /login, signs in and shows the app shell',
    async run(page) {
      await page.goto(`${BASE_URL}/`);
      await page.waitForURL((url) => url.pathname === '/login');

      // The sign-in page opens in Russian, the default language.
      await page.getByLabel('Эл. почта').fill(EMAIL);
      await page.getByLabel('Пароль').fill(PASSWORD);
      const meResponse = page.waitForResponse(
        (response) => new URL(response.url()).pathname === '/api/v1/users/me' && response.ok(),
      );
      // Awaited below; until then a timeout must not surface as an unhandled rejection.
      meResponse.catch(() => {});
      await page.getByRole('button', { name: 'Войти' }).click();
      await page
        .waitForURL((url) => url.pathname === '/')
        .catch(async (error) => {
          const alert = await page.getByRole('alert').first().textContent({ timeout: 1_000 });
          throw alert ? new Failure(`sign-in refused: ${alert}`) : error;
        });
      const me = await (await meResponse).json();

      // The shell may switch to the user's language, so the checks below do not rely on labels.
      const nav = page.getByRole('navigation');
      await nav.waitFor();
      const hrefs = await nav
        .getByRole('link')
        .evaluateAll((links) => links.map((link) => link.getAttribute('href')));
      check(
        NAV_PATHS.every((path) => hrefs.includes(path)),
        `navigation links ${JSON.stringify(hrefs)} lack some of ${JSON.stringify(NAV_PATHS)}`,
      );
      const currentUser = page.getByTestId('current-user');
      await currentUser.getByText(me.full_name, { exact: true }).waitFor();
      await currentUser.getByText(EMAIL, { exact: true }).waitFor();

      await page.screenshot({ path: `${RESULTS}app-shell.png`, fullPage: true });

      // A section is its own chunk, loaded on first visit.
      await nav.locator('a[href="/clients"]').click();
      await page.waitForURL((url) => url.pathname === '/clients');
      await page.getByRole('heading', { level: 2 }).waitFor();
    },
  },
  {
    name: 'shows the deal board of the demo funnel and the client list',
    async run(page) {
      await signIn(page);

      // The demo seed creates the "Продажи" funnel; the board shows one column per stage.
      const funnelsResponse = page.waitForResponse(
        (response) => new URL(response.url()).pathname === '/api/v1/funnels' && response.ok(),
      );
      funnelsResponse.catch(() => {});
      await page.goto(`${BASE_URL}/deals`);
      const funnels = await (await funnelsResponse).json();
      const sales = funnels.find((funnel) => funnel.name === 'Продажи');
      check(sales, `no "Продажи" funnel among ${JSON.stringify(funnels.map((f) => f.name))}`);
      const columns = page.getByTestId('stage-column');
      await columns.first().waitFor();
      if (!sales.is_default) {
        await page.getByRole('textbox', { name: /Воронка|Funnel/ }).click();
        await page.getByRole('option', { name: 'Продажи', exact: true }).click();
      }
      const stageName = sales.stages.toSorted((a, b) => a.position - b.position)[0].name;
      await page.locator(`[data-testid="stage-column"][aria-label="${stageName}"]`).waitFor();
      await page.screenshot({ path: `${RESULTS}deal-board.png`, fullPage: true });

      await page.goto(`${BASE_URL}/clients`);
      const rows = page.locator('table tbody tr');
      await rows.first().waitFor();
      check((await rows.count()) > 0, 'the client list shows no rows');
      await page.screenshot({ path: `${RESULTS}client-list.png`, fullPage: true });
    },
  },
];

/** Signs in as the seeded administrator through the form and waits for the app shell. */
async function signIn(page) {
  await page.goto(`${BASE_URL}/login`);
  await page.getByLabel('Эл. почта').fill(EMAIL);
  await page.getByLabel('Пароль').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.waitForURL((url) => url.pathname === '/');
  await page.getByRole('navigation').waitFor();
}

async function main() {
  mkdirSync(RESULTS, { recursive: true });
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (error) {
    console.error(`e2e: could not start Chromium: ${error.message}`);
    console.log(`e2e: 0 passed, ${tests.length} failed`);
    return 1;
  }

  let passed = 0;
  let failed = 0;
  try {
    for (const test of tests) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const pageErrors = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      const started = Date.now();
      try {
        await test.run(page);
        check(pageErrors.length === 0, `uncaught errors in the page: ${pageErrors.join('; ')}`);
        passed += 1;
        console.log(`  ✓ ${test.name} (${Date.now() - started} ms)`);
      } catch (error) {
        failed += 1;
        const shot = `${RESULTS}failure-${tests.indexOf(test) + 1}.png`;
        await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
        console.log(`  ✗ ${test.name} (${Date.now() - started} ms)`);
        console.log(`    at ${page.url()}: ${error.message.split('\n').join('\n    ')}`);
        console.log(`    screenshot: ${shot}`);
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
