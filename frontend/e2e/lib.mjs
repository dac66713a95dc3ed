// Shared by the journeys: where the app is, who signs in, and small helpers.
//   E2E_BASE_URL   where the app is served (default http://127.0.0.1:8000)
//   E2E_EMAIL / E2E_PASSWORD  the seeded administrator
//   E2E_SELLER_EMAIL / E2E_SELLER_PASSWORD  a demo seller
import { createHmac, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

export const BASE_URL = (process.env.E2E_BASE_URL || 'http://127.0.0.1:8000').replace(/\/+$/, '');
export const EMAIL = process.env.E2E_EMAIL || 'admin@example.com';
export const PASSWORD = process.env.E2E_PASSWORD || 'change-me-now';
export const SELLER_EMAIL = process.env.E2E_SELLER_EMAIL || 'a.sidorov@example.com';
export const SELLER_PASSWORD = process.env.E2E_SELLER_PASSWORD || 'demo-password';
/** Screenshots and failure shots go here (git-ignored). */
export const RESULTS = fileURLToPath(new URL('../test-results/', import.meta.url));
export const NAV_PATHS = ['/', '/clients', '/deals', '/tasks', '/settings'];

// Labels of the webhooks screen in the three languages the shell may switch to.
export const L = {
  add: /^(Добавить адрес|Додати адресу|Add endpoint)$/,
  save: /^(Сохранить|Зберегти|Save)$/,
  events: /^(События|Події|Events)/,
  sendTest: /^(Тест|Send test)$/,
  deliveries: /^(Доставки|Deliveries)$/,
  list: /^(Список|List)$/,
  showMore: /^(Показать ещё|Показати ще|Show more)$/,
  search: /^(Поиск|Пошук|Search)$/,
};

export class Failure extends Error {}

export function check(condition, message) {
  if (!condition) throw new Failure(message);
}

/** Saves a full-page screenshot under test-results/ by name. */
export async function screenshot(page, name) {
  await page.screenshot({ path: `${RESULTS}${name}.png`, fullPage: true });
}

/** A promise of the next response to `method pathname`; a timeout is not an unhandled rejection. */
export function responseTo(page, method, pathname) {
  const response = page.waitForResponse(
    (answer) => answer.request().method() === method && new URL(answer.url()).pathname === pathname,
  );
  response.catch(() => {});
  return response;
}

/** Signs in through the form as anyone and waits until the app leaves /login. */
export async function signInAs(page, email, password) {
  await page.goto(`${BASE_URL}/login`);
  await page.getByLabel('Эл. почта').fill(email);
  await page.getByLabel('Пароль').fill(password);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
  await page.getByRole('navigation').waitFor();
}

/** A bearer header for API calls made beside the browser (planting data, checking results). */
export async function apiHeaders(page, email, password) {
  const login = await page.request.post(`${BASE_URL}/api/v1/auth/login`, {
    data: { email, password },
  });
  check(login.ok(), `${email} could not sign in through the API: ${login.status()}`);
  return { Authorization: `Bearer ${(await login.json()).access_token}` };
}

/** Waits until the locator matches exactly `count` elements. */
export async function waitForCount(locator, count, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  let seen = await locator.count();
  while (seen !== count) {
    if (Date.now() > deadline) throw new Failure(`${seen} elements, expected ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    seen = await locator.count();
  }
}

/** Signs in as the seeded administrator through the form and waits for the app shell. */
export async function signIn(page) {
  await page.goto(`${BASE_URL}/login`);
  await page.getByLabel('Эл. почта').fill(EMAIL);
  await page.getByLabel('Пароль').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.waitForURL((url) => url.pathname === '/');
  await page.getByRole('navigation').waitFor();
}

/**
 * A webhook receiver on a free port of 127.0.0.1 that answers 200 and keeps what it got;

 */
export async function startReceiver() {
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
export function sign(secret, id, timestamp, body) {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
}

export function sameText(a, b) {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Clicks `target` as a person would when toasts cover it: closes the toasts on screen and
 * clicks again. Background work (the staleness check when the worker starts, say) may toast
 * at any moment, and a burst of toasts covers the bottom right of the page.
 */
export async function clickPastToasts(page, target, attempts = 5) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await target.click({ timeout: 3000 });
      return;
    } catch (error) {
      if (attempt === attempts) throw error;
    }
    // The close buttons only: a toast's "Открыть" is a button too.
    const close = page.locator('.mantine-Notification-closeButton');
    for (const button of await close.all()) {
      await button.click({ timeout: 1000 }).catch(() => {}); // it may be closing already
    }
  }
}
