/* global document, window */
// Issue 12, item 12: the head of sales' morning dashboard.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  BASE_URL,
  EMAIL,
  L,
  PASSWORD,
  SELLER_EMAIL,
  SELLER_PASSWORD,
  apiHeaders,
  check,
  responseTo,
  screenshot,
  signInAs,
} from '../lib.mjs';

const HEAD_EMAIL = 'i.petrova@example.com';
const HEAD_PASSWORD = 'demo-password';

const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

export const tests = [
  {
    name: "dashboard: winning a deal moves the seller's plan widget",
    run: winningMovesThePlan,
  },
  {
    name: "dashboard: a loss reason's count opens exactly the lost deals behind it",
    run: lossReasonOpensItsDeals,
  },
  {
    name: 'dashboard: the head sees every widget, on a phone too, with no serious axe violation',
    run: headSeesEveryWidget,
    viewport: { width: 390, height: 844 },
  },
];

const WIDGETS = [
  'plan-widget',
  'leaderboard-widget',
  'sleeping-widget',
  'funnel-widget',
  'loss-widget',
  'abc-widget',
  'nps-widget',
  'marketing-widget',
  'work-time-widget',
];

/** "750 000 ₽", "1 234,50 ₽" → 750000, 1234.5; "42,5 %" → 42.5; "—" → null. */
const figure = (text) => {
  const digits = text.replace(/[^\d,]/g, '').replace(',', '.');
  return digits === '' ? null : Number(digits);
};

async function planRow(page, userId) {
  const row = page.getByTestId('plan-widget').getByTestId(`plan-row-${userId}`);
  await row.waitFor();
  return {
    row,
    fact: (await row.getByTestId('plan-fact').innerText()).trim(),
    percent: (await row.getByTestId('plan-percent').innerText()).trim(),
  };
}

/**
 * The demo seller opens Сводка and reads his turnover row of the plan widget, wins one of his
 * open deals from the deals list, comes back and finds the row's fact (and percent of his
 * plan) grown by the deal's amount. Turnover counts won deals for this: the demo organisation
 * counts paid invoices, so the administrator switches the basis first and back at the end.
 */
async function winningMovesThePlan(page) {
  const admin = await apiHeaders(page, EMAIL, PASSWORD);
  const organisationUrl = `${BASE_URL}/api/v1/organisation`;
  const organisation = await (await page.request.get(organisationUrl, { headers: admin })).json();
  const basis = organisation.fulfilment_basis;
  const setBasis = async (value) => {
    const answer = await page.request.patch(organisationUrl, {
      headers: admin,
      data: { fulfilment_basis: value },
    });
    check(answer.ok(), `PATCH /organisation answered ${answer.status()}`);
  };
  if (basis !== 'won_deals') await setBasis('won_deals');
  try {
    // Which of the seller's open deals to win: one of the default funnel (the deals list's)
    // in the organisation's currency, the only one turnover counts.
    const seller = await apiHeaders(page, SELLER_EMAIL, SELLER_PASSWORD);
    const me = await (
      await page.request.get(`${BASE_URL}/api/v1/users/me`, { headers: seller })
    ).json();
    const funnels = await (
      await page.request.get(`${BASE_URL}/api/v1/funnels`, { headers: seller })
    ).json();
    const funnel = funnels.find((f) => f.is_default) ?? funnels[0];
    const listed = await page.request.get(
      `${BASE_URL}/api/v1/deals?status=open&responsible_id=${me.id}&funnel_id=${funnel.id}&limit=200`,
      { headers: seller },
    );
    check(listed.ok(), `the seller's deals answered ${listed.status()}`);
    const deal = (await listed.json()).items.find(
      (d) => d.currency === organisation.currency && Number(d.amount) > 0,
    );
    check(deal, `the seller has no open deal in ${organisation.currency} to win`);

    await signInAs(page, SELLER_EMAIL, SELLER_PASSWORD);
    const nav = page.getByRole('navigation');
    await nav.getByRole('link', { name: 'Сводка' }).click();
    await page.waitForURL((url) => url.pathname === '/dashboard');
    await page.getByRole('heading', { name: 'Сводка', level: 2 }).waitFor();
    const before = await planRow(page, me.id);
    const factBefore = figure(before.fact);
    check(factBefore !== null, `the plan row's fact reads "${before.fact}"`);
    await screenshot(page, 'dashboard-before');

    // The deal, found in the deals list by its title.
    await nav.getByRole('link', { name: 'Сделки' }).click();
    await page.waitForURL((url) => url.pathname === '/deals');
    await page.locator('label', { hasText: L.list }).click();
    await page.waitForURL((url) => url.searchParams.get('view') === 'list');
    const word = deal.title.slice(0, 100);
    await page.getByLabel(L.search).fill(word);
    await page.waitForURL((url) => url.searchParams.get('q') === word.trim());
    await page.locator(`[data-testid="deal-list"] a[href="/deals/${deal.id}"]`).click();
    await page.waitForURL((url) => url.pathname === `/deals/${deal.id}`);

    const won = responseTo(page, 'POST', `/api/v1/deals/${deal.id}/win`);
    await page.getByRole('button', { name: 'Выиграна', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Да, выиграна' }).click();
    const answer = await won;
    check(answer.ok(), `winning the deal answered ${answer.status()}`);
    await page.getByRole('dialog').waitFor({ state: 'detached' });

    // Back on the dashboard the row is asked again: the fact grows by the deal's amount.
    await nav.getByRole('link', { name: 'Сводка' }).click();
    await page.waitForURL((url) => url.pathname === '/dashboard');
    const row = page.getByTestId('plan-widget').getByTestId(`plan-row-${me.id}`);
    await row.getByTestId('plan-fact').filter({ hasNotText: before.fact }).waitFor();
    const after = await planRow(page, me.id);
    const factAfter = figure(after.fact);
    check(
      // Whole units on screen: each figure is rounded.
      factAfter !== null && Math.abs(factAfter - factBefore - Number(deal.amount)) <= 1,
      `the fact went from "${before.fact}" to "${after.fact}" on winning ${deal.amount}`,
    );
    const percentBefore = figure(before.percent);
    const percentAfter = figure(after.percent);
    check(
      percentBefore === null || (percentAfter !== null && percentAfter >= percentBefore),
      `the percent went from "${before.percent}" to "${after.percent}"`,
    );
    await screenshot(page, 'dashboard-after');
  } finally {
    if (basis !== 'won_deals') await setBasis(basis);
  }
}

const isoDay = (d) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/**
 * The demo head of sales opens the dashboard over the last 365 days, clicks the count of the
 * loss reasons widget's first reason and lands on the deals list of that reason (a chip names
 * it), lost, in the funnel and created on the period's days; the list's totals count exactly
 * the number clicked.
 */
async function lossReasonOpensItsDeals(page) {
  const today = new Date();
  const from = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 364);
  await signInAs(page, HEAD_EMAIL, HEAD_PASSWORD);
  await page.goto(`${BASE_URL}/dashboard?period=custom&from=${isoDay(from)}&to=${isoDay(today)}`);
  const widget = page.getByTestId('loss-widget');
  const link = widget.getByRole('table').getByRole('link').first();
  await link.waitFor();
  const count = figure(await link.innerText());
  const reason = (
    await link.locator('xpath=ancestor::tr').locator('td').first().innerText()
  ).trim();

  const totals = responseTo(page, 'GET', '/api/v1/deals/totals');
  await link.click();
  await page.waitForURL((url) => url.pathname === '/deals' && url.searchParams.has('loss_reason'));
  const answer = await totals;
  check(answer.ok(), `the deals' totals answered ${answer.status()}`);
  const asked = new URL(answer.url()).searchParams;
  check(
    asked.getAll('loss_reason_id').length === 1 &&
      asked.getAll('status').join() === 'lost' &&
      asked.get('created_on_from') === isoDay(from) &&
      asked.get('created_on_to') === isoDay(today),
    `the list was asked for ${asked.toString()}`,
  );
  const body = await answer.json();
  const listed = body.currencies.reduce((sum, c) => sum + c.count, 0);
  check(
    body.exact && listed === count,
    `the list counts ${listed} deals behind the figure ${count}`,
  );
  await page.getByTestId('deal-filter-chips').getByText(`Причина проигрыша: ${reason}`).waitFor();
  await screenshot(page, 'dashboard-loss-reason-deals');
}

/**
 * The demo head of sales (reports:read) opens /dashboard on a phone: every widget is drawn
 * (the sources one too), none failed, the page does not scroll sideways, and axe-core's WCAG
 * 2.1 A and AA rules find nothing serious or critical.
 */
async function headSeesEveryWidget(page) {
  await signInAs(page, HEAD_EMAIL, HEAD_PASSWORD);
  await page.goto(`${BASE_URL}/dashboard`);
  for (const id of WIDGETS) {
    const widget = page.getByTestId(id);
    await widget.waitFor();
    // Loaded: its loader is gone (the charts' own loaders go with their chunk).
    await widget.getByLabel('Загрузка…').first().waitFor({ state: 'detached' });
  }
  const failed = await page.getByRole('button', { name: 'Повторить' }).count();
  check(failed === 0, `${failed} widgets could not load`);
  await page.getByTestId('plan-widget').getByRole('img').first().waitFor();
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  check(overflow <= 0, `the dashboard scrolls sideways by ${overflow}px at 390px`);
  // Nothing is cut off at the right either: the last period choice is on screen.
  const custom = await page.locator('label', { hasText: 'Свои даты' }).boundingBox();
  check(
    custom && custom.x + custom.width <= 390,
    `the period choice "Свои даты" ends at ${custom && custom.x + custom.width}px of 390`,
  );
  await screenshot(page, 'dashboard-phone');

  await page.evaluate(AXE_SOURCE);
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
