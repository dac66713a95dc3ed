/* global document, window */
// Issue 11, item 10: a website form's post appears in the telemarketer's lead inbox within
// seconds and is taken by her (its deal becomes hers); the inbox works on a 390 px phone
// without horizontal scrolling and axe finds nothing serious on it; Settings › Website forms
// sends a test lead through the public endpoint and shows where it landed.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BASE_URL, EMAIL, PASSWORD, apiHeaders, check, screenshot, signInAs } from '../lib.mjs';

const TELEMARKETER = 'm.ivanova@example.com';
const TELEMARKETER_NAME = 'Мария Иванова';
const DEMO_PASSWORD = 'demo-password';
const PHONE = { width: 390, height: 844 };
const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

export const tests = [
  {
    name: 'lead inbox: a form post appears within seconds and a telemarketer takes it',
    run: formPostIsTaken,
  },
  {
    name: 'lead inbox: the phone layout has no horizontal scroll and axe finds nothing serious',
    viewport: PHONE,
    run: inboxOnThePhone,
  },
  {
    name: 'lead inbox: website forms send a test lead and show where it landed',
    run: testLeadFromTheSettings,
  },
];

async function createForm(page, tag) {
  const headers = await apiHeaders(page, EMAIL, PASSWORD);
  const created = await page.request.post(`${BASE_URL}/api/v1/intake/form-settings`, {
    headers,
    data: { name: `Сайт ${tag}`, rate_limit_per_minute: null },
  });
  check(created.status() === 201, `form not created: ${created.status()}`);
  return { form: await created.json(), headers };
}

async function postLead(page, form, person, phone) {
  const posted = await page.request.post(`${BASE_URL}${form.post_path}`, {
    form: { name: person, phone, utm_source: 'e2e', utm_campaign: 'inbox' },
  });
  check(posted.status() === 200, `the form post was answered ${posted.status()}`);
}

async function formPostIsTaken(page) {
  const tag = Date.now().toString(36);
  const { form, headers } = await createForm(page, tag);
  await signInAs(page, TELEMARKETER, DEMO_PASSWORD);
  await page.goto(`${BASE_URL}/leads`);
  await page.getByRole('heading', { name: 'Входящие лиды' }).waitFor();

  // Posted while the inbox is open: the worker reads it and the inbox looks again by itself.
  const person = `Покупатель ${tag}`;
  const posted = Date.now();
  await postLead(page, form, person, '+7 916 555-03-10');
  const card = page.getByRole('article', { name: person });
  await card.waitFor({ timeout: 20_000 });
  const seconds = (Date.now() - posted) / 1000;
  console.log(`    the lead appeared in the inbox ${seconds.toFixed(1)} s after the post`);
  check(seconds < 20, `the lead took ${seconds} s to appear`);
  check((await card.textContent()).includes('+79165550310'), 'no phone in E.164 on the card');
  check(
    (await card.textContent()).includes('источник: e2e'),
    `no source on the card: ${await card.textContent()}`,
  );
  await card
    .getByTestId('lead-deadline')
    .getByText(/Перезвонить в течение \d+:\d\d/)
    .waitFor();
  await card.getByText('свободен').waitFor();
  await page.getByTestId('nav-count-/leads').waitFor();
  await screenshot(page, 'lead-inbox');

  await card.getByRole('button', { name: 'Взять' }).click();
  await page.getByText('Лид ваш').waitFor();
  await card.getByText(`у ${TELEMARKETER_NAME}`).waitFor();

  const found = await page.request.get(
    `${BASE_URL}/api/v1/intake/leads?status=open&assignee=me&limit=200`,
    { headers: await apiHeaders(page, TELEMARKETER, DEMO_PASSWORD) },
  );
  const lead = (await found.json()).items.find((item) => item.person_name === person);
  check(lead && lead.assignment === 'manual', 'the taken lead is not hers in the API');
  const deal = await page.request.get(`${BASE_URL}/api/v1/deals/${lead.deal_id}`, { headers });
  const me = await page.request.get(`${BASE_URL}/api/v1/users/me`, {
    headers: await apiHeaders(page, TELEMARKETER, DEMO_PASSWORD),
  });
  check(
    (await deal.json()).responsible_id === (await me.json()).id,
    "the taken lead's deal is not hers",
  );
  await screenshot(page, 'lead-taken');
}

async function inboxOnThePhone(page) {
  const tag = Date.now().toString(36);
  const { form } = await createForm(page, tag);
  const person = `Очень длинное имя покупателя ${tag} с фамилией Константинопольская`;
  await postLead(page, form, person, '+7 916 555-03-11');
  await signInAs(page, TELEMARKETER, DEMO_PASSWORD);
  await page.goto(`${BASE_URL}/leads`);
  await page.getByRole('article', { name: person }).waitFor({ timeout: 20_000 });
  await checkNoHorizontalScroll(page);
  await checkAccessibility(page);
  await screenshot(page, 'lead-inbox-phone');
}

async function testLeadFromTheSettings(page) {
  const tag = Date.now().toString(36);
  const { form } = await createForm(page, tag);
  await signInAs(page, EMAIL, PASSWORD);
  await page.goto(`${BASE_URL}/settings/intake-forms`);
  const card = page.getByRole('region', { name: form.name });
  await card.waitFor();
  const webhook = await card.getByTestId('form-webhook').textContent();
  check(webhook.endsWith(form.post_path), `the webhook address is ${webhook}`);
  await checkAccessibility(page);
  await card.getByRole('button', { name: 'Отправить тестовую заявку' }).click();
  const result = card.getByTestId('test-result');
  await result.getByText('Тестовая заявка принята и разобрана').waitFor({ timeout: 40_000 });
  await result.getByRole('link', { name: 'Сделка' }).waitFor();
  await screenshot(page, 'intake-form-test-lead');
  await result.getByRole('link', { name: 'Во входящих лидах' }).click();
  await page.getByRole('heading', { name: 'Входящие лиды' }).waitFor();
  await page.getByRole('article', { name: 'Тестовая заявка' }).first().waitFor({ timeout: 20_000 });
}

/** The page is no wider than the phone; names what sticks out when it is. */
async function checkNoHorizontalScroll(page) {
  const { width, culprits } = await page.evaluate(() => {
    const viewport = document.documentElement.clientWidth;
    const wide = [];
    for (const element of document.body.querySelectorAll('*')) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.right <= viewport + 1) continue;
      if (wide.some((outer) => outer.contains(element))) continue;
      wide.push(element);
    }
    return {
      width: document.scrollingElement.scrollWidth,
      culprits: wide.slice(0, 5).map((element) => {
        const classes = [...element.classList].filter((c) => !c.startsWith('m_')).join('.');
        return `${element.tagName.toLowerCase()}${classes ? `.${classes}` : ''}`;
      }),
    };
  });
  check(width <= PHONE.width, `scrollWidth ${width} > ${PHONE.width}: ${culprits.join(', ')}`);
}

/** axe-core's WCAG 2.1 A and AA rules; a serious or critical violation fails the screen. */
async function checkAccessibility(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const serious = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return result.violations
      .filter((violation) => ['serious', 'critical'].includes(violation.impact))
      .map(
        (violation) =>
          `${violation.id}: ${violation.help} at ${violation.nodes
            .slice(0, 3)
            .map((node) => node.target.join(' '))
            .join(' | ')}`,
      );
  });
  check(serious.length === 0, serious.join('; '));
}
