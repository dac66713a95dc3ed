/* global document, requestAnimationFrame */
// Issue 10, the board: a head of sales filters it by a seller of the team; a seller drags cards
// between stages, and a refused move (a stage's missing document, a deal changed meanwhile)
// puts the card back where it was.
import { BASE_URL, EMAIL, PASSWORD, apiHeaders, check, responseTo, screenshot } from '../lib.mjs';

const HEAD = { email: 'i.petrova@example.com', password: 'demo-password' };
const SELLER = {
  email: process.env.E2E_SELLER_EMAIL || 'a.sidorov@example.com',
  password: process.env.E2E_SELLER_PASSWORD || 'demo-password',
  name: 'Алексей Сидоров',
};
// Wide enough for the first five columns of the demo funnel side by side.
const WIDE = { width: 1920, height: 1000 };

export const tests = [
  {
    name: "a head of sales filters the board by a seller and sees only that seller's deals, with initials on the cards",
    viewport: WIDE,
    run: headFiltersTheBoardBySeller,
  },
  {
    name: 'a seller drags a card to the next stage; a refused move rolls back',
    viewport: WIDE,
    run: sellerDragsCards,
  },
  {
    name: 'the administrator scrolls 2,000 deals into the list: a window of rows in the document, pages by cursor, sorting and columns still work',
    run: dealListStaysFastAtTwoThousandRows,
  },
];

const pathOf = (response) => new URL(response.url()).pathname;

/** Signs in with the notification stream kept out: the freshly seeded demo replays every
 * notification as new, and the today refetch each one asks for swamps the throw-away server
 * (the bell has its own journey, 13-quality). */
async function signInQuietly(page, email, password) {
  await page.route('**/api/v1/notifications/stream**', (route) => route.abort());
  await page.goto(`${BASE_URL}/login`);
  await page.getByLabel('Эл. почта').fill(email);
  await page.getByLabel('Пароль').fill(password);
  await page.getByRole('button', { name: 'Войти' }).click();
  // The landing page is the today screen, slow on a machine shared with other test runs.
  await page.waitForURL((url) => url.pathname !== '/login', { timeout: 45_000 });
  await page.getByRole('navigation').waitFor({ timeout: 45_000 });
}

/** The "Продажи" funnel shown on the board, with its stages in order. */
async function openSalesBoard(page) {
  const funnelsResponse = responseTo(page, 'GET', '/api/v1/funnels');
  await page.goto(`${BASE_URL}/deals`);
  const funnels = await (await funnelsResponse).json();
  const sales = funnels.find((funnel) => funnel.name === 'Продажи');
  check(sales, 'no "Продажи" funnel');
  await page.getByTestId('stage-column').first().waitFor();
  if (!sales.is_default) {
    await page.getByRole('textbox', { name: /Воронка/ }).click();
    await page.getByRole('option', { name: 'Продажи', exact: true }).click();
  }
  const stages = sales.stages.toSorted((a, b) => a.position - b.position);
  await column(page, stages[0].name).waitFor();
  return stages;
}

const column = (page, name) => page.locator(`[data-testid="stage-column"][aria-label="${name}"]`);

async function headFiltersTheBoardBySeller(page) {
  await signInQuietly(page, HEAD.email, HEAD.password);
  // The team filter asks, on opening the board, for the people whose deals the head may see.
  const offered = page.waitForResponse(
    (response) =>
      pathOf(response) === '/api/v1/users' &&
      new URL(response.url()).searchParams.get('owners_of') === 'deals',
  );
  offered.catch(() => {});
  await openSalesBoard(page);

  // The head sees the sales department and the departments below it; people outside it (the
  // marketer, the lawyer) are not among the choices.
  const people = await (await offered).json();
  const names = people.items.map((user) => user.full_name);
  check(names.includes(SELLER.name), `the team filter does not offer ${SELLER.name}: ${names}`);
  check(
    !names.includes('Юлия Шевченко') && !names.includes('Светлана Кузнецова'),
    `the team filter offers people outside the head's departments: ${names}`,
  );
  await page.getByTestId('team-select').click();
  const filtered = page.waitForResponse(
    (response) =>
      pathOf(response).endsWith('/board') &&
      new URL(response.url()).searchParams.getAll('responsible_id').length === 1,
  );
  filtered.catch(() => {});
  await page.getByRole('option', { name: SELLER.name, exact: true }).click();
  await page.keyboard.press('Escape');
  const board = await (await filtered).json();
  const sellerId = new URL((await filtered).url()).searchParams.get('responsible_id');
  check(
    new URL(page.url()).searchParams.get('responsible') === sellerId,
    'the URL lacks the filter',
  );

  // Every card of the answer is the seller's, and the cards show the seller's initials.
  const deals = board.columns.flatMap((c) => c.deals);
  check(deals.length > 0, `${SELLER.name} has no open deals on the board`);
  check(
    deals.every((deal) => deal.responsible_id === sellerId),
    'the filtered board holds deals of someone else',
  );
  const cards = page.getByTestId('deal-card');
  await cards.first().waitFor();
  const avatars = page.getByTestId('deal-card').getByTestId('responsible-avatar');
  const labels = await avatars.evaluateAll((nodes) =>
    nodes.map((node) => [node.getAttribute('aria-label'), node.textContent.trim()]),
  );
  check(labels.length > 0, 'no initials on the cards');
  check(
    labels.every(([label, text]) => label === `Ответственный: ${SELLER.name}` && text === 'АС'),
    `cards with other initials: ${JSON.stringify(labels.slice(0, 5))}`,
  );
  await screenshot(page, 'board-head-filtered-by-seller');

  // A reload (or a shared link) opens the same filter.
  const again = page.waitForResponse(
    (response) =>
      pathOf(response).endsWith('/board') &&
      new URL(response.url()).searchParams.get('responsible_id') === sellerId,
  );
  again.catch(() => {});
  await page.reload();
  await again;
  await page.getByTestId('team-select').locator('..').getByText(SELLER.name).first().waitFor();
}

/** Drags `card` by the mouse onto the column `target`, in small steps as a hand would. */
async function drag(page, card, target) {
  await card.scrollIntoViewIfNeeded();
  const from = await card.boundingBox();
  const to = await target.boundingBox();
  const x = from.x + from.width / 2;
  const y = from.y + 12;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + 12, y + 4, { steps: 4 });
  await page.mouse.move(to.x + to.width / 2, to.y + 140, { steps: 20 });
  await page.mouse.up();
}

async function sellerDragsCards(page) {
  await signInQuietly(page, SELLER.email, SELLER.password);
  const headers = await apiHeaders(page, SELLER.email, SELLER.password);
  const stages = await openSalesBoard(page);
  // A column with at least two of the seller's cards whose next stage asks for nothing.
  let from = -1;
  for (let i = 0; i + 1 < stages.length; i += 1) {
    const next = stages[i + 1];
    if (next.required_documents.length || next.required_fields.length) continue;
    if ((await column(page, stages[i].name).getByTestId('deal-card').count()) >= 2) {
      from = i;
      break;
    }
  }
  check(from >= 0, 'the seller has no column of two cards before a stage without requirements');
  const source = column(page, stages[from].name);
  const target = column(page, stages[from + 1].name);

  // Keyboard users hear, in Russian, what picking a card up and cancelling did.
  const firstCard = source.getByTestId('deal-card').first();
  const firstTitle = await firstCard.getByRole('link').first().innerText();
  await firstCard.focus();
  await page.keyboard.press('Space');
  const live = page.locator('[id^="DndLiveRegion"]');
  await live.getByText(`Сделка «${firstTitle}» над этапом «${stages[from].name}».`).waitFor();
  // One arrow press carries it to the next column.
  await page.keyboard.press('ArrowRight');
  await live.getByText(`Сделка «${firstTitle}» над этапом «${stages[from + 1].name}».`).waitFor();
  await page.keyboard.press('Escape');
  await live.getByText(`Перенос сделки «${firstTitle}» отменён.`).waitFor();
  const instructions = await page.locator('[id^="DndDescribedBy"]').first().textContent();
  check(/пробел или Enter/.test(instructions), `no Russian instructions: ${instructions}`);

  // 1. A move the stage accepts: sent with If-Match, the card stays in the new column.
  const moving = source.getByTestId('deal-card').first();
  const movingTitle = await moving.getByRole('link').first().innerText();
  const moved = page.waitForResponse(
    (response) => response.request().method() === 'POST' && pathOf(response).endsWith('/move'),
  );
  moved.catch(() => {});
  await drag(page, moving, target);
  const move = await moved;
  check(move.ok(), `the move answered ${move.status()}`);
  check(/^"v\d+"$/.test(move.request().headers()['if-match'] ?? ''), 'no If-Match on the move');
  await target.getByTestId('deal-card').filter({ hasText: movingTitle }).first().waitFor();
  check(
    (await source.getByTestId('deal-card').filter({ hasText: movingTitle }).count()) === 0,
    'the moved card is still in its old column',
  );
  await screenshot(page, 'board-seller-moved');

  // 2. Someone else changes a deal while its card is on screen: the move is refused (412)
  //    and the card goes back, with a word why.
  const stale = source.getByTestId('deal-card').first();
  const staleTitle = await stale.getByRole('link').first().innerText();
  const staleId = (await stale.getByRole('link').first().getAttribute('href')).split('/').pop();
  const current = await page.request.get(`${BASE_URL}/api/v1/deals/${staleId}`, { headers });
  const deal = await current.json();
  const edited = await page.request.patch(`${BASE_URL}/api/v1/deals/${staleId}`, {
    headers: { ...headers, 'If-Match': `"v${deal.version}"` },
    data: { expected_close_date: '2031-12-31' },
  });
  check(edited.ok(), `the concurrent edit answered ${edited.status()}`);
  const refused = page.waitForResponse(
    (response) => response.request().method() === 'POST' && pathOf(response).endsWith('/move'),
  );
  refused.catch(() => {});
  await drag(page, stale, target);
  check((await refused).status() === 412, `the stale move answered ${(await refused).status()}`);
  await page.getByText('Сделку изменили').waitFor();
  await source.getByTestId('deal-card').filter({ hasText: staleTitle }).first().waitFor();
  check(
    (await target.getByTestId('deal-card').filter({ hasText: staleTitle }).count()) === 0,
    'the refused card stayed in the new column',
  );
  await screenshot(page, 'board-seller-move-conflict');

  // 3. A stage that needs a contract: refused, the dialog asks for it; cancelled, the card
  //    is back in its column.
  const contractStage = stages.find((stage) => stage.required_documents.includes('contract'));
  const contractColumn = column(page, contractStage.name);
  const needy = source.getByTestId('deal-card').first();
  const needyTitle = await needy.getByRole('link').first().innerText();
  const asked = page.waitForResponse(
    (response) => response.request().method() === 'POST' && pathOf(response).endsWith('/move'),
  );
  asked.catch(() => {});
  await drag(page, needy, contractColumn);
  check((await asked).status() === 422, `the contract move answered ${(await asked).status()}`);
  const dialog = page.getByTestId('stage-requirements');
  await dialog.getByText('Нужен документ: Договор').waitFor();
  await screenshot(page, 'board-seller-move-needs-contract');
  await dialog.getByRole('button', { name: 'Отмена' }).click();
  await dialog.waitFor({ state: 'detached' });
  await source.getByTestId('deal-card').filter({ hasText: needyTitle }).first().waitFor();
  check(
    (await contractColumn.getByTestId('deal-card').filter({ hasText: needyTitle }).count()) === 0,
    'the refused card stayed in the contract column',
  );
}

const DEAL_ROWS = '[data-testid="deal-list"] tbody tr[data-index]';

/**
 * Issue 10, item 3: the deal list beside the board loads its keyset pages as the end scrolls
 * into view, and keeps only the rows in view in the document, so a jump at 2,000 loaded deals
 * costs what it cost at the first page. The times are printed; the jump is checked against the
 * same measure at the first page (a machine shared with other test runs has no fixed budget).
 */
async function dealListStaysFastAtTwoThousandRows(page) {
  await signInQuietly(page, EMAIL, PASSWORD);
  const cursors = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (request.method() === 'GET' && url.pathname === '/api/v1/deals') {
      cursors.push(url.searchParams.get('cursor'));
    }
  });
  await page.goto(`${BASE_URL}/deals?view=list`);
  const scroller = page.getByTestId('deal-scroller');
  await scroller.waitFor();
  await page.locator(DEAL_ROWS).first().waitFor();
  const jumps = () =>
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
  const median = (values) => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)];
  const loaded = () =>
    page.evaluate(
      (selector) =>
        Math.max(
          0,
          ...[...document.querySelectorAll(selector)].map((row) => 1 + Number(row.dataset.index)),
        ),
      DEAL_ROWS,
    );
  const firstJumps = await jumps();

  for (let step = 0; step < 200 && (await loaded()) < 2000; step += 1) {
    const before = await loaded();
    await scroller.evaluate((element) => element.scrollTo(0, element.scrollHeight));
    await page
      .waitForFunction(
        ([selector, seen]) =>
          Math.max(
            0,
            ...[...document.querySelectorAll(selector)].map((row) => 1 + Number(row.dataset.index)),
          ) > seen,
        [DEAL_ROWS, before],
        { timeout: 10_000 },
      )
      .catch(() => {});
  }
  const count = await loaded();
  check(count >= 2000, `only ${count} deals were loaded by scrolling`);
  const pages = cursors.filter(Boolean).length;
  check(pages >= 19, `the list asked for ${pages} further pages by cursor`);
  const inDocument = await page.locator(DEAL_ROWS).count();
  check(inDocument < 80, `${inDocument} deal rows are in the document at once`);
  const shown = ((await page.getByTestId('deal-list-shown').textContent()) ?? '').replace(
    /\s/g,
    '',
  );
  // The rows drawn reach the end of what is loaded (the next page may be on its way already).
  const held = Number(/^Показано(\d+)из/.exec(shown)?.[1]);
  check(held >= count && held - count <= 200, `the list says "${shown}" with ${count} drawn`);
  const lastJumps = await jumps();
  const summary = `a jump ${median(firstJumps).toFixed(0)} ms at the first page and ${median(lastJumps).toFixed(0)} ms at ${count} rows`;
  console.log(`    deal list: ${summary}`);
  check(
    median(lastJumps) < 2 * median(firstJumps) + 20,
    `jumping through ${count} rows costs more than through the first page: ${summary}`,
  );
  await screenshot(page, 'deals-list-two-thousand-rows');

  // Sorting starts again from the first page, in the new order, and keeps it in the URL.
  const sorted = responseTo(page, 'GET', '/api/v1/deals');
  await page.getByRole('button', { name: /^Сумма/ }).click();
  const answer = await sorted;
  check(new URL(answer.url()).searchParams.get('sort') === '-amount', `sorted ${answer.url()}`);
  check(!new URL(answer.url()).searchParams.get('cursor'), 'a new order asked from a cursor');
  await page.waitForURL((url) => url.searchParams.get('sort') === '-amount');
  await page.waitForFunction(
    (selector) => document.querySelectorAll(selector).length > 0,
    DEAL_ROWS,
  );
  const amounts = (await answer.json()).items.map((deal) => Number(deal.amount ?? 0));
  check(
    amounts.every((amount, index) => index === 0 || amounts[index - 1] >= amount),
    `the deals by amount are ${JSON.stringify(amounts.slice(0, 10))}`,
  );

  // A column chosen shows in the virtualised table.
  await page.getByRole('button', { name: 'Столбцы' }).click();
  await page.getByRole('checkbox', { name: 'Источник' }).click();
  await page
    .locator('[data-testid="deal-list"] thead')
    .getByRole('columnheader', { name: 'Источник' })
    .waitFor();
  await page.getByRole('checkbox', { name: 'Источник' }).click();
}
