// Issue 12, item 4: marketing costs and their effectiveness.
import { BASE_URL, EMAIL, PASSWORD, apiHeaders, check, responseTo, signIn } from '../lib.mjs';

export const tests = [
  {
    name: 'the admin adds a source’s cost for this month and sees it with a cost per lead',
    run: adminAddsMarketingCost,
  },
];

const monthStart = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-01`;
const digits = (text) => text.replace(/\D/g, '');

/**
 * The demo administrator opens Маркетинг (the last three months by default), adds a cost for
 * this month to a source and campaign that brought leads and had no cost yet, and sees its row
 * in the effectiveness table with the cost and the cost per lead it makes.
 */
async function adminAddsMarketingCost(page) {
  const headers = await apiHeaders(page, EMAIL, PASSWORD);
  const today = new Date();
  const from = monthStart(new Date(today.getFullYear(), today.getMonth() - 2, 1));
  const to = monthStart(today);
  const before = await page.request.get(
    `${BASE_URL}/api/v1/marketing/effectiveness?from=${from}&to=${to}`,
    { headers },
  );
  check(before.ok(), `the effectiveness answered ${before.status()}`);
  const report = await before.json();
  const target = report.items.find((row) => row.source && row.leads > 0 && Number(row.cost) === 0);
  check(target, 'the demo has no source with leads and without a cost in the last three months');
  const amount = 120000;

  await signIn(page);
  await page.getByRole('navigation').getByRole('link', { name: 'Маркетинг' }).click();
  await page.waitForURL((url) => url.pathname === '/marketing');
  const table = page.getByTestId('marketing-effectiveness');
  await table.waitFor();

  const form = page.getByRole('form', { name: 'Добавить расход' });
  // The month box starts at this month.
  check(
    (await form.getByLabel('Месяц').inputValue()) === to.slice(0, 7),
    'the month box does not start at this month',
  );
  // The source box offers the sources seen; it is an input with a list beside it.
  await form
    .locator('input')
    .and(form.getByLabel('Источник', { exact: true }))
    .fill(target.source);
  if (target.campaign) await form.getByLabel('Кампания').fill(target.campaign);
  await form.getByLabel('Сумма').fill(String(amount));
  await form.getByLabel('Комментарий').fill('e2e: контекстная реклама');
  const posted = responseTo(page, 'POST', '/api/v1/marketing/costs');
  const refreshed = responseTo(page, 'GET', '/api/v1/marketing/effectiveness');
  await form.getByRole('button', { name: 'Добавить расход' }).click();
  const post = await posted;
  check(post.status() === 201, `adding the cost answered ${post.status()}`);
  await refreshed;

  // The row of the source and campaign: its cost and the cost per lead it now makes.
  const campaign = target.campaign ?? '—';
  const row = table
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: target.source, exact: true }) })
    .filter({ has: page.getByRole('cell', { name: campaign, exact: true }) });
  await row.getByRole('cell').nth(2).filter({ hasText: /\d/ }).waitFor();
  const deadline = Date.now() + 15_000;
  let cells = await row.getByRole('cell').allInnerTexts();
  while (digits(cells[2] ?? '') !== String(amount) && Date.now() < deadline) {
    await page.waitForTimeout(200);
    cells = await row.getByRole('cell').allInnerTexts();
  }
  check(digits(cells[2] ?? '') === String(amount), `the row shows the cost ${cells[2]}`);
  const perLead = Math.round(amount / target.leads);
  check(
    digits(cells[6] ?? '') === String(perLead),
    `the cost per lead is ${cells[6]}, expected ${perLead} (${target.leads} leads)`,
  );
  // The cost is listed below too.
  await page.getByTestId('marketing-costs').getByText('e2e: контекстная реклама').waitFor();
}
