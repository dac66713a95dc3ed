// Issue 10: a seller's working day.
import {
  BASE_URL,
  RESULTS,
  SELLER_EMAIL,
  SELLER_PASSWORD,
  check,
  clickPastToasts,
} from '../lib.mjs';

export const tests = [
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
  await page.getByRole('button', { name: 'Записать', exact: true }).click();
  const activity = await logged;
  check(activity.status() === 201, `the call was refused: ${activity.status()}`);
  check((await activity.json()).kind === 'call', 'the activity is not a call');
  const taskTitle = page.getByLabel(/^Что сделать/);
  await taskTitle.waitFor();
  check((await taskTitle.inputValue()) === `Следующий шаг: ${subject}`, 'no follow-up suggested');
  const created = waitFor('POST', '/api/v1/tasks');
  // The demo seller's stale deals may be toasting (the check runs as the worker starts).
  await clickPastToasts(page, page.getByRole('button', { name: 'Поставить задачу' }));
  const task = await created;
  check(task.status() === 201, `the follow-up task was refused: ${task.status()}`);
  check((await task.json()).deal_id === dealId, 'the follow-up task is not on the deal');
  await page.getByTestId('open-tasks').getByText(`Следующий шаг: ${subject}`).waitFor();
  await page.getByTestId('work-timeline').getByText(`Звонок (исходящий): ${subject}`).waitFor();
  await page.screenshot({ path: `${RESULTS}deal-work-recorded.png`, fullPage: true });
}

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
