/* global document, window */
// Issue 10, items 7, 10 and 11: the main screens on a 390 px phone without horizontal scrolling,
// axe-core (WCAG 2.1 A and AA) finding nothing serious on them, a notification arriving live in
// the bell, and the built app delivered compressed with immutable hashed assets.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  BASE_URL,
  EMAIL,
  PASSWORD,
  SELLER_EMAIL,
  SELLER_PASSWORD,
  apiHeaders,
  check,
  screenshot,
  signInAs,
} from '../lib.mjs';

const PHONE = { width: 390, height: 844 };
const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);
const SERIOUS = new Set(['serious', 'critical']);

export const tests = [
  {
    name: 'the phone layout has no horizontal scroll',
    viewport: PHONE,
    run: (page) => visitMainScreens(page, 'phone', checkNoHorizontalScroll),
  },
  {
    name: 'axe finds no serious violations',
    run: (page) => visitMainScreens(page, 'axe', checkAccessibility),
  },
  {
    name: 'axe finds no serious violations on the phone layout',
    viewport: PHONE,
    run: (page) => visitMainScreens(page, 'axe-phone', checkAccessibility),
  },
  { name: 'a notification arrives in the bell', run: notificationArrivesInTheBell },
  { name: 'the app is delivered compressed, hashed assets cached for good', run: delivery },
];

/** A record to open on the deal and client pages: the seller's first deal and its client. */
async function sampleRecords(page, headers) {
  const deals = await page.request.get(`${BASE_URL}/api/v1/deals?limit=1`, { headers });
  check(deals.ok(), `the deal list answered ${deals.status()}`);
  const [deal] = (await deals.json()).items;
  check(deal, 'the demo seller has no deal');
  return { dealId: deal.id, clientId: deal.client_id };
}

/** Waits until the screen has drawn its data: no loader left, and the main region present. */
async function settled(page) {
  await page.locator('main').first().waitFor();
  await page.waitForLoadState('networkidle').catch(() => {});
  await page
    .locator('main .mantine-Loader-root')
    .first()
    .waitFor({ state: 'detached', timeout: 15_000 })
    .catch(() => {});
}

/**
 * Opens every main screen, as a seller and (for the settings) as the administrator, and runs
 * `inspect(page, screenName)` on each, after a screenshot named `13-<label>-<screen>`.
 */
async function visitMainScreens(page, label, inspect) {
  const failures = [];
  const visit = async (name, path, ready) => {
    try {
      if (path) await page.goto(`${BASE_URL}${path}`);
      if (ready) await ready();
      else await settled(page);
      await screenshot(page, `13-${label}-${name}`);
      await inspect(page, name);
    } catch (error) {
      failures.push(`${name}: ${error.message.split('\n')[0]}`);
    }
  };

  await visit('login', '/login', () => page.getByLabel('Пароль').waitFor());
  await signInAs(page, SELLER_EMAIL, SELLER_PASSWORD);
  const seller = await apiHeaders(page, SELLER_EMAIL, SELLER_PASSWORD);
  const { dealId, clientId } = await sampleRecords(page, seller);
  await visit('today', '/');
  await visit('deals-board', '/deals', async () => {
    await page.getByTestId('stage-column').first().waitFor();
    await settled(page);
  });
  await visit('deals-list', '/deals?view=list');
  await visit('deal', `/deals/${dealId}`);
  await visit('clients', '/clients');
  await visit('client', `/clients/${clientId}`);
  await visit('tasks', '/tasks');
  await visit('bell', null, async () => {
    await page.getByRole('button', { name: /^Уведомления, непрочитанных/ }).click();
    await page.getByRole('dialog').waitFor();
  });

  // The settings are the administrator's.
  await page.context().clearCookies();
  await page.evaluate(() => localStorage.clear());
  await signInAs(page, EMAIL, PASSWORD);
  await visit('settings', '/settings');

  check(failures.length === 0, `\n  ${failures.join('\n  ')}`);
}

/** The page is no wider than the phone; names what sticks out when it is. */
async function checkNoHorizontalScroll(page) {
  const { width, culprits } = await page.evaluate(() => {
    const viewport = document.documentElement.clientWidth;
    const wide = [];
    for (const element of document.body.querySelectorAll('*')) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.right <= viewport + 1) continue;
      // Report the outermost offenders only: a child of a reported element adds nothing.
      if (wide.some((outer) => outer.contains(element))) continue;
      wide.push(element);
    }
    return {
      width: document.scrollingElement.scrollWidth,
      culprits: wide.slice(0, 5).map((element) => {
        const classes = [...element.classList].filter((c) => !c.startsWith('m_')).join('.');
        return `${element.tagName.toLowerCase()}${classes ? `.${classes}` : ''} right=${Math.round(element.getBoundingClientRect().right)}`;
      }),
    };
  });
  check(width <= PHONE.width, `scrollWidth ${width} > ${PHONE.width}: ${culprits.join(', ')}`);
}

/** axe-core's WCAG 2.1 A and AA rules; a serious or critical violation fails the screen. */
async function checkAccessibility(page) {
  // Evaluated through the DevTools protocol, so the page's Content-Security-Policy allows it.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.slice(0, 3).map((node) => {
        const contrast = node.any.find((check) => check.id === 'color-contrast')?.data;
        const colors = contrast
          ? ` [${contrast.fgColor} on ${contrast.bgColor}: ${contrast.contrastRatio}]`
          : '';
        return `${node.target.join(' ')}${colors} ${node.html.slice(0, 120)}`;
      }),
      count: violation.nodes.length,
    }));
  });
  const serious = violations.filter((violation) => SERIOUS.has(violation.impact));
  check(
    serious.length === 0,
    serious
      .map((v) => `${v.id} (${v.impact}, ${v.count}×): ${v.help} at ${v.targets.join(' | ')}`)
      .join('; '),
  );
}

/**
 * The administrator assigns the seller a task while the seller's page is open: the bell counts
 * it and a toast says so at once (the live stream), and its link opens the tasks.
 */
async function notificationArrivesInTheBell(page) {
  await signInAs(page, SELLER_EMAIL, SELLER_PASSWORD);
  const admin = await apiHeaders(page, EMAIL, PASSWORD);
  const seller = await apiHeaders(page, SELLER_EMAIL, SELLER_PASSWORD);
  const me = await (
    await page.request.get(`${BASE_URL}/api/v1/users/me`, { headers: seller })
  ).json();
  const { clientId } = await sampleRecords(page, seller);

  const bell = page.getByRole('button', { name: /^Уведомления, непрочитанных/ });
  await bell.waitFor();
  const unreadOf = async () => (await bell.getAttribute('aria-label')).split(': ')[1];
  const before = await unreadOf();
  // The stream is open once the backlog was asked for; give it a moment to subscribe.
  await page.waitForTimeout(1000);

  const title = `Перезвонить по договору ${Date.now()}`;
  const created = await page.request.post(`${BASE_URL}/api/v1/tasks`, {
    headers: admin,
    data: {
      title,
      client_id: clientId,
      assignee_id: me.id,
      due_at: new Date(Date.now() + 3_600_000).toISOString(),
    },
  });
  check(created.ok(), `the task was not created: ${created.status()} ${await created.text()}`);

  const toast = page.locator('.mantine-Notification-root', { hasText: title });
  await toast.waitFor({ timeout: 20_000 });
  check(
    (await toast.textContent()).includes('Новая задача'),
    `the toast says: ${await toast.textContent()}`,
  );
  const after = await unreadOf();
  check(
    before === '99+' || after === '99+' || Number(after) === Number(before) + 1,
    `the bell counted ${before} then ${after}`,
  );
  await screenshot(page, '13-notification-toast');

  await bell.click();
  const item = page.getByTestId('notification').filter({ hasText: title });
  await item.waitFor();
  check((await item.getAttribute('data-unread')) !== null, 'the new notification is not unread');
  await screenshot(page, '13-notification-bell');
  await item.click();
  await page.waitForURL((url) => url.pathname === '/tasks');
  const read = await page.request.get(`${BASE_URL}/api/v1/notifications?unread=true&limit=100`, {
    headers: seller,
  });
  const unread = (await read.json()).items.map((n) => n.params.task_title);
  check(!unread.includes(title), 'opening the notification did not mark it read');
}

/** JSON and the SPA's scripts are gzipped; hashed assets are immutable, index.html revalidated. */
async function delivery(page) {
  const index = await page.request.get(`${BASE_URL}/login`, {
    headers: { 'Accept-Encoding': 'gzip' },
  });
  check(index.headers()['cache-control'] === 'no-cache', 'index.html is not revalidated');
  const html = await index.text();
  const entry = /<script type="module" crossorigin src="([^"]+)"/.exec(html)?.[1];
  check(entry?.startsWith('/assets/'), `no entry script in index.html: ${html.slice(0, 200)}`);
  const script = await page.request.get(`${BASE_URL}${entry}`, {
    headers: { 'Accept-Encoding': 'gzip' },
  });
  const headers = script.headers();
  check(headers['content-encoding'] === 'gzip', `the entry script is not gzipped`);
  check(
    headers['cache-control'] === 'public, max-age=31536000, immutable',
    `the entry script is cached as: ${headers['cache-control']}`,
  );
  const admin = await apiHeaders(page, EMAIL, PASSWORD);
  const roles = await page.request.get(`${BASE_URL}/api/v1/roles`, {
    headers: { ...admin, 'Accept-Encoding': 'gzip' },
  });
  check(roles.headers()['content-encoding'] === 'gzip', 'the roles JSON is not gzipped');
}
