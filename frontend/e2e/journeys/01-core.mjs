/* global document */
// The shell, sign-in and token refresh, board, lists and webhooks.
import {
  BASE_URL,
  EMAIL,
  PASSWORD,
  NAV_PATHS,
  L,
  RESULTS,
  Failure,
  check,
  signIn,
  startReceiver,
  sign,
  sameText,
} from '../lib.mjs';

export const tests = [
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
      check(first.items.length === 100, `the first page holds ${first.items.length} deals`);
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
      // The list is virtualised: the rows in view are in the document (data-index), spacer
      // rows stand for the others.
      const rows = page.locator('[data-testid="deal-list"] tbody tr[data-index]');
      await rows.first().waitFor();
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
      // The searched list replaces the other: every row in view matches.
      await page.waitForFunction((text) => {
        const shown = [
          ...document.querySelectorAll('[data-testid="deal-list"] tbody tr[data-index]'),
        ];
        return (
          shown.length > 0 && shown.every((row) => row.textContent.toLowerCase().includes(text))
        );
      }, word.toLowerCase());
      check(
        (await rows.count()) <= found.items.length,
        `${await rows.count()} rows for ${found.items.length} found`,
      );
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
];
