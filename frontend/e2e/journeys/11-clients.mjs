/* global document, window, requestAnimationFrame, MutationObserver */
// Issue 10, item 6: a seller's clients.
import {
  BASE_URL,
  EMAIL,
  PASSWORD,
  SELLER_EMAIL,
  SELLER_PASSWORD,
  apiHeaders,
  check,
  responseTo,
  screenshot,
  signInAs,
} from '../lib.mjs';

export const tests = [
  {
    name: "a seller edits a client's phone and responsible on the card, finds it by a phone fragment, and merges a duplicate",
    run: sellerWorksAClient,
  },
  {
    name: 'the client list renders 2,000 loaded clients as fast as 50 (virtualised), timed against 100 ms',
    run: listStaysFastAtTwoThousandRows,
  },
];

const COLLEAGUE = 'Дмитрий Морозов';

/**
 * A demo seller's client with a contact, and a duplicate of it, planted through the API. On
 * the card the seller fixes the contact's phone (typed the domestic way, stored in E.164),
 * finds the client in the list by a fragment of the new number written with the trunk 8, merges
 * the duplicate into it after seeing what moves, and at last hands the client to a colleague.
 */
async function sellerWorksAClient(page) {
  const headers = await apiHeaders(page, SELLER_EMAIL, SELLER_PASSWORD);
  const tag = String(Date.now()).slice(-7);
  const name = `ООО «Журавль ${tag}»`;
  const plant = async (body) => {
    const response = await page.request.post(`${BASE_URL}/api/v1/clients`, {
      headers,
      data: { ...body, confirm_duplicate: true },
    });
    check(response.status() === 201, `planting ${body.name} answered ${response.status()}`);
    return response.json();
  };
  const client = await plant({
    name,
    temperature: 'warm',
    contacts: [{ full_name: 'Ирина Журавлёва', phones: ['+7 (900) 000-00-00'] }],
  });
  const duplicate = await plant({
    name: `Журавль ${tag}`,
    sector: 'Логистика',
    contacts: [{ full_name: 'Пётр Журавлёв', emails: [`zhuravl${tag}@example.com`] }],
  });
  await page.request.post(`${BASE_URL}/api/v1/tasks`, {
    headers,
    data: { title: 'Отправить прайс', client_id: duplicate.id },
  });

  // The freshly seeded demo replays every notification as new: its toasts would cover the
  // card's buttons (the bell has its own journey, 13-quality).
  await page.route('**/api/v1/notifications/stream**', (route) => route.abort());
  await signInAs(page, SELLER_EMAIL, SELLER_PASSWORD);
  await page.goto(`${BASE_URL}/clients/${client.id}`);
  await page.getByRole('heading', { name }).waitFor();

  // The contact's phone, typed as people in Russia do; the server stores it in E.164.
  const digits = `985${tag}`;
  const typed = `8 (${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6, 8)}-${digits.slice(8)}`;
  await page.getByRole('button', { name: 'Изменить контакт Ирина Журавлёва' }).click();
  const editor = page.getByRole('dialog');
  await editor.getByRole('textbox', { name: 'Телефоны 1' }).fill(typed);
  const contactSaved = responseTo(page, 'PATCH', `/api/v1/contacts/${client.contacts[0].id}`);
  await editor.getByRole('button', { name: 'Сохранить' }).click();
  const contact = await contactSaved;
  check(contact.ok(), `saving the phone answered ${contact.status()}`);
  check(
    /^"v\d+"$/.test(contact.request().headers()['if-match'] ?? ''),
    'no If-Match on the contact',
  );
  const phones = (await contact.json()).phones.map((phone) => phone.e164);
  check(phones[0] === `+7${digits}`, `the phone was stored as ${phones}`);
  const shown = `+7 ${digits.slice(0, 3)} ${digits.slice(3, 6)}-${digits.slice(6, 8)}-${digits.slice(8)}`;
  await page.getByText(shown).waitFor();
  await screenshot(page, 'clients-1-phone-fixed');

  // Found in the list by a fragment of the number written the domestic way, the match marked.
  await page.goto(`${BASE_URL}/clients`);
  const fragment = `8 (${digits.slice(0, 3)}) ${digits.slice(3, 6)}`;
  const searched = page.waitForResponse(
    (answer) =>
      new URL(answer.url()).pathname === '/api/v1/clients' &&
      new URL(answer.url()).searchParams.get('q') === fragment,
  );
  await page.getByRole('searchbox', { name: 'Поиск' }).fill(fragment);
  const found = await (await searched).json();
  check(
    found.items.some((item) => item.id === client.id),
    `"${fragment}" did not find the client`,
  );
  const list = page.getByTestId('client-list');
  const row = list.getByRole('row').filter({ hasText: name });
  await row.waitFor();
  const marked = await row.locator('mark').allTextContents();
  check(
    marked.includes(`7 ${digits.slice(0, 3)} ${digits.slice(3, 6)}`),
    `the phone match was not marked: ${marked}`,
  );
  check(new URL(page.url()).searchParams.get('q') === fragment, 'the search is not in the URL');
  await screenshot(page, 'clients-2-found-by-phone');

  // Merging the duplicate into it: the dialog shows what moves before anything happens.
  await row.getByRole('link', { name }).click();
  await page.getByRole('heading', { name }).waitFor();
  await page.getByRole('button', { name: 'Объединить…' }).click();
  const dialog = page.getByTestId('client-merge');
  const picker = dialog.locator('input[aria-haspopup="listbox"]');
  await picker.fill(`Журавль ${tag}`);
  await page.getByRole('option', { name: `Журавль ${tag}`, exact: true }).click();
  const moves = dialog.getByTestId('merge-moves');
  await moves.waitFor();
  check(
    (await moves.textContent()).includes('Задачи'),
    'the duplicate task is not among what moves',
  );
  await dialog.getByText('Пустые поля заполнятся: отрасль.').waitFor();
  await screenshot(page, 'clients-3-merge-preview');
  const merged = responseTo(page, 'POST', `/api/v1/clients/${client.id}/merge`);
  await dialog.getByRole('button', { name: 'Объединить', exact: true }).click();
  const merge = await merged;
  check(merge.ok(), `the merge answered ${merge.status()}`);
  const survivor = await merge.json();
  check(survivor.sector === 'Логистика', 'the empty sector was not filled from the duplicate');
  check(survivor.contacts.length === 2, `the survivor has ${survivor.contacts.length} contacts`);
  await page.getByText('Пётр Журавлёв').waitFor();
  const gone = await page.request.get(`${BASE_URL}/api/v1/clients/${duplicate.id}`, { headers });
  check(gone.status() === 404, `the merged duplicate still answers ${gone.status()}`);
  check(
    (await gone.json()).merged_into_id === client.id,
    'the duplicate does not point at the survivor',
  );
  await screenshot(page, 'clients-4-merged');

  // At last the seller hands the client to a colleague, in place, with If-Match.
  const responsible = page.getByTestId('client-field-responsible_id');
  await responsible.getByRole('button', { name: /Изменить/ }).click();
  const select = page
    .getByTestId('client-field-responsible_id')
    .locator('input[aria-haspopup="listbox"]');
  await select.fill(COLLEAGUE.split(' ')[0]);
  await page.getByRole('option', { name: COLLEAGUE }).click();
  const patched = responseTo(page, 'PATCH', `/api/v1/clients/${client.id}`);
  await page
    .getByTestId('client-field-responsible_id')
    .getByRole('button', { name: 'Сохранить' })
    .click();
  const patch = await patched;
  check(patch.ok(), `changing the responsible answered ${patch.status()}`);
  check(/^"v\d+"$/.test(patch.request().headers()['if-match'] ?? ''), 'no If-Match on the PATCH');
  check((await patch.json()).responsible_name === COLLEAGUE, 'the responsible did not change');
  await page.getByTestId('client-field-responsible_id').getByText(COLLEAGUE).waitFor();
  await screenshot(page, 'clients-5-handed-over');
}

const ROWS = '[data-testid="client-list"] tbody tr[data-index]';
const RENDER_BUDGET_MS = 100;

/**
 * Issue 10, items 6 and 11: the administrator scrolls the demo's 2,000 clients into the list
 * (pages asked for as the end comes into view), jumps through them and searches. Only the rows
 * in view are in the document, so rendering does not grow with the rows loaded: a jump at
 * 2,000 rows costs what it cost at 50. The times (from an answer to the table's change, from a
 * jump to the next frame) are printed; on a machine shared with other test runs they are
 * checked against the 100 ms budget only with E2E_STRICT_TIMING=1, and always against the
 * same measure at 50 rows.
 */
async function listStaysFastAtTwoThousandRows(page) {
  await page.route('**/api/v1/notifications/stream**', (route) => route.abort());
  // When the answer of a client list arrives, and when the table changes after it.
  await page.addInitScript(() => {
    const original = window.fetch.bind(window);
    window.__answered = 0;
    window.__changes = [];
    window.fetch = async (...args) => {
      const response = await original(...args);
      const url = args[0] instanceof Request ? args[0].url : String(args[0]);
      if (/\/api\/v1\/clients\?/.test(url)) window.__answered = performance.now();
      return response;
    };
    new MutationObserver((records) => {
      if (records.some((record) => record.target.closest?.('[data-testid="client-list"]'))) {
        window.__changes.push(performance.now());
      }
    }).observe(document, { childList: true, subtree: true, characterData: true });
  });
  const renderAfterAnswer = () =>
    page.evaluate(() => {
      const first = window.__changes.find((at) => at >= window.__answered);
      return first === undefined ? Number.NaN : first - window.__answered;
    });
  const jumps = (scroller) =>
    scroller.evaluate(async (element) => {
      const times = [];
      for (const share of [0.9, 0.1, 0.5, 0.75, 0.25, 1, 0]) {
        const start = performance.now();
        element.scrollTop = share * (element.scrollHeight - element.clientHeight);
        await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
        times.push(performance.now() - start);
      }
      return times;
    });
  const median = (values) =>
    values.filter((value) => !Number.isNaN(value)).toSorted((a, b) => a - b)[
      Math.floor(values.length / 2)
    ] ?? Number.NaN;

  await signInAs(page, EMAIL, PASSWORD);
  await page.goto(`${BASE_URL}/clients`);
  const scroller = page.getByTestId('client-scroller');
  await scroller.waitFor();
  const count = Number(
    ((await page.getByTestId('client-count').textContent()) ?? '').replace(/\D/g, ''),
  );
  check(count >= 2000, `the administrator sees ${count} clients, not the demo's 2,000`);
  const firstJumps = await jumps(scroller);

  const loaded = () =>
    page.evaluate(
      (selector) =>
        Math.max(
          0,
          ...[...document.querySelectorAll(selector)].map((row) => 1 + Number(row.dataset.index)),
        ),
      ROWS,
    );
  const pageTimes = [];
  for (let step = 0; step < 300 && (await loaded()) < 2000; step += 1) {
    const before = await loaded();
    await scroller.evaluate((element) => element.scrollTo(0, element.scrollHeight));
    const grew = await page
      .waitForFunction(
        ([selector, seen]) =>
          Math.max(
            0,
            ...[...document.querySelectorAll(selector)].map((row) => 1 + Number(row.dataset.index)),
          ) > seen,
        [ROWS, before],
        { timeout: 5_000 },
      )
      .then(() => true)
      .catch(() => false);
    if (grew) pageTimes.push(await renderAfterAnswer());
  }
  check((await loaded()) >= 2000, `only ${await loaded()} clients were loaded by scrolling`);
  const inDocument = await page.locator(ROWS).count();
  check(inDocument < 80, `${inDocument} rows are in the document at once`);
  const lastJumps = await jumps(scroller);

  // A search for a word of a loaded client's name: from its answer to the table shown.
  const shownName = await page.locator(`${ROWS} a`).first().textContent();
  const word = (shownName ?? '')
    .split(/[^\p{L}]+/u)
    .filter((part) => part.length >= 4)
    .at(-1);
  check(word, `no word to search for in "${shownName}"`);
  const searched = responseTo(page, 'GET', '/api/v1/clients');
  await page.getByRole('searchbox', { name: 'Поиск' }).fill(word.slice(0, 5));
  await searched;
  await page.waitForFunction(() => window.__changes.some((at) => at >= window.__answered));
  const search = await renderAfterAnswer();
  await screenshot(page, 'clients-6-two-thousand-rows');

  const summary =
    `a page ${median(pageTimes).toFixed(0)} ms (median of ${pageTimes.length}), ` +
    `a jump ${median(firstJumps).toFixed(0)} ms at 50 rows and ${median(lastJumps).toFixed(0)} ms ` +
    `at 2,000, the search ${search.toFixed(0)} ms`;
  console.log(`    client list: ${summary}`);
  check(
    median(lastJumps) < 2 * median(firstJumps) + 20,
    `jumping through 2,000 rows costs more than through 50: ${summary}`,
  );
  if (process.env.E2E_STRICT_TIMING === '1') {
    for (const value of [median(pageTimes), median(lastJumps), search]) {
      check(value < RENDER_BUDGET_MS, `over the ${RENDER_BUDGET_MS} ms budget: ${summary}`);
    }
  }
}
