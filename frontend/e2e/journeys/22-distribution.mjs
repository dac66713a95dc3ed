// Issue 11, items 5 and 7: an administrator sets up a round-robin rule in Settings › Lead
// distribution and a posted form lead goes to one of its people; a head of sales opens the
// workload view and gives a deal to a colleague by dragging its card, then another from the
// keyboard through the card's menu.
import { BASE_URL, EMAIL, PASSWORD, apiHeaders, check, responseTo, screenshot } from '../lib.mjs';

const HEAD = { email: 'i.petrova@example.com', password: 'demo-password' };
const SIDOROV = 'Алексей Сидоров';
const MOROZOV = 'Дмитрий Морозов';
const SOKOLOVA = 'Елена Соколова';
const KOVALENKO = 'Олена Коваленко';
const WIDE = { width: 1920, height: 1000 };
const ALL_DAY = { starts: '00:00', ends: '23:59' };
const WEEK = Object.fromEntries(
  ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => [day, ALL_DAY]),
);

export const tests = [
  {
    name: 'distribution: an admin adds a round-robin rule and a posted lead goes to one of its people',
    viewport: WIDE,
    run: adminSetsUpARule,
  },
  {
    name: 'workload: a head gives a deal to a colleague by drag, and another by keyboard',
    viewport: WIDE,
    run: headEvensOutTheLoad,
  },
];

/** Signs in with the notification stream kept out (the seeded backlog swamps a small server). */
async function signInQuietly(page, email, password) {
  await page.route('**/api/v1/notifications/stream**', (route) => route.abort());
  await page.goto(`${BASE_URL}/login`);
  await page.getByLabel('Эл. почта').fill(email);
  await page.getByLabel('Пароль').fill(password);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.waitForURL((url) => url.pathname !== '/login', { timeout: 45_000 });
  await page.getByRole('navigation').waitFor({ timeout: 45_000 });
}

async function userIds(page, headers) {
  const listed = await page.request.get(`${BASE_URL}/api/v1/users?limit=200`, { headers });
  check(listed.ok(), `users: ${listed.status()}`);
  return Object.fromEntries((await listed.json()).items.map((u) => [u.full_name, u.id]));
}

async function adminSetsUpARule(page) {
  await signInQuietly(page, EMAIL, PASSWORD);
  const headers = await apiHeaders(page, EMAIL, PASSWORD);
  const ids = await userIds(page, headers);
  // Both people on duty whenever the journey runs.
  for (const name of [SIDOROV, KOVALENKO]) {
    const put = await page.request.put(`${BASE_URL}/api/v1/users/${ids[name]}/schedule`, {
      headers,
      data: { time_zone: 'UTC', days: WEEK },
    });
    check(put.ok(), `schedule of ${name}: ${put.status()}`);
  }
  const formCreated = await page.request.post(`${BASE_URL}/api/v1/intake/form-settings`, {
    headers,
    data: { name: 'Форма распределения', rate_limit_per_minute: null },
  });
  check(formCreated.ok(), `form: ${formCreated.status()}`);
  const form = await formCreated.json();

  await page.goto(`${BASE_URL}/settings/distribution`);
  await page.getByRole('heading', { name: 'Распределение лидов' }).waitFor();
  await page.getByRole('button', { name: 'Добавить правило' }).first().click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Название').fill('Сайт по очереди');
  await dialog.getByLabel('Для каких лидов', { exact: true }).click();
  await page.getByRole('option', { name: 'Форма', exact: true }).click();
  await dialog.getByLabel('Форма', { exact: true }).click();
  await page.getByRole('option', { name: form.name }).click();
  const people = dialog.getByLabel('Сотрудники', { exact: true });
  for (const name of [SIDOROV, KOVALENKO]) {
    await people.click();
    await people.fill(name.split(' ')[1]);
    await page.getByRole('option', { name }).click();
  }
  const saved = responseTo(page, 'POST', '/api/v1/intake/distribution-rules');
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  const answer = await saved;
  check(
    answer.status() === 201,
    `the rule was not saved: ${answer.status()} ${await answer.text()}`,
  );
  const row = page.getByTestId('rule-row').filter({ hasText: 'Сайт по очереди' });
  await row.waitFor();
  check(/По очереди/.test(await row.innerText()), 'the row does not say "in turn"');
  await screenshot(page, '22-distribution-rules');

  // A lead posted to the form is processed by the worker and goes to one of the two.
  const posted = await page.request.post(`${BASE_URL}${form.post_path}`, {
    form: { name: 'Журнал Распределения', phone: '+7 916 555-22-01' },
  });
  check(posted.ok(), `the post was refused: ${posted.status()}`);
  const { id } = await posted.json();
  let assignee = null;
  const deadline = Date.now() + 30_000;
  while (!assignee && Date.now() < deadline) {
    const item = await (
      await page.request.get(`${BASE_URL}/api/v1/intake/inbox/${id}`, { headers })
    ).json();
    if (item.lead?.lead_id) {
      const lead = await (
        await page.request.get(`${BASE_URL}/api/v1/intake/leads/${item.lead.lead_id}/assignment`, {
          headers,
        })
      ).json();
      assignee = lead.assignee_id;
    } else {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  check(
    assignee === ids[SIDOROV] || assignee === ids[KOVALENKO],
    `the lead went to ${assignee}, not to the rule's people`,
  );
}

const column = (page, name) =>
  page.locator(`[data-testid="workload-column"][aria-label="${name}"]`);

/** Drags `card` by the mouse onto `target`, in small steps as a hand would. */
async function drag(page, card, target) {
  await card.scrollIntoViewIfNeeded();
  const from = await card.boundingBox();
  const to = await target.boundingBox();
  const x = from.x + from.width / 2;
  const y = from.y + from.height - 8;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + 12, y + 4, { steps: 4 });
  await page.mouse.move(to.x + to.width / 2, to.y + 120, { steps: 20 });
  await page.mouse.up();
}

async function headEvensOutTheLoad(page) {
  await signInQuietly(page, HEAD.email, HEAD.password);
  const loaded = responseTo(page, 'GET', '/api/v1/intake/workload');
  await page.getByRole('navigation').getByRole('link', { name: 'Нагрузка' }).click();
  const workload = await (await loaded).json();
  const names = workload.managers.map((m) => m.full_name);
  check(names.includes(SIDOROV) && names.includes(MOROZOV), `the team is not shown: ${names}`);
  check(!names.includes('Юлия Шевченко'), 'someone outside the head’s team is shown');
  await page.getByRole('heading', { name: 'Нагрузка команды' }).waitFor();

  const source = column(page, SIDOROV);
  const target = column(page, MOROZOV);
  await source.getByTestId('workload-card').first().waitFor();
  const before = workload.managers.find((m) => m.full_name === SIDOROV);
  check(before.deals.length > 0, `${SIDOROV} has no open deals to give`);

  // 1. By drag: the deal goes to the colleague (PATCH with If-Match) and shows in their column.
  const card = source.getByTestId('workload-card').first();
  const title = await card.getAttribute('aria-label');
  const given = page.waitForResponse(
    (response) =>
      response.request().method() === 'PATCH' &&
      new URL(response.url()).pathname.startsWith('/api/v1/deals/'),
  );
  given.catch(() => {});
  await drag(page, card, target);
  const patched = await given;
  check(patched.status() === 200, `the deal was not given: ${patched.status()}`);
  check(
    (await patched.json()).responsible_id ===
      workload.managers.find((m) => m.full_name === MOROZOV).user_id,
    'the deal has another responsible than the column it was dropped on',
  );
  await target.locator(`[data-testid="workload-card"][aria-label="${title}"]`).first().waitFor();
  await screenshot(page, '22-workload-dragged');

  // 2. From the keyboard: the card's menu gives it to someone else.
  const next = source.getByTestId('workload-card').first();
  const nextTitle = await next.getAttribute('aria-label');
  const menu = next.getByRole('button', { name: `Передать «${nextTitle}»` });
  await menu.focus();
  await page.keyboard.press('Enter');
  const again = page.waitForResponse(
    (response) =>
      response.request().method() === 'PATCH' &&
      new URL(response.url()).pathname.startsWith('/api/v1/deals/'),
  );
  again.catch(() => {});
  await page.getByRole('menuitem', { name: SOKOLOVA }).click();
  check((await again).status() === 200, 'the deal given from the menu was refused');
  await column(page, SOKOLOVA)
    .locator(`[data-testid="workload-card"][aria-label="${nextTitle}"]`)
    .first()
    .waitFor();
}
