// End-to-end check of the built SPA served by the backend. Uses playwright-core with the system
// Chromium (browsers cannot be downloaded here). The server must already be running.
//   E2E_BASE_URL   where the app is served (default http://127.0.0.1:8000)
//   CHROMIUM_PATH  the browser binary (default /usr/bin/chromium)
//   E2E_EMAIL / E2E_PASSWORD  the seeded administrator
import { createHmac, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const BASE_URL = (process.env.E2E_BASE_URL || 'http://127.0.0.1:8000').replace(/\/+$/, '');
const EMAIL = process.env.E2E_EMAIL || 'admin@example.com';
const PASSWORD = process.env.E2E_PASSWORD || 'change-me-now';
const RESULTS = fileURLToPath(new URL('../test-results/', import.meta.url));
const NAV_PATHS = ['/', '/clients', '/deals', '/tasks', '/reports', '/settings'];

// Labels of the webhooks screen in the three languages the shell may switch to.
const L = {
  add: /^(Добавить адрес|Додати адресу|Add endpoint)$/,
  save: /^(Сохранить|Зберегти|Save)$/,
  events: /^(События|Події|Events)/,
  sendTest: /^(Тест|Send test)$/,
  deliveries: /^(Доставки|Deliveries)$/,
  list: /^(Список|List)$/,
  showMore: /^(Показать ещё|Показати ще|Show more)$/,
  search: /^(Поиск|Пошук|Search)$/,
};

class Failure extends Error {}

function check(condition, message) {
  if (!condition) throw new Failure(message);
}

const tests = [
  {
    name: 'redirects to /login, signs in and shows the app shell',
    async run(page) {
      await page.goto(`${BASE_URL}/`);
      await page.waitForURL((url) => url.pathname === '/login');

      // The sign-in page opens in Russian, the default language.
      await page.getByLabel('Эл. почта').fill(EMAIL);
      await page.getByLabel('Пароль').fill(PASSWORD);
      const meResponse = page.waitForResponse(
        (response) => new URL(response.url()).pathname === '/api/v1/users/me' && response.ok(),
      );
      // Awaited below; until then a timeout must not surface as an unhandled rejection.
      meResponse.catch(() => {});
      await page.getByRole('button', { name: 'Войти' }).click();
      await page
        .waitForURL((url) => url.pathname === '/')
        .catch(async (error) => {
          const alert = await page.getByRole('alert').first().textContent({ timeout: 1_000 });
          throw alert ? new Failure(`sign-in refused: ${alert}`) : error;
        });
      const me = await (await meResponse).json();

      // The shell may switch to the user's language, so the checks below do not rely on labels.
      const nav = page.getByRole('navigation');
      await nav.waitFor();
      const hrefs = await nav
        .getByRole('link')
        .evaluateAll((links) => links.map((link) => link.getAttribute('href')));
      check(
        NAV_PATHS.every((path) => hrefs.includes(path)),
        `navigation links ${JSON.stringify(hrefs)} lack some of ${JSON.stringify(NAV_PATHS)}`,
      );
      const currentUser = page.getByTestId('current-user');
      await currentUser.getByText(me.full_name, { exact: true }).waitFor();
      await currentUser.getByText(EMAIL, { exact: true }).waitFor();

      await page.screenshot({ path: `${RESULTS}app-shell.png`, fullPage: true });

      // A section is its own chunk, loaded on first visit.
      await nav.locator('a[href="/clients"]').click();
      await page.waitForURL((url) => url.pathname === '/clients');
      await page.getByRole('heading', { level: 2 }).waitFor();
    },
  },
  {
    name: 'keeps the refresh token in an HttpOnly cookie and refreshes an expired access token',
    async run(page) {
      await signIn(page);
      const stored = await page.evaluate(() => Object.keys(localStorage));
      check(
        !stored.some((key) => key.includes('refresh')),
        `localStorage holds a refresh token: ${JSON.stringify(stored)}`,
      );
      // Secure, yet kept on http://127.0.0.1: browsers treat loopback origins as secure.
      const cookies = await page.context().cookies();
      const refresh = cookies.find((cookie) => cookie.name === 'crm_refresh');
      check(refresh, `no refresh cookie among ${JSON.stringify(cookies.map((c) => c.name))}`);
      check(
        refresh.httpOnly && refresh.secure && refresh.sameSite === 'Strict',
        `the refresh cookie is not HttpOnly, Secure and SameSite=Strict: ${JSON.stringify(refresh)}`,
      );
      check(refresh.path === '/api/v1/auth', `the refresh cookie's path is ${refresh.path}`);

      // The access token expires: the next call is refused, refreshed by the cookie, replayed.
      // One document only: the signed-in page is left first, so none of its polling refreshes
      // at the same moment (two documents refreshing one cookie at once is another story).
      await page.goto('about:blank');
      const later = await page.context().newPage();
      try {
        await later.addInitScript(() => localStorage.setItem('crm.access_token', 'expired'));
        const refreshed = later.waitForResponse(
          (response) => new URL(response.url()).pathname === '/api/v1/auth/refresh',
        );
        refreshed.catch(() => {});
        await later.goto(`${BASE_URL}/clients`);
        const answer = await refreshed;
        check(answer.status() === 200, `the refresh answered ${answer.status()}`);
        await later.locator('table tbody tr').first().waitFor();
        check(new URL(later.url()).pathname === '/clients', `signed out to ${later.url()}`);
        const access = await later.evaluate(() => localStorage.getItem('crm.access_token'));
        check(access && access !== 'expired', 'the refreshed access token was not stored');
      } finally {
        await later.close();
      }
    },
  },
  {
    name: 'shows the deal board of the demo funnel and the client list',
    async run(page) {
      await signIn(page);

      // The demo seed creates the "Продажи" funnel; the board shows one column per stage.
      const funnelsResponse = page.waitForResponse(
        (response) => new URL(response.url()).pathname === '/api/v1/funnels' && response.ok(),
      );
      funnelsResponse.catch(() => {});
      await page.goto(`${BASE_URL}/deals`);
      const funnels = await (await funnelsResponse).json();
      const sales = funnels.find((funnel) => funnel.name === 'Продажи');
      check(sales, `no "Продажи" funnel among ${JSON.stringify(funnels.map((f) => f.name))}`);
      const columns = page.getByTestId('stage-column');
      await columns.first().waitFor();
      if (!sales.is_default) {
        await page.getByRole('textbox', { name: /Воронка|Funnel/ }).click();
        await page.getByRole('option', { name: 'Продажи', exact: true }).click();
      }
      const stageName = sales.stages.toSorted((a, b) => a.position - b.position)[0].name;
      await page.locator(`[data-testid="stage-column"][aria-label="${stageName}"]`).waitFor();
      await page.screenshot({ path: `${RESULTS}deal-board.png`, fullPage: true });

      await page.goto(`${BASE_URL}/clients`);
      const rows = page.locator('table tbody tr');
      await rows.first().waitFor();
      check((await rows.count()) > 0, 'the client list shows no rows');
      await page.screenshot({ path: `${RESULTS}client-list.png`, fullPage: true });
    },
  },
  {
    name: 'lists the deals with their totals, pages them and searches them',
    async run(page) {
      await signIn(page);
      const path = (response) => new URL(response.url()).pathname;
      const totalsAsked = [];
      page.on('request', (request) => {
        if (new URL(request.url()).pathname === '/api/v1/deals/totals') totalsAsked.push(request);
      });

      await page.goto(`${BASE_URL}/deals`);
      await page.getByTestId('stage-column').first().waitFor();
      const firstPage = page.waitForResponse(
        (response) => path(response) === '/api/v1/deals' && response.ok(),
      );
      firstPage.catch(() => {});
      const totalsResponse = page.waitForResponse(
        (response) => path(response) === '/api/v1/deals/totals' && response.ok(),
      );
      totalsResponse.catch(() => {});
      // The segmented control's radio is visually hidden behind its label.
      await page.locator('label', { hasText: L.list }).click();
      await page.waitForURL((url) => url.searchParams.get('view') === 'list');
      const first = await (await firstPage).json();
      check(first.items.length === 50, `the first page holds ${first.items.length} deals`);
      check(first.next_cursor, 'the first page of the demo deals has no next_cursor');

      // Totals per currency above the list, from one request for the filter.
      const { currencies } = await (await totalsResponse).json();
      check(currencies.length > 0, 'no totals for the demo deals');
      const totals = page.getByTestId('deal-total');
      await totals.first().waitFor();
      check(
        (await totals.count()) === currencies.length,
        `${await totals.count()} currency totals shown for ${currencies.length} answered`,
      );
      const rows = page.locator('[data-testid="deal-list"] tbody tr');
      await rows.nth(49).waitFor();
      await page.screenshot({ path: `${RESULTS}deal-list.png`, fullPage: true });

      // The next page comes by the cursor; the totals are not asked again.
      const nextPage = page.waitForResponse(
        (response) =>
          path(response) === '/api/v1/deals' &&
          new URL(response.url()).searchParams.get('cursor') === first.next_cursor,
      );
      nextPage.catch(() => {});
      await page.getByRole('button', { name: L.showMore }).click();
      check((await nextPage).ok(), 'the next page was refused');
      await rows.nth(50).waitFor();
      check(totalsAsked.length === 1, `the totals were asked ${totalsAsked.length} times`);

      // A search text narrows the list (title or client name) and asks the totals once more.
      const word = 'Монтаж';
      const searched = page.waitForResponse(
        (response) =>
          path(response) === '/api/v1/deals' &&
          new URL(response.url()).searchParams.get('q') === word &&
          response.ok(),
      );
      searched.catch(() => {});
      const searchedTotals = page.waitForResponse(
        (response) =>
          path(response) === '/api/v1/deals/totals' &&
          new URL(response.url()).searchParams.get('q') === word,
      );
      searchedTotals.catch(() => {});
      await page.getByLabel(L.search).fill(word);
      const found = await (await searched).json();
      check(found.items.length > 0, `no deal matches "${word}"`);
      await page.waitForURL((url) => url.searchParams.get('q') === word);
      await waitForCount(rows, found.items.length);
      const texts = await rows.allTextContents();
      check(
        texts.every((text) => text.toLowerCase().includes(word.toLowerCase())),
        `rows without "${word}": ${texts
          .filter((text) => !text.toLowerCase().includes(word.toLowerCase()))
          .slice(0, 3)
          .join(' | ')}`,
      );
      check((await searchedTotals).ok(), 'the totals of the search were refused');
      check(
        totalsAsked.length === 2,
        `after the search the totals were asked ${totalsAsked.length} times`,
      );
      await page.screenshot({ path: `${RESULTS}deal-list-search.png`, fullPage: true });
    },
  },
  {
    name: 'allows private targets and delivers a signed test event to a local receiver',
    async run(page) {
      const receiver = await startReceiver();
      try {
        await signIn(page);
        await page.goto(`${BASE_URL}/webhooks`);

        // Private targets are refused by default; the administrator turns them on here.
        const setting = page.getByTestId('webhook-private-targets');
        const toggle = setting.getByRole('switch');
        await setting.waitFor();
        if (!(await toggle.isChecked())) {
          const patched = page.waitForResponse(
            (response) =>
              new URL(response.url()).pathname === '/api/v1/organisation' &&
              response.request().method() === 'PATCH',
          );
          patched.catch(() => {});
          // The input itself is visually hidden behind Mantine's track: click its label.
          await setting.locator('label').first().click();
          const answer = await patched;
          check(answer.ok(), `PATCH /api/v1/organisation answered ${answer.status()}`);
          check(
            (await answer.json()).webhooks_allow_private_targets === true,
            'the organisation did not keep webhooks_allow_private_targets',
          );
        }
        await page.waitForFunction((input) => input.checked, await toggle.elementHandle());

        // A new endpoint at the receiver, subscribed to deal.won.
        const url = `${receiver.url}/hooks/e2e-${Date.now()}`;
        await page.getByRole('button', { name: L.add }).click();
        const form = page.getByRole('dialog');
        await form.getByLabel(/URL/).fill(url);
        await form.getByRole('combobox', { name: L.events }).click();
        await page.getByRole('option', { name: 'deal.won', exact: true }).click();
        // Back to another field closes the option list, which may cover the save button.
        await form.getByLabel(/URL/).click();
        await page.getByRole('listbox').waitFor({ state: 'hidden' });
        const createdResponse = page.waitForResponse(
          (response) =>
            new URL(response.url()).pathname === '/api/v1/webhooks' &&
            response.request().method() === 'POST',
        );
        createdResponse.catch(() => {});
        await form.getByRole('button', { name: L.save }).click();
        const created = await createdResponse;
        check(created.status() === 201, `creating the endpoint answered ${created.status()}`);
        const endpoint = await created.json();
        check(
          JSON.stringify(endpoint.events) === '["deal.won"]',
          `the endpoint subscribes to ${JSON.stringify(endpoint.events)}`,
        );

        // The signing secret is shown once, in a modal, and is the one the server issued.
        const secretBox = page.getByTestId('webhook-secret');
        await secretBox.waitFor();
        const secret = (await secretBox.textContent()).trim();
        check(/^whsec_[A-Za-z0-9+/]+=*$/.test(secret), `unexpected secret ${secret}`);
        check(secret === endpoint.secret, 'the screen shows another secret than the API issued');
        await page.screenshot({ path: `${RESULTS}webhook-secret.png`, fullPage: true });
        await page.keyboard.press('Escape');
        await secretBox.waitFor({ state: 'detached' });

        // A test event, sent from the endpoint's row.
        const row = page.locator('tbody tr', { hasText: url });
        await row.waitFor();
        const testResponse = page.waitForResponse(
          (response) =>
            new URL(response.url()).pathname === `/api/v1/webhooks/${endpoint.id}/test` &&
            response.request().method() === 'POST',
        );
        testResponse.catch(() => {});
        await row.getByRole('button', { name: L.sendTest }).click();
        const queued = await testResponse;
        check(queued.ok(), `sending the test event answered ${queued.status()}`);
        const delivery = await queued.json();

        // The worker of `crm serve` delivers it; the open log refreshes until it is done.
        await row.getByRole('button', { name: L.deliveries }).click();
        const entry = page.getByTestId('webhook-delivery').first();
        // The second column of an attempt is its HTTP status.
        await entry
          .locator('tbody tr td:nth-child(2)', { hasText: /^200$/ })
          .waitFor({ timeout: 15_000 });
        await page.screenshot({ path: `${RESULTS}webhook-deliveries.png`, fullPage: true });

        // What the receiver got: Standard Webhooks headers and a signature made with the secret.
        const request = await receiver.next(
          (received) => received.headers['webhook-id'] === delivery.event_id,
          5_000,
        );
        check(request.method === 'POST', `the receiver got a ${request.method}`);
        check(new URL(request.url, receiver.url).pathname === new URL(url).pathname, 'wrong path');
        const id = request.headers['webhook-id'];
        const timestamp = request.headers['webhook-timestamp'];
        const signatures = request.headers['webhook-signature'];
        check(
          id && timestamp && signatures,
          `headers lack webhook-*: ${JSON.stringify(request.headers)}`,
        );
        check(
          Math.abs(Date.now() / 1000 - Number(timestamp)) < 300,
          `webhook-timestamp ${timestamp} is not now`,
        );
        const expected = sign(secret, id, timestamp, request.body);
        check(
          signatures.split(' ').some((signature) => sameText(signature, `v1,${expected}`)),
          `no signature in "${signatures}" matches v1,${expected}`,
        );
        const payload = JSON.parse(request.body);
        check(payload.type === 'webhook.test', `the payload is a ${payload.type}`);
      } finally {
        await receiver.close();
      }
    },
  },
  {
    name: 'a seller opens a deal from the board, edits it, attaches the contract its stage needs and records a call',
    run: sellerWorksADealFromTheBoard,
  },
  {
    name: 'a seller lands on the today screen, sees the counters and completes a task with a result',
    run: sellerCompletesTaskFromToday,
  },
];

/**
 * Issue 10, the deal page: a demo seller opens a deal from the board, edits its amount in place,
 * moves it into "Договор", which asks for the contract, attaches it in the dialog and so
 * completes the move, then records a call with its result and the follow-up task it suggests.
 */
async function sellerWorksADealFromTheBoard(page) {
  const seller = {
    email: process.env.E2E_SELLER_EMAIL || 'a.sidorov@example.com',
    password: process.env.E2E_SELLER_PASSWORD || 'demo-password',
  };
  const path = (response) => new URL(response.url()).pathname;
  const waitFor = (method, pathname) => {
    const response = page.waitForResponse(
      (answer) => answer.request().method() === method && path(answer) === pathname,
    );
    response.catch(() => {});
    return response;
  };
  await page.goto(`${BASE_URL}/login`);
  await page.getByLabel('Эл. почта').fill(seller.email);
  await page.getByLabel('Пароль').fill(seller.password);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.waitForURL((url) => url.pathname !== '/login');

  // The board of the demo "Продажи" funnel; a deal of its first stage, before "Договор".
  const funnelsResponse = waitFor('GET', '/api/v1/funnels');
  await page.goto(`${BASE_URL}/deals`);
  const funnels = await (await funnelsResponse).json();
  const sales = funnels.find((funnel) => funnel.name === 'Продажи');
  check(sales, 'no "Продажи" funnel');
  await page.getByTestId('stage-column').first().waitFor();
  if (!sales.is_default) {
    await page.getByRole('textbox', { name: /Воронка/ }).click();
    await page.getByRole('option', { name: 'Продажи', exact: true }).click();
  }
  const contractStage = sales.stages.find((stage) => stage.required_documents.includes('contract'));
  check(contractStage, 'no stage of "Продажи" requires a contract');
  const before = sales.stages
    .filter((stage) => stage.position < contractStage.position)
    .toSorted((a, b) => a.position - b.position);
  let card = null;
  for (const stage of before) {
    const cards = page.locator(
      `[data-testid="stage-column"][aria-label="${stage.name}"] [data-testid="deal-card"]`,
    );
    if ((await cards.count()) > 0) {
      card = cards.first();
      break;
    }
  }
  check(card, `the seller has no deal before "${contractStage.name}"`);
  await card.click();
  await page.waitForURL((url) => /^\/deals\/[0-9a-f-]{36}$/.test(url.pathname));
  const dealId = new URL(page.url()).pathname.split('/').pop();
  await page.getByTestId('deal-title').waitFor();

  // The amount, edited in place; the PATCH names the version it saw.
  const amount = page.getByTestId('deal-field-amount');
  await amount.getByRole('button', { name: 'Изменить: Сумма' }).click();
  await amount.getByLabel('Сумма').fill('245 000');
  const patched = waitFor('PATCH', `/api/v1/deals/${dealId}`);
  await amount.getByLabel('Сумма').press('Enter');
  const patch = await patched;
  check(patch.ok(), `saving the amount answered ${patch.status()}`);
  check(/^"v\d+"$/.test(patch.request().headers()['if-match'] ?? ''), 'no If-Match on the PATCH');
  check((await patch.json()).amount === '245000.00', 'the amount was not saved');
  await amount.getByText(/245\s000/).waitFor();
  await page.screenshot({ path: `${RESULTS}deal-page.png`, fullPage: true });

  // Into the contract stage: refused for the missing contract, which the dialog attaches.
  const stageSelect = page.getByLabel('Этап', { exact: true }).and(page.locator('input'));
  const refused = waitFor('POST', `/api/v1/deals/${dealId}/move`);
  await stageSelect.click();
  await page.getByRole('option', { name: contractStage.name, exact: true }).click();
  check((await refused).status() === 422, 'the move was not refused for the contract');
  const dialog = page.getByTestId('stage-requirements');
  await dialog.getByText('Нужен документ: Договор').waitFor();
  await dialog.locator('input[type="file"]').setInputFiles({
    name: 'dogovor-e2e.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4\n% e2e contract\n'),
  });
  const uploaded = waitFor('POST', '/api/v1/attachments');
  await dialog.getByRole('button', { name: 'Загрузить' }).click();
  const upload = await uploaded;
  check(upload.status() === 201, `the upload answered ${upload.status()}`);
  check((await upload.json()).document_type === 'contract', 'the file is not a contract');
  await dialog.getByText('Прикреплён').waitFor();
  await page.screenshot({ path: `${RESULTS}deal-stage-requirements.png`, fullPage: true });
  const moved = waitFor('POST', `/api/v1/deals/${dealId}/move`);
  await dialog.getByRole('button', { name: `Перевести на «${contractStage.name}»` }).click();
  const move = await moved;
  check(move.ok(), `the move answered ${move.status()}`);
  check((await move.json()).stage_id === contractStage.id, 'the deal is not in the contract stage');
  await dialog.waitFor({ state: 'detached' });
  check(
    (await stageSelect.inputValue()) === contractStage.name,
    'the stage selector does not show the new stage',
  );
  await page.getByTestId('deal-files').getByText('dogovor-e2e.pdf').waitFor();

  // A call with its result, then the follow-up task the form suggests.
  const subject = `Договор e2e ${Date.now()}`;
  await page.getByLabel('Тема').fill(subject);
  await page.getByLabel(/^Результат/).fill('Договор отправлен, клиент подпишет в пятницу');
  const logged = waitFor('POST', '/api/v1/activities');
  await page.getByRole('button', { name: 'Записать' }).click();
  const activity = await logged;
  check(activity.status() === 201, `the call was refused: ${activity.status()}`);
  check((await activity.json()).kind === 'call', 'the activity is not a call');
  const taskTitle = page.getByLabel(/^Что сделать/);
  await taskTitle.waitFor();
  check((await taskTitle.inputValue()) === `Следующий шаг: ${subject}`, 'no follow-up suggested');
  const created = waitFor('POST', '/api/v1/tasks');
  await page.getByRole('button', { name: 'Поставить задачу' }).click();
  const task = await created;
  check(task.status() === 201, `the follow-up task was refused: ${task.status()}`);
  check((await task.json()).deal_id === dealId, 'the follow-up task is not on the deal');
  await page.getByTestId('open-tasks').getByText(`Следующий шаг: ${subject}`).waitFor();
  await page.getByTestId('work-timeline').getByText(`Звонок (исходящий): ${subject}`).waitFor();
  await page.screenshot({ path: `${RESULTS}deal-work-recorded.png`, fullPage: true });
}

const SELLER_EMAIL = process.env.E2E_SELLER_EMAIL || 'a.sidorov@example.com';
const SELLER_PASSWORD = process.env.E2E_SELLER_PASSWORD || 'demo-password';

/**
 * Issue 10, the today screen: a demo seller with an overdue task (planted through the API)
 * signs in, lands on "Today", sees the task counted in the navigation and in its section,
 * ticks it, writes the result, plans the next step, and the task leaves the day.
 */
async function sellerCompletesTaskFromToday(page) {
  const api = page.request;
  const login = await api.post(`${BASE_URL}/api/v1/auth/login`, {
    data: { email: SELLER_EMAIL, password: SELLER_PASSWORD },
  });
  check(login.ok(), `the seller could not sign in through the API: ${login.status()}`);
  const headers = { Authorization: `Bearer ${(await login.json()).access_token}` };
  const clients = await (await api.get(`${BASE_URL}/api/v1/clients?limit=1`, { headers })).json();
  check(clients.items.length > 0, 'the demo seller has no client');
  const title = `Перезвонить по e2e ${Date.now()}`;
  const planted = await api.post(`${BASE_URL}/api/v1/tasks`, {
    headers,
    data: {
      title,
      client_id: clients.items[0].id,
      // Older than the demo's overdue tasks: the section lists the longest overdue first.
      due_at: new Date(Date.now() - 90 * 86_400_000).toISOString(),
      priority: 'high',
    },
  });
  check(planted.ok(), `the overdue task was refused: ${planted.status()}`);
  const task = await planted.json();

  await page.goto(`${BASE_URL}/login`);
  await page.getByLabel('Эл. почта').fill(SELLER_EMAIL);
  await page.getByLabel('Пароль').fill(SELLER_PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.waitForURL((url) => url.pathname === '/');

  const overdue = page.getByTestId('today-overdue');
  await overdue.waitFor();
  const row = overdue.getByTestId('today-task').filter({ hasText: title });
  await row.waitFor();
  const before = Number(await page.getByTestId('nav-count-/').textContent());
  check(before >= 1, `the navigation counts ${before} due tasks`);
  check(
    Number(await page.getByTestId('nav-count-/tasks').textContent()) === before,
    'the Today and Tasks counters differ',
  );
  await row.getByRole('link', { name: clients.items[0].name }).waitFor();
  await page.screenshot({ path: `${RESULTS}today.png`, fullPage: true });

  await row.getByRole('checkbox').click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(/^Результат/).fill('Клиент подтвердил заказ, ждёт счёт');
  await dialog.getByLabel(/^Следующая задача/).fill('Выставить счёт');
  await page.screenshot({ path: `${RESULTS}today-complete.png`, fullPage: true });
  const completed = page.waitForResponse(
    (response) =>
      new URL(response.url()).pathname === `/api/v1/tasks/${task.id}/complete` && response.ok(),
  );
  completed.catch(() => {});
  await dialog.getByRole('button', { name: 'Выполнить' }).click();
  await completed;
  await dialog.waitFor({ state: 'hidden' });
  await row.waitFor({ state: 'detached' });

  const done = await (await api.get(`${BASE_URL}/api/v1/tasks/${task.id}`, { headers })).json();
  check(done.done === true, 'the task is not done on the server');
  const timeline = await (
    await api.get(`${BASE_URL}/api/v1/tasks?client_id=${task.client_id}&done=false`, { headers })
  ).json();
  check(
    timeline.items.some((item) => item.title === 'Выставить счёт'),
    'the next task was not planned',
  );
  await page.screenshot({ path: `${RESULTS}today-done.png`, fullPage: true });
}

/** Waits until the locator matches exactly `count` elements. */
async function waitForCount(locator, count, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  let seen = await locator.count();
  while (seen !== count) {
    if (Date.now() > deadline) throw new Failure(`${seen} elements, expected ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    seen = await locator.count();
  }
}

/** Signs in as the seeded administrator through the form and waits for the app shell. */
async function signIn(page) {
  await page.goto(`${BASE_URL}/login`);
  await page.getByLabel('Эл. почта').fill(EMAIL);
  await page.getByLabel('Пароль').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.waitForURL((url) => url.pathname === '/');
  await page.getByRole('navigation').waitFor();
}

/**
 * A webhook receiver on a free port of 127.0.0.1 that answers 200 and keeps what it got;
 * `next(match, ms)` resolves with the first request that matches, however early it came.
 */
async function startReceiver() {
  const received = [];
  const waiters = new Set();
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const entry = {
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(entry);
      for (const waiter of waiters) waiter(entry);
      response.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    next(match, timeout) {
      const early = received.find(match);
      if (early) return Promise.resolve(early);
      return new Promise((resolve, reject) => {
        const waiter = (entry) => {
          if (!match(entry)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(entry);
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Failure(`the receiver got no matching request in ${timeout} ms`));
        }, timeout);
        waiters.add(waiter);
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // The worker's HTTP client keeps its connection alive; it must not hold the close up.
        server.closeAllConnections();
      }),
  };
}

/** Standard Webhooks: HMAC-SHA256 of `id.timestamp.body` keyed by the secret after `whsec_`. */
function sign(secret, id, timestamp, body) {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
}

function sameText(a, b) {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

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
    console.log(`e2e: 0 passed, ${tests.length} failed`);
    return 1;
  }

  let passed = 0;
  let failed = 0;
  try {
    for (const test of tests) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
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
        const shot = `${RESULTS}failure-${tests.indexOf(test) + 1}.png`;
        await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
        console.log(`  ✗ ${test.name} (${Date.now() - started} ms)`);
        console.log(`    at ${page.url()}: ${error.message.split('\n').join('\n    ')}`);
        console.log(`    screenshot: ${shot}`);
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
