// Issue 11, items 1, 2 and 10: a website form's post is stored before it is answered, read by
// the worker within seconds, and shown to the administrator in Settings › Inbound requests;
// a bot's post (the honeypot filled in) is kept and shown as ignored, never dropped.
import { BASE_URL, EMAIL, PASSWORD, apiHeaders, check, screenshot, signIn } from '../lib.mjs';

export const tests = [
  {
    name: 'a form post reaches the inbox processed within seconds; a bot is kept as ignored',
    run: formPostReachesTheInbox,
  },
];

async function formPostReachesTheInbox(page) {
  const tag = Date.now().toString(36);
  const headers = await apiHeaders(page, EMAIL, PASSWORD);
  const created = await page.request.post(`${BASE_URL}/api/v1/intake/form-settings`, {
    headers,
    data: { name: `Сайт ${tag}`, rate_limit_per_minute: null },
  });
  check(created.status() === 201, `form not created: ${created.status()}`);
  const form = await created.json();

  const person = `Покупатель ${tag}`;
  const posted = await page.request.post(`${BASE_URL}${form.post_path}`, {
    form: { name: person, phone: '+7 916 555-01-90', utm_source: 'e2e' },
  });
  check(posted.status() === 200, `the form post was answered ${posted.status()}`);
  const bot = await page.request.post(`${BASE_URL}${form.post_path}`, {
    form: { name: `Бот ${tag}`, phone: '+7 916 555-01-91', website: 'http://spam.example' },
  });
  check(bot.status() === 200, `the bot's post was answered ${bot.status()}`);
  const embed = await page.request.get(`${BASE_URL}${form.embed_path}`);
  check(embed.ok() && (await embed.text()).includes('utm_source'), 'no embed script');

  await signIn(page);
  await page.goto(`${BASE_URL}/settings/intake-inbox`);
  const inbox = page.getByTestId('intake-inbox');
  const row = inbox.getByRole('row').filter({ hasText: person });
  // Processed by the worker; the list re-reads itself while anything waits.
  await row.getByText('Обработаны').waitFor({ timeout: 20_000 });
  check(
    (await row.textContent()).includes('+79165550190'),
    'the processed request does not show the phone in E.164',
  );
  await screenshot(page, 'intake-inbox');

  // The segmented control's radios are visually hidden; its labels take the click.
  await page
    .locator('.mantine-SegmentedControl-root')
    .getByText('Пропущены', { exact: true })
    .click();
  // A bot's post names nobody: it is found by its reason, and its body is all there.
  const ignored = inbox.getByRole('row').filter({ hasText: /website/ });
  await ignored.first().waitFor({ timeout: 20_000 });
  await ignored.first().getByRole('button', { name: 'Подробности' }).click();
  await page
    .getByTestId('intake-item')
    .getByText(/spam\.example/)
    .first()
    .waitFor();
  await screenshot(page, 'intake-ignored');
}
