// Issue 12, item 8: employee karma, closing a month and its bonus statement.
import { readFile } from 'node:fs/promises';
import { BASE_URL, EMAIL, PASSWORD, check, responseTo, screenshot } from '../lib.mjs';

export const tests = [
  {
    name: 'employee karma: the admin closes last month after a confirmation and downloads the bonus statement',
    run: adminClosesKarmaMonth,
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

const iso = (d) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/** The next answer to GET /karma/employees for `month`. */
function monthAnswer(page, month) {
  const answer = page.waitForResponse(
    (response) =>
      response.request().method() === 'GET' &&
      new URL(response.url()).pathname === '/api/v1/karma/employees' &&
      new URL(response.url()).searchParams.get('month') === month,
  );
  answer.catch(() => {});
  return answer;
}

/**
 * The demo administrator opens Карма from the navigation, steps back to last month (open, so
 * counted live), finds Ирина Петрова marked as the head of sales with a karma value, closes
 * the month through the confirmation, sees it frozen, and downloads the bonus statement: an
 * XLSX file (a zip: it starts with "PK").
 */
async function adminClosesKarmaMonth(page) {
  const now = new Date();
  const previous = iso(new Date(now.getFullYear(), now.getMonth() - 1, 1));
  await signInQuietly(page, EMAIL, PASSWORD);

  await page.getByRole('navigation').getByRole('link', { name: 'Карма', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/karma');
  await page.getByRole('table', { name: 'Карма сотрудников' }).waitFor();

  const asked = monthAnswer(page, previous);
  await page.getByRole('button', { name: 'Предыдущий месяц' }).click();
  const answer = await asked;
  check(answer.status() === 200, `last month's karma answered ${answer.status()}`);
  const body = await answer.json();
  check(body.closed === null, `last month (${previous}) is closed already in a fresh demo`);
  const irina = body.items.find((row) => row.name === 'Ирина Петрова');
  check(irina, 'Ирина Петрова is not among the employees');
  check(irina.is_head, 'Ирина Петрова is not marked as a head');
  await page.waitForURL((url) => url.searchParams.get('month') === previous);

  const state = page.getByTestId('karma-month-state');
  await state.filter({ hasText: 'Месяц открыт: карма считается на лету' }).waitFor();
  const row = page.getByTestId('karma-row').filter({ hasText: 'Ирина Петрова' });
  await row.getByTestId('karma-head').filter({ hasText: 'Руководитель' }).waitFor();
  await row.getByText(/^среднее по команде; своя карма: /).waitFor();
  const score = (await row.getByTestId('karma-score').innerText()).trim();
  check(/^-?[\d\s\u00a0\u202f]+(,\d+)?$/.test(score), `Ирина Петрова's karma reads "${score}"`);
  await screenshot(page, '38-karma-open');

  await page.getByRole('button', { name: 'Закрыть месяц' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText(/больше никогда не изменятся/).waitFor();
  const closing = responseTo(page, 'POST', `/api/v1/karma/periods/${previous}/close`);
  await dialog.getByRole('button', { name: 'Закрыть навсегда' }).click();
  const closed = await closing;
  check(closed.status() === 200, `closing the month answered ${closed.status()}`);
  check((await closed.json()).closed !== null, 'the month closed answers without closed');

  await state.filter({ hasText: /^Месяц закрыт .*: значения заморожены/ }).waitFor();
  await page
    .getByRole('group', { name: 'Закрытые месяцы' })
    .getByRole('button', { pressed: true })
    .waitFor();
  await screenshot(page, '38-karma-closed');

  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Скачать ведомость (XLSX)' }).click();
  const download = await downloading;
  const filename = download.suggestedFilename();
  check(filename.endsWith('.xlsx'), `the statement downloads as "${filename}"`);
  const file = await readFile(await download.path());
  check(file.subarray(0, 2).toString('latin1') === 'PK', 'the statement is no XLSX (zip) file');
}
