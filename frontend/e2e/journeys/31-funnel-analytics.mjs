// Issue 12, item 3: funnel analytics for a period.
import { BASE_URL, apiHeaders, check, responseTo, signInAs } from '../lib.mjs';

const HEAD_EMAIL = 'i.petrova@example.com';
const HEAD_PASSWORD = 'demo-password';

export const tests = [
  {
    name: 'funnel analytics: a head picks this year and sees the stages and the win rate',
    run: headReadsTheFunnel,
  },
];

const sameList = (a, b) => a.length === b.length && a.every((item, index) => item === b[index]);

const tenth = (value) =>
  new Intl.NumberFormat('ru', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(
    Number(value),
  );

/**
 * The demo head of sales opens Аналитика from the navigation, picks this year and sees a row
 * per stage of the default funnel and the win rate the API computes over her department's deals.
 */
async function headReadsTheFunnel(page) {
  await signInAs(page, HEAD_EMAIL, HEAD_PASSWORD);
  await page.getByRole('navigation').getByRole('link', { name: 'Аналитика' }).click();
  await page.waitForURL((url) => url.pathname === '/analytics/funnel');
  await page.getByRole('heading', { name: 'Воронка: аналитика' }).waitFor();

  const year = String(new Date().getFullYear());
  const asked = responseTo(page, 'GET', '/api/v1/analytics/funnel');
  await page.getByText('Этот год', { exact: true }).click();
  let answer = await asked;
  while (new URL(answer.url()).searchParams.get('from') !== `${year}-01-01`) {
    answer = await responseTo(page, 'GET', '/api/v1/analytics/funnel');
  }
  check(answer.status() === 200, `the analytics answered ${answer.status()}`);
  check(
    new URL(page.url()).searchParams.get('from') === `${year}-01-01`,
    'the period is not in the URL',
  );
  const shown = await answer.json();
  check(shown.stages.length > 0, 'the default funnel has no stages');
  check(shown.totals.deals > 0, 'the head sees no deal of this year');

  const rows = page.getByRole('table', { name: 'Этапы' }).locator('tbody tr');
  await rows.nth(shown.stages.length - 1).waitFor();
  const names = await rows.locator('td:first-child').allInnerTexts();
  check(
    sameList(
      names,
      shown.stages.map((stage) => stage.name),
    ),
    `the stage rows are ${names.join(', ')}`,
  );
  const reached = await rows.locator('td:nth-child(2)').allInnerTexts();
  check(
    sameList(
      reached.map((text) => text.replace(/\s/g, '')),
      shown.stages.map((stage) => String(stage.reached)),
    ),
    `the stages' reach reads ${reached.join(', ')}`,
  );
  const winRate = page.getByRole('group', { name: 'Доля выигранных' });
  const expected = shown.totals.win_rate === null ? '—' : `${tenth(shown.totals.win_rate)} %`;
  await winRate.getByText(expected, { exact: true }).waitFor();

  // What the page shows is the head's department, not the whole organisation.
  const query = new URL(answer.url()).search;
  const admin = await apiHeaders(page, 'admin@example.com', 'change-me-now');
  const all = await page.request.get(`${BASE_URL}/api/v1/analytics/funnel${query}`, {
    headers: admin,
  });
  check(all.ok(), `the admin's analytics answered ${all.status()}`);
  const everyone = (await all.json()).totals.deals;
  check(
    everyone >= shown.totals.deals,
    `the admin sees ${everyone} deals, fewer than the head's ${shown.totals.deals}`,
  );
}
