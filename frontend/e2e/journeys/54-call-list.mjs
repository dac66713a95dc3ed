// Issue 14, part 1: a demo telemarketer works the demo call list from the work screen, marks
// one number interested, and the lead reaches the seller who manages that client: it is in
// the seller's lead inbox and the seller opens its deal.
import { BASE_URL, EMAIL, PASSWORD, apiHeaders, check, screenshot, signInAs } from '../lib.mjs';

const TELEMARKETER = 'm.ivanova@example.com';
const DEMO_PASSWORD = 'demo-password';

export const tests = [
  {
    name: 'call list: a telemarketer marks a number interested and the seller gets the lead',
    run: interestedReachesTheSeller,
  },
];

function isOutcome(response) {
  return (
    response.request().method() === 'POST' &&
    /\/api\/v1\/call-lists\/[^/]+\/items\/[^/]+\/outcome$/.test(new URL(response.url()).pathname)
  );
}

async function interestedReachesTheSeller(page) {
  await signInAs(page, TELEMARKETER, DEMO_PASSWORD);
  await page.getByRole('link', { name: 'Обзвон' }).click();
  await page.getByRole('heading', { name: 'Списки обзвона' }).waitFor();
  const row = page.getByRole('row', { name: /Холодные клиенты: декабрь/ });
  await row.waitFor();
  check(
    (await row.getByRole('progressbar').count()) === 1,
    'the list has no progress bar on the list page',
  );
  await row.getByRole('link', { name: 'Начать обзвон' }).click();

  // The work screen hands her a number at once: a client card with a tel: link.
  const card = page.getByLabel('Текущий номер');
  await card.waitFor();
  const phone = card.locator('a[href^="tel:"]');
  const href = await phone.getAttribute('href');
  check(/^tel:\+\d{10,15}$/.test(href ?? ''), `no tel: link on the card: ${href}`);
  const clientName = (await card.locator('p').first().textContent())?.trim();
  check(Boolean(clientName), 'no client name on the card');
  await screenshot(page, 'call-list-work');

  const answered = page.waitForResponse(isOutcome);
  await card.getByRole('button', { name: 'Заинтересован' }).click();
  const outcome = await answered;
  check(outcome.status() === 200, `the outcome was answered ${outcome.status()}`);
  const recorded = await outcome.json();
  await page.getByText('Лид передан в продажи.').waitFor();
  check(recorded.item.status === 'closed', 'the interested number is not closed');
  check(Boolean(recorded.item.lead_id && recorded.item.deal_id), 'no lead or deal recorded');

  // Whom distribution gave it to: a seller (the client's manager in the demo data).
  const admin = await apiHeaders(page, EMAIL, PASSWORD);
  const lead = await (
    await page.request.get(`${BASE_URL}/api/v1/intake/leads/${recorded.item.lead_id}`, {
      headers: admin,
    })
  ).json();
  check(Boolean(lead.assignee_id), 'the lead went to nobody');
  const seller = await (
    await page.request.get(`${BASE_URL}/api/v1/users/${lead.assignee_id}`, { headers: admin })
  ).json();
  check(seller.role_code === 'seller', `the lead went to a ${seller.role_code}, not a seller`);

  // The seller sees the lead in the inbox and opens its deal.
  await page.context().clearCookies();
  await page.evaluate(() => localStorage.clear());
  await signInAs(page, seller.email, DEMO_PASSWORD);
  await page.goto(`${BASE_URL}/leads`);
  await page.getByRole('heading', { name: 'Входящие лиды' }).waitFor();
  const leadCard = page.getByRole('article', { name: lead.person_name ?? clientName }).first();
  await leadCard.waitFor();
  await leadCard.getByText('Обзвон').first().waitFor();
  await page.goto(`${BASE_URL}/deals/${recorded.item.deal_id}`);
  await page
    .getByText(/Холодные клиенты: декабрь/)
    .first()
    .waitFor();
  await screenshot(page, 'call-list-seller-deal');
}
