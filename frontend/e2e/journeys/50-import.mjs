// Issue 13, items 7 and 8: the head of sales (who may import: imports:run) imports a small
// spreadsheet of clients through the wizard. The file is what Excel saves as "CSV
// (разделители - точки с запятой)": windows-1251, semicolons. One of its rows is a demo client
// under another name with the same ИНН: the dry run flags it, in Russian, with a link to that
// client, the import's progress bar reaches the end, and the new client is then found in the
// clients list. The demo's head gets stale-deal notifications while the worker's first
// staleness check runs: the clicks go past their toasts.
import { BASE_URL, apiHeaders, check, clickPastToasts, screenshot, signInAs } from '../lib.mjs';

const HEAD_EMAIL = 'i.petrova@example.com';
const HEAD_PASSWORD = 'demo-password';

export const tests = [
  {
    name: 'import: the head of sales imports a windows-1251 CSV, the dry run flags a duplicate, the new client is listed',
    run: headImportsClients,
  },
];

const INN10_WEIGHTS = [2, 4, 10, 3, 5, 9, 4, 6, 8];

/** A valid 10-digit ИНН (an organisation's) ending in `seed`'s digits. */
function inn10(seed) {
  const digits = `77${seed}`.padStart(9, '1').slice(-9);
  const sum = INN10_WEIGHTS.reduce((total, weight, i) => total + weight * Number(digits[i]), 0);
  return `${digits}${(sum % 11) % 10}`;
}

/** Windows-1251 bytes of text in ASCII and Russian letters (and «»№), as Excel saves them. */
function cp1251(text) {
  const special = { Ё: 0xa8, ё: 0xb8, '«': 0xab, '»': 0xbb, '№': 0xb9 };
  return Buffer.from(
    [...text].map((char) => {
      const code = char.codePointAt(0);
      if (code < 0x80) return code;
      if (code >= 0x410 && code <= 0x44f) return code - 0x410 + 0xc0;
      if (char in special) return special[char];
      throw new Error(`no windows-1251 byte for ${char}`);
    }),
  );
}

async function headImportsClients(page) {
  const headers = await apiHeaders(page, HEAD_EMAIL, HEAD_PASSWORD);
  const tag = String(Date.now()).slice(-6);
  // A demo client with an ИНН: the file's second row is it under another name.
  const listed = await page.request.get(`${BASE_URL}/api/v1/clients?limit=200`, { headers });
  check(listed.ok(), `the clients list answered ${listed.status()}`);
  const demo = (await listed.json()).items.find((client) => client.inn);
  check(demo, 'no demo client with an ИНН');

  const fresh = `ООО «Импорт ${tag}»`;
  const csv = [
    'Клиент;ИНН;Контактное лицо;Телефон;E-mail',
    `${fresh};${inn10(tag)};Ольга Смирнова;+7 912 ${tag.slice(0, 3)}-${tag.slice(3)}-0;olga${tag}@example.com`,
    `Другое имя ${tag};${demo.inn};;;`,
  ].join('\r\n');

  await signInAs(page, HEAD_EMAIL, HEAD_PASSWORD);
  await page.goto(`${BASE_URL}/clients`);
  await clickPastToasts(page, page.getByRole('link', { name: 'Импорт', exact: true }));
  await page.waitForURL((url) => url.pathname === '/imports/new');
  await clickPastToasts(page, page.getByText('Клиенты и контакты'));
  await page.locator('input[type="file"]').setInputFiles({
    name: `клиенты-${tag}.csv`,
    mimeType: 'text/csv',
    buffer: cp1251(`${csv}\r\n`),
  });
  await clickPastToasts(page, page.getByRole('button', { name: 'Загрузить' }));
  // Reading the file may take a while on a busy machine.
  await page.waitForURL((url) => /^\/imports\/[0-9a-f-]{36}$/.test(url.pathname), {
    timeout: 60_000,
  });

  // Step 2: the columns, each with the field its header suggested, and the file's rows.
  const columns = page.getByTestId('import-column');
  await columns.first().waitFor();
  check((await columns.count()) === 5, `${await columns.count()} columns shown, expected 5`);
  const fieldOf = (index) => columns.nth(index).locator('input:not([type="hidden"])').inputValue();
  const mapped = [await fieldOf(0), await fieldOf(1), await fieldOf(3)];
  check(
    mapped.join('|') === 'Название клиента|ИНН|Телефоны',
    `the suggested fields are ${mapped.join(', ')}`,
  );
  check(
    (await page.getByRole('combobox', { name: 'Кодировка' }).inputValue()) === 'Windows-1251',
    'the encoding was not detected as windows-1251',
  );
  await page.getByTestId('import-preview').getByText(fresh).waitFor();
  await screenshot(page, 'import-mapping');

  // Step 3: the dry run says one to create and flags the demo client's twin.
  await clickPastToasts(page, page.getByRole('button', { name: 'Проверить (пробный прогон)' }));
  const report = page.getByTestId('import-counts-dryRun');
  await report.waitFor({ timeout: 30_000 });
  const count = async (scope, key) =>
    Number(
      (await scope.getByTestId(`import-count-${key}`).locator('p').first().innerText()).trim(),
    );
  check((await count(report, 'created')) === 1, 'the dry run would not create one client');
  check((await count(report, 'duplicates')) === 1, 'the dry run did not flag one duplicate');
  const flagged = page.getByTestId('import-issue').filter({ hasText: 'Дубль' });
  await flagged.first().waitFor();
  check(
    (await flagged.first().innerText()).includes('Совпадает с существующим клиентом'),
    `the duplicate's reason is not in Russian: ${await flagged.first().innerText()}`,
  );
  const link = flagged.first().getByTestId('import-match').first();
  check(
    (await link.getAttribute('href')) === `/clients/${demo.id}`,
    `the duplicate links to ${await link.getAttribute('href')}, not the demo client`,
  );
  await screenshot(page, 'import-dry-run');

  // Steps 4 and 5: the import runs as a job; the progress bar reaches its end.
  await clickPastToasts(page, page.getByRole('button', { name: 'Импортировать' }));
  const result = page.getByTestId('import-result');
  await result.waitFor({ timeout: 60_000 });
  check((await result.innerText()).includes('Завершён'), 'the import did not end as done');
  check(
    (await page.getByTestId('import-progress-text').innerText()).includes('(100%)'),
    'the progress did not reach 100%',
  );
  const counts = page.getByTestId('import-counts-result');
  check((await count(counts, 'created')) === 1, 'the import did not create one client');
  check((await count(counts, 'duplicates')) === 1, 'the import did not flag the duplicate');
  await page.getByTestId('import-issues').getByTestId('import-match').first().waitFor();
  await screenshot(page, 'import-done');

  // The new client is in the list; its twin was not created.
  await clickPastToasts(page, page.getByRole('link', { name: 'К списку клиентов' }));
  await page.waitForURL((url) => url.pathname === '/clients');
  await page.getByLabel('Поиск', { exact: true }).fill(tag);
  await page.getByRole('link', { name: fresh }).first().waitFor();
  const twins = await page.request.get(
    `${BASE_URL}/api/v1/clients?q=${encodeURIComponent(`Другое имя ${tag}`)}`,
    { headers },
  );
  check((await twins.json()).items.length === 0, 'the flagged duplicate was created anyway');
  const history = await page.request.get(`${BASE_URL}/api/v1/imports?limit=5`, { headers });
  check(
    (await history.json()).items.some((item) => item.filename === `клиенты-${tag}.csv`),
    'the import is not in the list of imports',
  );
}
