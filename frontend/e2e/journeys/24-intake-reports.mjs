/* global document, window */
// Issue 11, item 8: the lead intake reports. Leads posted to a website form are processed by the
// worker and counted on Reports › lead intake: by source in the table (and its chart), by the
// form they came through; a phone's width shows the page without sideways scrolling.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  BASE_URL,
  EMAIL,
  PASSWORD,
  apiHeaders,
  check,
  responseTo,
  screenshot,
  signIn,
} from '../lib.mjs';

const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

export const tests = [
  {
    name: 'intake reports: posted leads are counted by source and by form',
    run: postedLeadsAreCounted,
  },
  {
    name: 'intake reports: the page fits a phone',
    run: reportsFitAPhone,
    viewport: { width: 390, height: 844 },
  },
];

async function postLeads(page) {
  const tag = Date.now().toString(36);
  const headers = await apiHeaders(page, EMAIL, PASSWORD);
  const created = await page.request.post(`${BASE_URL}/api/v1/intake/form-settings`, {
    headers,
    data: { name: `Отчёт ${tag}`, rate_limit_per_minute: null },
  });
  check(created.status() === 201, `form not created: ${created.status()}`);
  const form = await created.json();
  const sources = [`e2e-${tag}-a`, `e2e-${tag}-a`, `e2e-${tag}-a`, `e2e-${tag}-b`];
  for (const [index, source] of sources.entries()) {
    const posted = await page.request.post(`${BASE_URL}${form.post_path}`, {
      form: {
        name: `Отчёт ${tag} ${index}`,
        phone: `+7 916 7${String(Date.now()).slice(-4)}${String(index).padStart(2, '0')}`,
        utm_source: source,
        utm_campaign: `camp-${tag}`,
      },
    });
    check(posted.status() === 200, `a form post was answered ${posted.status()}`);
  }
  // The worker reads them within seconds; the report counts what it has taken in.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const report = await page.request.get(
      `${BASE_URL}/api/v1/intake/reports/leads?group_by=channel`,
      { headers },
    );
    check(report.ok(), `the lead report answered ${report.status()}`);
    const row = (await report.json()).rows.find((r) => r.key === form.id);
    if (row?.leads === sources.length) break;
    check(Date.now() < deadline, `the form's leads were not all counted: ${JSON.stringify(row)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return { tag, form };
}

async function postedLeadsAreCounted(page) {
  const { tag, form } = await postLeads(page);
  await signIn(page);
  await page.getByRole('navigation').getByRole('link', { name: 'Отчёты' }).click();
  await page.waitForURL((url) => url.pathname === '/reports/intake');
  await page.getByRole('heading', { name: 'Отчёты по заявкам' }).waitFor();

  const table = page.getByTestId('report-table');
  const first = table.getByRole('row').filter({ hasText: `e2e-${tag}-a` });
  await first.waitFor({ timeout: 15_000 });
  const cells = await first.getByRole('cell').allTextContents();
  check(cells[1] === '3', `source ${tag}-a shows ${cells[1]} leads, expected 3: ${cells}`);
  const second = table.getByRole('row').filter({ hasText: `e2e-${tag}-b` });
  check((await second.getByRole('cell').nth(1).textContent()) === '1', 'source b is not 1');
  // The chart is drawn (ECharts, loaded with this screen only) with the same groups.
  await page.getByTestId('report-chart').locator('svg').first().waitFor({ timeout: 15_000 });
  const chartText = await page.getByTestId('report-chart').textContent();
  check(chartText.includes(`e2e-${tag}-a`), 'the chart does not name the source');
  await screenshot(page, 'intake-reports-sources');
  // The pointer still rests on the navigation link it clicked: its hover colours are the
  // shell's, checked by journey 13 at rest like every other screen.
  await page.mouse.move(600, 700);
  await noSeriousAxeViolations(page);

  // By the form the leads came through: its name and its four leads.
  await page.getByRole('combobox', { name: 'Группировать по' }).click();
  await page.getByRole('option', { name: 'Канал' }).click();
  const byForm = table.getByRole('row').filter({ hasText: form.name });
  await byForm.waitFor({ timeout: 15_000 });
  check(
    (await byForm.getByRole('cell').nth(1).textContent()) === '4',
    'the form does not show its 4 leads',
  );
  check(new URL(page.url()).searchParams.get('by') === 'channel', 'the grouping is not in the URL');

  // The response times: per manager (the people the leads went to), never the last report's
  // rows under the new columns while they load.
  const answered = responseTo(page, 'GET', '/api/v1/intake/reports/response-times');
  await page.getByRole('tab', { name: 'Скорость ответа' }).click();
  check((await answered).ok(), 'the response-time report was not answered');
  await table.getByRole('columnheader', { name: 'Менеджер' }).waitFor({ timeout: 15_000 });
  check(
    (await table.getByRole('row').filter({ hasText: form.name }).count()) === 0,
    'the response-time report shows the form as a manager',
  );
  await screenshot(page, 'intake-reports-response');
}

async function reportsFitAPhone(page) {
  await signIn(page);
  await page.goto(`${BASE_URL}/reports/intake?by=source`);
  await page.getByTestId('report-totals').waitFor({ timeout: 15_000 });
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  check(overflow <= 0, `the reports page scrolls sideways by ${overflow}px at 390px`);
  await screenshot(page, 'intake-reports-phone');
}

/** axe-core's WCAG 2.1 A and AA rules (as journey 13 runs them): nothing serious or critical. */
async function noSeriousAxeViolations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const serious = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} at ${v.nodes[0]?.target.join(' ')}`);
  });
  check(serious.length === 0, serious.join('; '));
}
