// Issue 12, item 7: client karma.
import { BASE_URL, EMAIL, PASSWORD, apiHeaders, check, responseTo, signIn } from '../lib.mjs';

export const tests = [
  {
    name: 'the admin adjusts a client’s karma with a reason and sees the score and the entry',
    run: adminAdjustsKarma,
  },
];

const points = (value) => Number(value ?? 0);

/**
 * The demo administrator opens a client, adds 7 points by hand with a reason, and sees the
 * new score on the card and the adjustment, with its reason, among the latest entries.
 */
async function adminAdjustsKarma(page) {
  const headers = await apiHeaders(page, EMAIL, PASSWORD);
  const clients = await page.request.get(`${BASE_URL}/api/v1/clients?limit=1`, { headers });
  check(clients.ok(), `listing the clients answered ${clients.status()}`);
  const [client] = (await clients.json()).items;
  check(client, 'the demo has no client');
  const karmaUrl = `${BASE_URL}/api/v1/clients/${client.id}/karma`;
  const before = await (await page.request.get(karmaUrl, { headers })).json();

  await signIn(page);
  await page.goto(`${BASE_URL}/clients/${client.id}`);
  const panel = page.getByTestId('client-karma');
  await panel.waitFor();
  const reason = `Рекомендовал нас партнёрам ${Date.now().toString(36)}`;
  await panel.getByLabel('Баллы').fill('7');
  await panel.getByLabel('Причина').fill(reason);
  const posted = responseTo(page, 'POST', `/api/v1/clients/${client.id}/karma/adjustments`);
  await panel.getByRole('button', { name: 'Скорректировать' }).click();
  const post = await posted;
  check(post.status() === 201, `the adjustment answered ${post.status()}`);

  const entry = panel.getByTestId('karma-entry').filter({ hasText: reason });
  await entry.waitFor();
  check((await entry.innerText()).includes('+7'), 'the entry does not show +7');

  const after = await (await page.request.get(karmaUrl, { headers })).json();
  check(
    points(after.score) === points(before.score) + 7,
    `the score went from ${before.score} to ${after.score}, not up by 7`,
  );
  const shown = new Intl.NumberFormat('ru-RU', { maximumFractionDigits: 2 }).format(
    points(after.score),
  );
  const badge = panel.getByTestId('karma-score');
  await badge.filter({ hasText: shown }).waitFor();
}
