// Issue 12, item 5: client retention (ABC analysis, sleeping clients, cross-sell rules).
import { BASE_URL, EMAIL, PASSWORD, check, responseTo, screenshot } from '../lib.mjs';

export const tests = [
  {
    name: 'retention: the admin reads the ABC report by turnover and margin, the sleeping clients, and adds a cross-sell rule',
    run: adminWorksRetention,
  },
];

/** Signs in with the notification stream kept out: the freshly seeded demo replays every
 * notification as new, and the today refetch each one asks for swamps the throw-away server. */
async function signInQuietly(page, email, password) {
  await page.route('**/api/v1/notifications/stream**', (route) => route.abort());
  await page.goto(`${BASE_URL}/login`);
  await page.getByLabel('Эл. почта').fill(email);
  await page.getByLabel('Пароль').fill(password);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.waitForURL((url) => url.pathname !== '/login', { timeout: 45_000 });
  await page.getByRole('navigation').waitFor({ timeout: 45_000 });
}

/** The next answer to GET `pathname` whose query holds `name=value`. */
function answerWith(page, pathname, name, value) {
  const answer = page.waitForResponse(
    (response) =>
      response.request().method() === 'GET' &&
      new URL(response.url()).pathname === pathname &&
      new URL(response.url()).searchParams.get(name) === value,
  );
  answer.catch(() => {});
  return answer;
}

/**
 * The demo administrator opens Клиенты: удержание from the navigation and sees the ABC report
 * over the last year: the class totals and class A clients on top; ranks by margin instead;
 * opens the sleeping clients (the demo has current and permanent clients whose last purchase
 * was long ago) and, in the settings, adds a cross-sell rule that is listed at once.
 */
async function adminWorksRetention(page) {
  await signInQuietly(page, EMAIL, PASSWORD);

  const byTurnover = answerWith(page, '/api/v1/retention/abc', 'basis', 'turnover');
  await page.getByRole('navigation').getByRole('link', { name: 'Клиенты: удержание' }).click();
  await page.waitForURL((url) => url.pathname === '/retention/abc');
  const turnover = await byTurnover;
  check(turnover.status() === 200, `the ABC report answered ${turnover.status()}`);
  const report = await turnover.json();
  check(report.clients > 0, 'the demo admin sees no client with turnover in the last year');
  const classA = report.classes.find((total) => total.abc_class === 'A');
  check(classA && classA.clients > 0, 'class A holds nobody');
  const [top] = report.items;
  check(top?.abc_class === 'A', `the first client is in class ${top?.abc_class}`);

  const cards = page.getByTestId('abc-class');
  await cards.filter({ hasText: 'Класс A' }).waitFor();
  check((await cards.count()) === 3, `${await cards.count()} class cards, expected 3`);
  await page.getByTestId('abc-total').waitFor();
  const table = page.getByRole('table', { name: 'Клиенты по классам ABC' });
  const first = table.getByTestId('abc-row').first();
  await first.getByRole('link', { name: top.client_name, exact: true }).waitFor();
  check(
    (await first.locator('td').last().innerText()).trim() === 'A',
    'the first row has no class A badge',
  );
  await page.getByRole('img', { name: 'Оборот по классам ABC' }).waitFor();
  await screenshot(page, '34-retention-abc');

  const byMargin = answerWith(page, '/api/v1/retention/abc', 'basis', 'margin');
  // The segmented control's radios are visually hidden; its labels take the click.
  await page.locator('label', { hasText: /^Маржа$/ }).click();
  const margin = await byMargin;
  check(margin.status() === 200, `the ABC report by margin answered ${margin.status()}`);
  check(new URL(page.url()).searchParams.get('basis') === 'margin', 'the basis is not in the URL');
  const marginReport = await margin.json();
  check(marginReport.basis === 'margin', `the report is by ${marginReport.basis}`);
  if (marginReport.items.length > 0) {
    await table.getByRole('columnheader', { name: 'Маржа' }).waitFor();
    await table
      .getByRole('link', { name: marginReport.items[0].client_name, exact: true })
      .first()
      .waitFor();
  }

  const sleepingAsked = responseTo(page, 'GET', '/api/v1/retention/sleeping');
  await page.getByRole('tab', { name: 'Спящие клиенты' }).click();
  await page.waitForURL((url) => url.pathname === '/retention/sleeping');
  const sleeping = await sleepingAsked;
  check(sleeping.status() === 200, `the sleeping clients answered ${sleeping.status()}`);
  const sleepers = (await sleeping.json()).items;
  check(sleepers.length > 0, 'the demo has no sleeping client');
  check(
    sleepers.every((client) => ['current', 'permanent'].includes(client.relationship_type)),
    'a sleeping client is neither current nor permanent',
  );
  check(
    sleepers.every((client) => client.days_without_purchase > client.sleeping_days),
    'a sleeping client bought within its limit',
  );
  const row = page.getByTestId('sleeping-row').first();
  await row.getByRole('link', { name: sleepers[0].name, exact: true }).waitFor();
  // The responsible is named (looked up by id, once per colleague).
  await row.locator('td').nth(3).filter({ hasText: /\S/ }).waitFor();
  await page.getByTestId('sleeping-rule').filter({ hasText: 'Реактивировать клиента' }).waitFor();
  await screenshot(page, '34-retention-sleeping');

  await page.getByRole('navigation').getByRole('link', { name: 'Настройки' }).click();
  await page.getByRole('link', { name: 'Удержание клиентов' }).click();
  await page.waitForURL((url) => url.pathname === '/settings/retention');
  await page.getByRole('heading', { name: 'Удержание клиентов' }).waitFor();

  const pattern = `Принтер e2e ${Date.now()}`;
  const adding = page.getByRole('form', { name: 'Новое правило кросс-продаж' });
  await adding.getByLabel('Товар (часть названия)').fill(pattern);
  await adding.getByLabel('Через сколько дней').fill('21');
  await adding.getByLabel('Что предложить').fill('Картриджи и бумагу');
  const created = responseTo(page, 'POST', '/api/v1/retention/cross-sell-rules');
  await adding.getByRole('button', { name: 'Добавить правило' }).click();
  const create = await created;
  check(create.status() === 201, `adding the rule answered ${create.status()}`);
  const rule = await create.json();
  check(rule.after_days === 21 && rule.is_active, 'the rule was not saved as typed');

  const listed = page
    .getByRole('table', { name: 'Правила кросс-продаж' })
    .getByTestId('cross-sell-rule')
    .filter({ hasText: pattern });
  await listed.waitFor();
  check(
    (await listed.innerText()).includes('Картриджи и бумагу'),
    'the listed rule does not say what to offer',
  );
  check(
    await listed.getByRole('switch', { name: `Правило «${pattern}» действует` }).isChecked(),
    'the new rule is not active',
  );
  await screenshot(page, '34-retention-settings');
}
