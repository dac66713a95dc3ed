// Issue 10, items 9 and 12: an administrator sets up the team in the settings, and a seller
// sees the result.
import {
  BASE_URL,
  SELLER_EMAIL,
  SELLER_PASSWORD,
  apiHeaders,
  check,
  responseTo,
  screenshot,
  signIn,
  signInAs,
} from '../lib.mjs';

export const tests = [
  {
    name: 'an admin creates a user, a funnel stage with a requirement and a custom field, and the seller sees them',
    run: adminSetsUpTheTeam,
  },
  {
    name: 'a seller finds no settings, and a settings address typed by hand shows no screen',
    run: sellerHasNoSettings,
  },
  {
    name: 'an admin opens every settings section; the lawyer role comments and attaches',
    run: adminOpensEverySection,
  },
  {
    name: 'an admin reorders loss reasons and funnels with the keyboard, and hears where they went',
    run: adminReordersByKeyboard,
  },
];

async function adminSetsUpTheTeam(page) {
  const tag = Date.now().toString(36);
  await signIn(page);

  // Users: invite a seller into a department.
  await page.goto(`${BASE_URL}/settings/users`);
  const menu = page.getByRole('navigation', { name: 'Разделы настроек' });
  await menu.waitFor();
  await page.getByTestId('settings-user').first().waitFor();
  await page.getByRole('button', { name: 'Пригласить пользователя' }).click();
  const invite = page.getByRole('dialog');
  const email = `e2e-${tag}@example.com`;
  await invite.getByLabel(/^E-mail/).fill(email);
  await invite.getByLabel(/^Имя и фамилия/).fill(`Пётр Новиков ${tag}`);
  await invite.getByRole('combobox', { name: /^Роль/ }).click();
  await page.getByRole('option', { name: 'Продавец', exact: true }).click();
  await invite.getByRole('combobox', { name: /^Отдел/ }).click();
  // The dropdown's options, not the language switcher's native ones.
  await page.getByRole('listbox').getByRole('option').first().click();
  const invited = responseTo(page, 'POST', '/api/v1/users/invitations');
  await invite.getByRole('button', { name: 'Отправить приглашение' }).click();
  const invitation = await invited;
  check(invitation.status() === 201, `the invitation answered ${invitation.status()}`);
  const newcomer = (await invitation.json()).user;
  check(newcomer.role_code === 'seller', `the newcomer's role is ${newcomer.role_code}`);
  check(newcomer.department_id, 'the newcomer is in no department');
  await page.getByText(`Приглашение отправлено на ${email}`).waitFor();
  await page.getByTestId('settings-user').filter({ hasText: email }).waitFor();
  await screenshot(page, 'settings-users');

  // Custom fields: a deal field the new stage will require.
  await menu.getByRole('link', { name: 'Дополнительные поля' }).click();
  await page.getByRole('heading', { name: 'Дополнительные поля' }).waitFor();
  await page.getByRole('button', { name: 'Новое поле' }).click();
  const fieldDialog = page.getByRole('dialog');
  const label = `Город доставки ${tag}`;
  const key = `e2e_city_${tag.replace(/[^a-z0-9]/g, '')}`;
  await fieldDialog.getByLabel(/^Название/).fill(label);
  await fieldDialog.getByLabel(/^Код/).fill(key);
  const fieldCreated = responseTo(page, 'POST', '/api/v1/custom-fields');
  await fieldDialog.getByRole('button', { name: 'Сохранить' }).click();
  const field = await fieldCreated;
  check(field.status() === 201, `the custom field answered ${field.status()}`);
  await page.getByTestId('settings-custom-field').filter({ hasText: label }).waitFor();
  await screenshot(page, 'settings-custom-fields');

  // Funnels: a stage of "B2B-проект" that needs the field and a signed contract.
  await menu.getByRole('link', { name: 'Воронки и этапы' }).click();
  const funnelSelect = page.getByRole('combobox', { name: 'Воронка' });
  await funnelSelect.waitFor();
  await funnelSelect.click();
  await page.getByRole('option', { name: /^B2B-проект/ }).click();
  await page.getByTestId('settings-stage').first().waitFor();
  const before = await page.getByTestId('settings-stage').count();
  await page.getByRole('button', { name: 'Добавить этап' }).click();
  const stageDialog = page.getByRole('dialog');
  const stageName = `Проверка ${tag}`;
  await stageDialog.getByLabel(/^Название этапа/).fill(stageName);
  await stageDialog.getByLabel(/^Вероятность сделки/).fill('85');
  await stageDialog.getByLabel(/^Лимит дней/).fill('3');
  // A multi-select's input sits under its pills box, which takes the click.
  await stageDialog
    .getByRole('combobox', { name: /^Обязательные документы/ })
    .click({ force: true });
  await page.getByRole('listbox').getByRole('option', { name: 'Договор', exact: true }).click();
  // Elsewhere in the form closes the dropdown (Escape would close the dialog too).
  await stageDialog.getByLabel(/^Название этапа/).click();
  await stageDialog
    .getByRole('combobox', { name: /^Обязательные поля сделки/ })
    .click({ force: true });
  await page.getByRole('listbox').getByRole('option', { name: label, exact: true }).click();
  await stageDialog.getByLabel(/^Название этапа/).click();
  const added = page.waitForResponse(
    (answer) =>
      answer.request().method() === 'POST' &&
      /\/api\/v1\/funnels\/[^/]+\/stages$/.test(answer.url()),
  );
  await stageDialog.getByRole('button', { name: 'Сохранить' }).click();
  const stageAnswer = await added;
  check(stageAnswer.status() === 201, `the stage answered ${stageAnswer.status()}`);
  const funnel = await stageAnswer.json();
  const stage = funnel.stages.find((s) => s.name === stageName);
  check(stage, 'the new stage is not in the funnel');
  check(
    stage.required_fields.includes(`custom:${key}`) &&
      stage.required_documents.includes('contract'),
    `the stage's requirements are ${JSON.stringify([stage.required_fields, stage.required_documents])}`,
  );
  const rows = page.getByTestId('settings-stage');
  await rows.nth(before).filter({ hasText: stageName }).waitFor();

  // Drag it one place up with the keyboard, as a screen-reader user would.
  const reordered = page.waitForResponse(
    (answer) => answer.request().method() === 'POST' && answer.url().endsWith('/stages/reorder'),
  );
  reordered.catch(() => {});
  // The closed dialog hands the focus back to the button that opened it: wait for that first.
  await stageDialog.waitFor({ state: 'detached' });
  await page.waitForLoadState('networkidle');
  const handle = page.getByRole('button', { name: `Перетащить этап «${stageName}»` });
  // Each key waits for the drag to answer before the next: the handle is pressed while carried.
  await handle.press('Space');
  await page.locator('[aria-pressed="true"]').waitFor();
  await page.keyboard.press('ArrowUp');
  await page.waitForTimeout(300); // the sensor moves the row on the next animation frames
  await page.keyboard.press('Space');
  const reorder = await reordered;
  check(reorder.ok(), `the reorder answered ${reorder.status()}`);
  const order = (await reorder.json()).stages.map((s) => s.name);
  check(
    order.indexOf(stageName) === before - 1,
    `the stage is at ${order.indexOf(stageName)} of ${JSON.stringify(order)}`,
  );
  await rows
    .nth(before - 1)
    .filter({ hasText: stageName })
    .waitFor();
  // A screen reader heard where the stage went (dnd-kit's live region, visually hidden).
  const announced = (await page.locator('body').textContent()) ?? '';
  check(
    announced.includes(`Этап «${stageName}» поставлен на место ${before}.`),
    'no Russian announcement of the drop',
  );
  await screenshot(page, 'settings-funnel-stages');

  // The seller: the stage is a column of the board, the field is on their deal.
  await page.context().clearCookies();
  await page.evaluate(() => localStorage.clear());
  await signInAs(page, SELLER_EMAIL, SELLER_PASSWORD);
  const nav = page.getByRole('navigation').first();
  check(
    (await nav.locator('a[href="/settings"]').count()) === 0,
    'the seller is offered the settings',
  );
  await page.goto(`${BASE_URL}/deals?funnel=${funnel.id}`);
  const column = page.locator(`[data-testid="stage-column"][aria-label="${stageName}"]`);
  await column.waitFor();
  await screenshot(page, 'seller-board-new-stage');

  const headers = await apiHeaders(page, SELLER_EMAIL, SELLER_PASSWORD);
  const deals = await page.request.get(`${BASE_URL}/api/v1/deals?limit=1`, { headers });
  check(deals.ok(), `the seller's deals answered ${deals.status()}`);
  const deal = (await deals.json()).items[0];
  check(deal, 'the seller has no deal');
  await page.goto(`${BASE_URL}/deals/${deal.id}`);
  await page.getByText(label, { exact: true }).waitFor();
  await screenshot(page, 'seller-deal-custom-field');
}

async function sellerHasNoSettings(page) {
  await signInAs(page, SELLER_EMAIL, SELLER_PASSWORD);
  await page.goto(`${BASE_URL}/settings/funnels`);
  await page.getByText(/нет прав ни на один раздел настроек/).waitFor();
  check(
    (await page.getByTestId('settings-stage').count()) === 0,
    'the seller sees the funnel settings',
  );
  await screenshot(page, 'seller-no-settings');
}

async function adminOpensEverySection(page) {
  await signIn(page);
  const failures = [];
  page.on('response', (response) => {
    if (new URL(response.url()).pathname.startsWith('/api/') && response.status() >= 400) {
      failures.push(`${response.request().method()} ${response.url()} ${response.status()}`);
    }
  });
  await page.goto(`${BASE_URL}/settings`);
  const menu = page.getByRole('navigation', { name: 'Разделы настроек' });
  await menu.waitFor();
  const links = await menu
    .getByRole('link')
    .evaluateAll((all) => all.map((link) => [link.getAttribute('href'), link.textContent]));
  // Every section an administrator holds the permissions of, in the menu's order.
  const sections = [
    'organisation',
    'users',
    'roles',
    'departments',
    'schedules',
    'funnels',
    'loss-reasons',
    'document-types',
    'custom-fields',
    'follow-ups',
    'karma',
    'karma-employees',
    'retention',
    'api-keys',
    'webhooks',
    'automation',
    'call-scripts',
    'intake-forms',
    'intake-inbox',
    'distribution',
    'telephony',
    'onec',
  ].map((section) => `/settings/${section}`);
  check(
    sameList(
      links.map(([href]) => href),
      sections,
    ),
    `the menu has ${links.length} sections: ${JSON.stringify(links)}`,
  );
  for (const [href, name] of links) {
    await menu.locator(`a[href="${href}"]`).click();
    await page.waitForURL((url) => url.pathname === href);
    // The section's own heading (the schedules screen has two, neither named as the link).
    await page.getByRole('heading', { level: 3 }).first().waitFor();
    check(name, `a menu link to ${href} has no name`);
    // Every section settles: no loader left, no load error.
    await page.locator('.mantine-Loader-root').first().waitFor({ state: 'detached' });
    check(
      (await page.getByText('Не удалось загрузить данные.').count()) === 0,
      `${href} failed to load`,
    );
    await screenshot(page, `settings-${href.split('/').pop()}`);
  }
  check(failures.length === 0, `failed API calls: ${failures.join('; ')}`);

  // Item 12: the built-in lawyer comments on and attaches to deals, and changes none.
  await menu.locator('a[href="/settings/roles"]').click();
  const lawyer = page.getByTestId('settings-role').filter({ hasText: 'Юрист' });
  await lawyer.getByRole('button', { name: 'Изменить' }).click();
  const dialog = page.getByRole('dialog');
  const checked = (name) => dialog.getByRole('checkbox', { name, exact: true }).isChecked();
  check(await checked('Комментировать клиентов и сделки'), 'the lawyer cannot comment');
  check(await checked('Прикреплять документы'), 'the lawyer cannot attach documents');
  check(!(await checked('Создавать и менять сделки')), 'the lawyer changes deals');
  await screenshot(page, 'settings-role-lawyer');
}

async function adminReordersByKeyboard(page) {
  await signIn(page);

  // Loss reasons: the second one goes first, and back.
  await page.goto(`${BASE_URL}/settings/loss-reasons`);
  const reasons = page.getByTestId('settings-loss-reason');
  await reasons.nth(1).waitFor();
  const names = await reasons.evaluateAll((rows) =>
    rows.map((row) => row.querySelector('p')?.textContent ?? ''),
  );
  const second = names[1];
  let answer = await dragByKeyboard(
    page,
    `Перетащить причину «${second}»`,
    'ArrowUp',
    '/loss-reasons/reorder',
    `Причина «${second}» над местом 1.`,
  );
  let order = answer.map((r) => r.name);
  check(order[0] === second && order[1] === names[0], `the reasons are ${JSON.stringify(order)}`);
  await reasons.first().filter({ hasText: second }).waitFor();
  await heard(page, `Причина «${second}» поставлена на место 1.`);
  await screenshot(page, 'settings-loss-reasons-reordered');
  answer = await dragByKeyboard(
    page,
    `Перетащить причину «${second}»`,
    'ArrowDown',
    '/loss-reasons/reorder',
    `Причина «${second}» над местом 2.`,
  );
  order = answer.map((r) => r.name);
  check(sameList(order, names), `the reasons went back as ${JSON.stringify(order)}`);

  // Funnels: the last one goes one place up, and back.
  await page.goto(`${BASE_URL}/settings/funnels`);
  const funnels = page.getByTestId('settings-funnel-order-row');
  await funnels.nth(1).waitFor();
  // The rows read "1. Name" (and the default's badge).
  const before = await funnels.evaluateAll((rows) =>
    rows.map((row) => (row.querySelector('p')?.textContent ?? '').replace(/^\d+\. /, '')),
  );
  const last = before[before.length - 1];
  let moved = await dragByKeyboard(
    page,
    `Перетащить воронку «${last}»`,
    'ArrowUp',
    '/funnels/reorder',
    `Воронка «${last}» над местом ${before.length - 1}.`,
  );
  let now = moved.map((f) => f.name);
  check(now.indexOf(last) === before.length - 2, `the funnels are ${JSON.stringify(now)}`);
  await heard(page, `Воронка «${last}» поставлена на место ${before.length - 1}.`);
  await screenshot(page, 'settings-funnels-reordered');
  moved = await dragByKeyboard(
    page,
    `Перетащить воронку «${last}»`,
    'ArrowDown',
    '/funnels/reorder',
    `Воронка «${last}» над местом ${before.length}.`,
  );
  now = moved.map((f) => f.name);
  check(sameList(now, before), `the funnels went back as ${JSON.stringify(now)}`);
}

/** Carries a row one place with the keyboard (Space, an arrow, Space) until a screen reader
 * hears `over` (the row over its new place); the API's answer. */
async function dragByKeyboard(page, handleName, arrow, path, over) {
  const answered = page.waitForResponse(
    (answer) => answer.request().method() === 'POST' && answer.url().endsWith(path),
  );
  answered.catch(() => {});
  await page.waitForLoadState('networkidle');
  const handle = page.getByRole('button', { name: handleName });
  // Each key waits for the drag to answer before the next: the handle is pressed while carried.
  await handle.press('Space');
  await page.locator('[aria-pressed="true"]').waitFor();
  // The sensor measures the rows on the next animation frames: on a busy machine an arrow
  // pressed before that moves nothing. Press it until the row is heard over its new place.
  for (let attempt = 1; ; attempt += 1) {
    await page.keyboard.press(arrow);
    try {
      await page.getByText(over, { exact: true }).waitFor({ state: 'attached', timeout: 3000 });
      break;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
  await page.keyboard.press('Space');
  const answer = await answered;
  check(answer.ok(), `${path} answered ${answer.status()}`);
  await page.locator('[aria-pressed="true"]').waitFor({ state: 'detached' });
  return answer.json();
}

/** A screen reader heard it (dnd-kit's live region, visually hidden). */
async function heard(page, text) {
  await page.getByText(text, { exact: true }).waitFor({ state: 'attached' });
}

function sameList(left, right) {
  return left.length === right.length && left.every((item, index) => item === right[index]);
}
