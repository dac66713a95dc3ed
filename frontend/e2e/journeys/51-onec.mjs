// Issue 13, items 1, 2, 6 and 8: an administrator connects 1C:Enterprise in Settings › 1C and
// reads the address, login and password shown once. Then 1C's side is played with fetch as
// 1C:Enterprise runs a catalog exchange (checkauth with HTTP Basic auth, init, the file in
// chunks, import until success, the session cookie sent back by hand) with the sample
// import0_1.xml; the exchange log on the screen shows the exchange done with its counts and
// its file, and the catalogue's products are there: a deal's line is picked from them.
import { readFileSync } from 'node:fs';
import { BASE_URL, EMAIL, PASSWORD, apiHeaders, check, screenshot, signIn } from '../lib.mjs';

const SAMPLES = process.env.ONEC_SAMPLES || '/work/shared/samples/onec';
const CATALOG = 'import0_1.xml';
// An article of one of the sample's products.
const ARTICLE = 'PM-421-WP';

export const tests = [
  {
    name: '1C: an admin connects 1C, a catalog exchange as 1C runs it is logged with its counts and its products fill a deal line',
    run: catalogExchangeIsLogged,
  },
];

/** 1C's side of one exchange session: it keeps no cookie jar, it sends back what checkauth named. */
function oneC(url, login, password) {
  let cookie = null;
  let sessid = null;
  const call = async (mode, { method = 'GET', body, filename } = {}) => {
    const query = new URLSearchParams({ type: 'catalog', mode });
    if (filename) query.set('filename', filename);
    if (sessid && mode !== 'checkauth') query.set('sessid', sessid);
    const headers = {};
    if (mode === 'checkauth') {
      headers.Authorization = `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;
    } else if (cookie) {
      headers.Cookie = cookie;
    }
    const response = await fetch(`${url}?${query}`, { method, headers, body });
    const text = await response.text();
    check(response.status === 200, `1C's ${mode} was answered ${response.status}: ${text}`);
    return text;
  };
  return {
    async checkauth() {
      const lines = (await call('checkauth')).split(/\r?\n/);
      check(lines[0] === 'success', `checkauth answered ${lines.join(' | ')}`);
      cookie = `${lines[1]}=${lines[2]}`;
      sessid = (lines[3] ?? '').replace(/^sessid=/, '') || null;
    },
    init: () => call('init'),
    async upload(name, data, chunk) {
      for (let start = 0; start < data.length; start += chunk) {
        const answer = await call('file', {
          method: 'POST',
          body: data.subarray(start, start + chunk),
          filename: name,
        });
        check(answer.startsWith('success'), `the file's chunk was answered ${answer}`);
      }
    },
    async importUntilDone(name) {
      for (let calls = 0; calls < 50; calls += 1) {
        const answer = await call('import', { filename: name });
        if (!answer.startsWith('progress')) return answer;
      }
      throw new Error(`the import of ${name} never ended`);
    },
  };
}

async function catalogExchangeIsLogged(page) {
  const tag = Date.now().toString(36);
  const headers = await apiHeaders(page, EMAIL, PASSWORD);

  await signIn(page);
  await page.goto(`${BASE_URL}/settings/onec`);
  await page.getByRole('button', { name: 'Подключить 1С' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Название').fill(`УТ 11 ${tag}`);
  const login = dialog.getByRole('textbox', { name: 'Логин' });
  await login.fill(`site-${tag}`);
  await dialog.getByRole('button', { name: 'Создать' }).click();

  // Shown once, to paste into 1C: read here, nothing copied.
  const url = (await page.getByTestId('onec-credentials-url').innerText()).trim();
  const shownLogin = (await page.getByTestId('onec-credentials-login').innerText()).trim();
  const password = (await page.getByTestId('onec-credentials-password').innerText()).trim();
  check(/\/api\/v1\/onec\/[0-9a-f-]{36}\/exchange$/.test(url), `the URL shown is ${url}`);
  check(url.startsWith(BASE_URL), `the URL ${url} is not on ${BASE_URL}`);
  check(shownLogin === `site-${tag}`, `the login shown is ${shownLogin}`);
  check(password.length >= 12, 'no password was shown');
  await screenshot(page, 'onec-credentials');
  await page.getByRole('button', { name: 'Готово' }).click();
  await page
    .getByTestId('onec-integration')
    .filter({ hasText: `УТ 11 ${tag}` })
    .waitFor();

  // 1C runs the exchange.
  const data = readFileSync(`${SAMPLES}/${CATALOG}`);
  const session = oneC(url, shownLogin, password);
  await session.checkauth();
  const init = await session.init();
  check(/zip=(yes|no)/.test(init) && /file_limit=\d+/.test(init), `init answered ${init}`);
  await session.upload(CATALOG, data, 4096);
  const last = await session.importUntilDone(CATALOG);
  check(last.startsWith('success'), `the import ended with ${last}`);

  // The exchange log shows it done, with its counts; its detail names the file.
  await page.reload();
  const exchange = page.getByTestId('onec-exchange').first();
  await exchange.waitFor();
  await exchange.getByText('Завершён').waitFor({ timeout: 20_000 });
  const counts = (await exchange.innerText()).match(
    /новых (\d+), изменено (\d+), без изменений (\d+)/,
  );
  check(counts, `the log row shows no counts: ${await exchange.innerText()}`);
  const records = counts.slice(1).reduce((total, n) => total + Number(n), 0);
  check(records >= 3, `the exchange counted ${records} records, expected the 3 products at least`);
  await exchange.click();
  const files = page.getByRole('dialog').getByTestId('onec-exchange-files');
  await files.getByText(CATALOG).waitFor();
  const size = new Intl.NumberFormat('ru').format(data.length);
  check((await files.innerText()).includes(size), `the file row does not show its size ${size}`);
  await screenshot(page, 'onec-exchange-log');

  // The catalogue's products are in the CRM.
  const products = await page.request.get(
    `${BASE_URL}/api/v1/onec/products?search=${encodeURIComponent(ARTICLE)}`,
    { headers },
  );
  check(products.ok(), `the products answered ${products.status()}`);
  const found = (await products.json()).items;
  check(
    found.some((product) => product.article === ARTICLE),
    `no product with the article ${ARTICLE}: ${JSON.stringify(found.map((p) => p.name))}`,
  );

  // A deal's product line is picked from the catalogue in the deal card (the sample has no
  // offers, so no price: the seller types one), beside a free-text line.
  const client = await page.request.post(`${BASE_URL}/api/v1/clients`, {
    headers,
    data: { name: `ООО «Каталог ${tag}»`, confirm_duplicate: true },
  });
  check(client.status() === 201, `the client answered ${client.status()}`);
  const made = await page.request.post(`${BASE_URL}/api/v1/deals`, {
    headers,
    data: { client_id: (await client.json()).id, title: `Поставка по каталогу ${tag}` },
  });
  check(made.status() === 201, `the deal answered ${made.status()}`);
  const deal = await made.json();
  await page.goto(`${BASE_URL}/deals/${deal.id}`);
  const lines = page.getByTestId('deal-products');
  await lines.getByRole('button', { name: 'Изменить товары' }).click();
  await lines.getByRole('button', { name: 'Добавить строку' }).click();
  const picker = lines.locator('input[aria-label="Из каталога"]').first();
  await picker.click();
  await picker.fill(ARTICLE);
  await page.getByRole('option').filter({ hasText: ARTICLE }).first().click();
  const name = lines.getByRole('textbox', { name: 'Товар или услуга' }).first();
  const productName = (await name.inputValue()).trim();
  check(productName.length > 0, 'picking a product did not fill the line');
  const price = lines.getByRole('textbox', { name: 'Цена' }).first();
  if (!(await price.inputValue())) await price.fill('1500');
  await lines.getByRole('button', { name: 'Добавить строку' }).click();
  await lines.getByRole('textbox', { name: 'Товар или услуга' }).nth(1).fill('Доставка');
  await lines.getByRole('textbox', { name: 'Цена' }).nth(1).fill('500');
  await lines.getByRole('button', { name: 'Сохранить' }).click();
  await lines.getByRole('cell', { name: productName }).waitFor();
  await lines.getByRole('cell', { name: 'Доставка' }).waitFor();
  await screenshot(page, 'onec-deal-catalogue-line');
  const saved = await page.request.get(`${BASE_URL}/api/v1/deals/${deal.id}`, { headers });
  const savedLines = (await saved.json()).products;
  const picked = found.find((product) => product.id === savedLines[0]?.product_id);
  check(
    picked?.article === ARTICLE && savedLines[1]?.product_id === null,
    `the deal's lines are ${JSON.stringify(savedLines)}`,
  );
}
