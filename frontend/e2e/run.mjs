// End-to-end journeys of the built SPA served by the backend. Uses playwright-core with the
// system Chromium (browsers cannot be downloaded here). The server must already be running.
//   E2E_BASE_URL   where the app is served (default http://127.0.0.1:8000)
//   CHROMIUM_PATH  the browser binary (default /usr/bin/chromium)
//   E2E_ONLY       run only the journeys whose name or file contains this text
// Each file in journeys/ exports `tests`: [{ name, run(page), viewport? }], run in file order.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

import { RESULTS, check } from './lib.mjs';

const folder = new URL('./journeys/', import.meta.url);
const tests = [];
for (const file of readdirSync(folder)
  .filter((name) => name.endsWith('.mjs'))
  .sort()) {
  const module = await import(new URL(file, folder).href);
  for (const test of module.tests) tests.push({ ...test, file });
}
const only = process.env.E2E_ONLY;
const selected = only
  ? tests.filter((test) => test.name.includes(only) || test.file.includes(only))
  : tests;

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
    console.log(`e2e: 0 passed, ${selected.length} failed`);
    return 1;
  }

  let passed = 0;
  let failed = 0;
  const failures = [];
  try {
    for (const test of selected) {
      const context = await browser.newContext({
        viewport: test.viewport ?? { width: 1280, height: 800 },
      });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const pageErrors = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      // The app must work under its Content-Security-Policy: a blocked resource is a failure.
      page.on('console', (message) => {
        if (/Content.Security.Policy/i.test(message.text())) pageErrors.push(message.text());
      });
      const started = Date.now();
      try {
        await test.run(page);
        check(pageErrors.length === 0, `uncaught errors in the page: ${pageErrors.join('; ')}`);
        passed += 1;
        console.log(`  ✓ ${test.name} (${Date.now() - started} ms)`);
      } catch (error) {
        failed += 1;
        const shot = `${RESULTS}failure-${selected.indexOf(test) + 1}.png`;
        await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
        const report = [
          `  ✗ ${test.name} (${test.file}, ${Date.now() - started} ms)`,
          `    at ${page.url()}: ${error.message.split('\n').join('\n    ')}`,
          `    screenshot: ${shot}`,
        ].join('\n');
        failures.push(report);
        console.log(report);
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  // scripts/e2e.sh prints this again after the server's log, so that the end of a CI log names
  // the failed journeys.
  writeFileSync(
    `${RESULTS}summary.txt`,
    [...failures, `e2e: ${passed} passed, ${failed} failed`, ''].join('\n'),
  );
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
